/**
 * Both local executors keep one contract: results in task order, data that
 * arrives as it was sent, one retry per task, a task failing twice stopping
 * the run with TaskFailedError, and an abort that stops the run with nothing
 * delivered after it settles.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TaskFailedError, type Executor } from './executor.js';
import { InThreadExecutor } from './in-thread.js';
import { PiscinaExecutor } from './piscina.js';
import { testJob, type TestTask } from './test-jobs.js';

const executors: readonly [string, () => Executor][] = [['in-thread', () => new InThreadExecutor()], ['piscina', () => new PiscinaExecutor(2)]];

async function withExecutor(make: () => Executor, body: (e: Executor) => Promise<void>): Promise<void> {
  const executor = make();
  try {
    await body(executor);
  } finally {
    await executor.close();
  }
}

/** Data of the kinds tasks carry: Maps, typed arrays, NaN, nested objects. */
const payload = {
  name: 'shop', nan: NaN, nothing: null, list: [1, 'two', { three: 3 }],
  indexOf: new Map([['a', 0], ['b', 1]]), times: new Float64Array([0, 0.5, 1e-300]), paths: new Float32Array([1.5, -2]), nodes: new Int32Array([3, 1]),
};

for (const [kind, make] of executors) {
  test(`${kind}: results in task order, each delivered once, the data as it was sent`, () => withExecutor(make, async (executor) => {
    const tasks: TestTask[] = [0, 1, 2, 3, 4].map((i) => ({ kind: 'echo', value: { i, payload } }));
    const delivered: number[] = [];
    const results = await executor.run(testJob, tasks, { onResult: (i) => { delivered.push(i); } });
    assert.equal(results.map((r) => r.value), tasks.map((t) => (t.kind === 'echo' ? t.value : null)));
    assert.equal([...delivered].sort(), [0, 1, 2, 3, 4]);
    assert.ok(results.every((r) => (kind === 'in-thread' ? r.threadId === 0 : r.threadId !== 0)), 'ran where the executor says');
    assert.equal(await executor.run(testJob, []), []);
  }));

  test(`${kind}: a task failing once is retried; failing twice stops the run with TaskFailedError`, () => withExecutor(make, async (executor) => {
    const retried: number[] = [];
    const ok = await executor.run(testJob, [{ kind: 'fail', failAttempts: 0, value: 1 }, { kind: 'fail', failAttempts: 1, value: 2 }], { onRetry: (i) => { retried.push(i); } });
    assert.equal(ok.map((r) => [r.value, r.attempt]), [[1, 0], [2, 1]]);
    assert.equal(retried, [1]);
    let failure: unknown = null;
    try {
      await executor.run(testJob, [{ kind: 'fail', failAttempts: 0, value: 1 }, { kind: 'fail', failAttempts: 2, value: 2 }]);
    } catch (e) {
      failure = e;
    }
    assert.instance(failure, TaskFailedError);
    const f = failure as TaskFailedError;
    assert.is(f.index, 1);
    assert.equal(f.errors.map((e) => e.message), ['planned failure on attempt 0', 'planned failure on attempt 1']);
  }));

  test(`${kind}: abort stops the run; nothing is delivered after it settles`, () => withExecutor(make, async (executor) => {
    const tasks: TestTask[] = Array.from({ length: 16 }, (_, i) => ({ kind: 'busy', ms: 40, value: i }));
    const controller = new AbortController();
    let delivered = 0;
    let failure: unknown = null;
    try {
      await executor.run(testJob, tasks, { signal: controller.signal, onResult: () => { if (++delivered === 2) controller.abort(); } });
    } catch (e) {
      failure = e;
    }
    assert.is((failure as Error | null)?.name, 'AbortError');
    const atReject = delivered;
    assert.ok(atReject >= 2 && atReject < tasks.length, `${atReject} of ${tasks.length} delivered`);
    await sleep(200);
    assert.is(delivered, atReject, 'no result after the run settled');
    let refused: unknown = null;
    await executor.run(testJob, tasks, { signal: controller.signal }).catch((e: unknown) => { refused = e; });
    assert.is((refused as Error | null)?.name, 'AbortError', 'an aborted signal starts nothing');
  }));
}

test('piscina: a running task is cancelled by an abort (its thread stopped), and the pool serves the next run', () => withExecutor(() => new PiscinaExecutor(1), async (executor) => {
  const t0 = performance.now();
  const cancelled = await executor.run(testJob, [{ kind: 'busy', ms: 5_000, value: 0 }], { signal: AbortSignal.timeout(100) }).then(() => null, (e: unknown) => e);
  assert.is((cancelled as Error | null)?.name, 'TimeoutError', 'rejects with the signal\'s reason');
  assert.ok(performance.now() - t0 < 2_000, 'did not wait for the 5 s task');
  const again = await executor.run(testJob, [{ kind: 'echo', value: 7 }]);
  assert.is(again[0]!.value, 7);
}));

test.run();
