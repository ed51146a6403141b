/**
 * What every executor does the same way: at most MAX_ATTEMPTS tries per
 * task, results delivered as they come, the first task that fails for good
 * (or an abort) cancelling the rest, and run() settling only once nothing is
 * in flight — so no result is delivered, and no checkpoint written, after it.
 */
import { setMaxListeners } from 'node:events';
import { asError, MAX_ATTEMPTS, TaskFailedError, type RunOptions } from './executor.js';

/** One attempt of task `index`; `signal` aborts when the run stops. */
export type Attempt<Result> = (index: number, attempt: number, signal: AbortSignal) => Promise<Result>;

async function withRetry<Result>(index: number, attempt: Attempt<Result>, signal: AbortSignal, onRetry: RunOptions<Result>['onRetry']): Promise<Result> {
  const errors: Error[] = [];
  for (let n = 0; n < MAX_ATTEMPTS; n++) {
    signal.throwIfAborted();
    try {
      return await attempt(index, n, signal);
    } catch (e) {
      // A task cancelled because the run stopped did not fail: no retry, no blame.
      if (signal.aborted) throw signal.reason;
      errors.push(asError(e));
      if (n + 1 < MAX_ATTEMPTS) onRetry?.(index, errors[n]!);
    }
  }
  throw new TaskFailedError(index, errors);
}

/** Runs tasks 0 .. count − 1 with at most `concurrency` in flight (lanes pull the next index). */
export async function runTasks<Result>(count: number, concurrency: number, attempt: Attempt<Result>, options: RunOptions<Result> = {}): Promise<Result[]> {
  const outer = options.signal;
  outer?.throwIfAborted();
  // The run's own controller: aborted by the caller's signal or by the first failure.
  const run = new AbortController();
  // Every task in flight listens to it (a pool queues them all): not a leak.
  setMaxListeners(Math.max(10, count + 1), run.signal);
  const forward = () => run.abort(outer!.reason);
  outer?.addEventListener('abort', forward, { once: true });
  const results = new Array<Result>(count);
  let next = 0;
  const lane = async () => {
    while (next < count && !run.signal.aborted) {
      const index = next++;
      try {
        const result = await withRetry(index, attempt, run.signal, options.onRetry);
        results[index] = result;
        await options.onResult?.(index, result);
      } catch (e) {
        if (!run.signal.aborted) run.abort(e);
        return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), count) }, lane));
  } finally {
    outer?.removeEventListener('abort', forward);
  }
  if (run.signal.aborted) throw run.signal.reason;
  return results;
}
