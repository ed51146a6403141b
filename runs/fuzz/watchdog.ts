/**
 * A watchdog for loops of cases that may hang: the cases run in a worker
 * thread that says when each starts and how it ended. A case with no answer
 * within the hang bound is recorded as `slow` (a hang, with its input), the
 * worker is terminated (V8 stops even a busy loop) and a new one carries on
 * at the next case; a worker that dies in a case records that case as a crash
 * the same way. The runCase time bound only sees cases that return: this is
 * what catches the ones that never do.
 */
import { Worker } from 'node:worker_threads';
import type { Outcome } from './outcome.js';

/** What the worker module receives as workerData: the caller's job and the first case to run. */
export interface WatchedJob<J> {
  readonly job: J;
  readonly from: number;
}

/** What the worker module posts: before each case, after it, and at the end of the loop. */
export type WorkerMessage =
  | { readonly kind: 'start'; readonly index: number; readonly input: string }
  | { readonly kind: 'case'; readonly index: number; readonly input: string; readonly outcome: Outcome }
  | { readonly kind: 'done' };

export interface WatchedCase {
  readonly index: number;
  readonly input: string;
  readonly outcome: Outcome;
}

/** One worker's run: null when its loop finished, else the case it was stopped in (the next worker starts after it). */
function runOnce<J>(module: URL, job: J, from: number, hangMs: number, onCase: (c: WatchedCase) => void): Promise<WatchedCase | null> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(module, { workerData: { job, from } satisfies WatchedJob<J> });
    let current: { index: number; input: string } | null = null;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (value: WatchedCase | null | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    const stopped = (cls: Outcome['cls'], detail: string, ms: number) => {
      const c = current!;
      settle({ index: c.index, input: c.input, outcome: { cls, detail, ms } });
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'start') {
        current = { index: m.index, input: m.input };
        const t0 = performance.now();
        clearTimeout(timer);
        timer = setTimeout(() => {
          stopped('slow', `no answer after ${hangMs} ms: the case hangs (its worker was terminated)`, performance.now() - t0);
          void worker.terminate();
        }, hangMs);
      } else if (m.kind === 'case') {
        clearTimeout(timer);
        current = null;
        onCase(m);
      } else {
        settle(null);
      }
    });
    worker.on('error', (e) => {
      if (current) stopped('crash', `the case killed its worker: ${e.message.slice(0, 300)}`, 0);
      else settle(e);
    });
    worker.on('exit', (code) => {
      if (current) stopped('crash', `the case ended its worker (exit ${code})`, 0);
      else settle(new Error(`the fuzz worker exited (code ${code}) outside a case`));
    });
  });
}

/**
 * Runs every case of `job` in worker threads of `module` (which posts
 * WorkerMessages, starting at workerData.from) and hands each case's outcome
 * to `onCase` in order, hangs and dead workers included.
 */
export async function runWatched<J>(module: URL, job: J, hangMs: number, onCase: (c: WatchedCase) => void): Promise<void> {
  let from = 0;
  for (;;) {
    const stoppedIn = await runOnce(module, job, from, hangMs, onCase);
    if (stoppedIn === null) return;
    onCase(stoppedIn);
    from = stoppedIn.index + 1;
  }
}
