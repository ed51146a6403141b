/**
 * The fixed-seed slice of the fuzz suite (the longer run is `make fuzz`):
 * every reader and the command-line parsers get mutated copies of valid
 * inputs, and each case must give a valid result or a located error of the
 * project's family (exit 2 or 3, naming the file or flag, no class name, a
 * bounded message) within the time bound.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fuzzFlags, fuzzTarget, type FuzzTally } from './fuzz.js';
import { fuzzTargets } from './targets.js';

const OPTIONS = { seed: 13, numRuns: 40, boundMs: 10_000 };

function report(t: FuzzTally): string {
  return t.failures.slice(0, 5).map((f) => `  ${f.outcome.cls}: ${f.input}\n    ${f.outcome.detail}`).join('\n');
}

test('every reader: mutated examples give a valid result or a located error', async () => {
  for (const target of await fuzzTargets()) {
    const tally = await fuzzTarget(target, OPTIONS);
    assert.is(tally.cases, OPTIONS.numRuns);
    assert.ok(tally.byClass.located > 0, `${target.name}: no mutation was refused, so the slice tests nothing`);
    assert.is(tally.failures.length, 0, `${target.name}:\n${report(tally)}`);
  }
});

test('command lines: mutated flags give a valid result or a usage error naming the flag', async () => {
  const tally = await fuzzFlags({ ...OPTIONS, numRuns: 200 });
  assert.ok(tally.byClass.located > 50 && tally.byClass.valid > 0, JSON.stringify(tally.byClass));
  assert.is(tally.failures.length, 0, report(tally));
});

test.run();
