/**
 * A chunk that runs out of memory kills its worker thread, not the run: the
 * attempt fails with a plain message and is retried once on a fresh thread;
 * a chunk that does so twice fails the run with that message.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TaskFailedError } from './executor.js';
import { PiscinaExecutor } from './piscina.js';
import { testJob } from './test-jobs.js';

test('out of memory once: retried on a fresh thread and the run completes; twice: the run fails saying so', async () => {
  const executor = new PiscinaExecutor(1, { heapLimitMb: 64 });
  try {
    const retried: number[] = [];
    const ok = await executor.run(testJob, [{ kind: 'oom', oomAttempts: 1, value: 7 }, { kind: 'echo', value: 8 }], { onRetry: (i) => retried.push(i) });
    assert.equal(ok.map((r) => r.value), [7, 8]);
    assert.is(ok[0]!.attempt, 1);
    assert.equal(retried, [0]);
    try {
      await executor.run(testJob, [{ kind: 'oom', oomAttempts: 2, value: 1 }]);
      assert.unreachable('two out-of-memory attempts fail the run');
    } catch (e) {
      assert.instance(e, TaskFailedError);
      assert.match((e as Error).message, /ran out of memory \(heap limit 64 MB per thread\)/);
    }
  } finally {
    await executor.close();
  }
});

test.run();
