import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyedDraws, keyedUniform, mix32, type KeyedRecord } from './keyed-random.js';

test('keyed draws advance the record they were pointed at, and only that record', () => {
  const draws = new KeyedDraws();
  const a: KeyedRecord = { keyedState: mix32(7, 1) };
  const b: KeyedRecord = { keyedState: mix32(7, 2) };
  const expectA0 = keyedUniform(a.keyedState);
  const rngA = draws.from(a);
  const startB = b.keyedState;
  assert.is(rngA(), expectA0);
  // The next draw is the first draw of a generator at the advanced state.
  const expectA1 = keyedUniform(a.keyedState);
  assert.is(rngA(), expectA1);
  assert.is(b.keyedState, startB);
  // Switching records, then back: a resumes where it stopped (no hidden state in the generator).
  const b0 = draws.from(b)();
  assert.is(b0, keyedUniform(startB));
  const expectA2 = keyedUniform(a.keyedState);
  assert.is(draws.from(a)(), expectA2);
  assert.is(draws.from(a), draws.from(b), 'one Rng object: no allocation per use');
  for (const u of [expectA0, expectA1, expectA2, b0]) assert.ok(u >= 0 && u < 1, String(u));
  assert.is.not(expectA0, expectA1);
});

test('keyed draws are pinned: results must not change when the code moves', () => {
  // Values of the splitmix32 generator as first written (KeyedStream), from state mix32(42, 1).
  const record: KeyedRecord = { keyedState: mix32(42, 1) };
  assert.is(record.keyedState, 862081050);
  const rng = new KeyedDraws().from(record);
  assert.equal([rng(), rng(), rng()].map((u) => u * 4294967296), [2126976365, 1064460546, 233546169]);
});

test.run();
