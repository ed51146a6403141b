/** The fuzz watchdog: a case that hangs or kills its worker is recorded with its input, and the cases after it still run. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runWatched, type WatchedCase } from './watchdog.js';

test('a hanging case is reported slow, a dying one crash; a new worker runs the rest, in order', async () => {
  const seen: WatchedCase[] = [];
  await runWatched(new URL('./watchdog-test-worker.js', import.meta.url), { cases: 5 }, 500, (c) => seen.push(c));
  assert.equal(seen.map((c) => [c.index, c.input, c.outcome.cls]), [
    [0, 'case 0', 'valid'], [1, 'case 1', 'valid'], [2, 'case 2', 'slow'], [3, 'case 3', 'crash'], [4, 'case 4', 'valid'],
  ]);
  assert.match(seen[2]!.outcome.detail, /no answer after 500 ms: the case hangs/);
  assert.match(seen[3]!.outcome.detail, /exit 70/);
});

test.run();
