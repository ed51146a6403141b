/**
 * Runs tasks one after another in this thread: no cloning, no threads, the
 * same results as a pool. Between tasks it yields to the event loop, so an
 * abort (Ctrl-C, a timer) is seen before the next task starts; a task that
 * has started runs to its end (its work is synchronous).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Executor, Job, RunOptions } from './executor.js';
import { loadHandler } from './load-job.js';
import { runTasks } from './schedule.js';

export class InThreadExecutor implements Executor {
  readonly kind = 'in-thread';
  readonly workers = 0;

  async run<Task, Result>(job: Job<Task, Result>, tasks: readonly Task[], options: RunOptions<Result> = {}): Promise<Result[]> {
    options.signal?.throwIfAborted();
    const handler = await loadHandler(job.module);
    return runTasks<Result>(tasks.length, 1, async (index, attempt, signal) => {
      await nextTurn();
      signal.throwIfAborted();
      return (await handler(tasks[index], { attempt })) as Result;
    }, options);
  }

  async close(): Promise<void> {
    // Nothing held: no threads, no connections.
  }
}
