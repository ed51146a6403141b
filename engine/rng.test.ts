import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StreamFactory, createStream } from './rng.js';

test('a stream factory hands each name out once per replication', () => {
  const streams = new StreamFactory(1, 3);
  streams.stream('keys:web');
  streams.stream('failure:web');
  assert.throws(() => streams.stream('keys:web'), (e: unknown) => e instanceof Error && e.message.includes('"keys:web"') && e.message.includes('replication 3'));
  // Another replication has its own factory, and may use the name again.
  const next = new StreamFactory(1, 4);
  assert.type(next.stream('keys:web')(), 'number');
});

test('a factory stream draws what createStream draws for the same (seed, replication, name)', () => {
  const a = new StreamFactory('s', 2).stream('arrivals:x');
  const b = createStream('s', 2, 'arrivals:x');
  for (let i = 0; i < 5; i++) assert.is(a(), b());
});

test.run();
