/**
 * Runs tasks on a piscina pool of worker threads. Every task is queued at
 * once (piscina balances them over the threads); a thread that dies fails
 * its task's attempt and piscina starts a fresh one. Aborting cancels queued
 * tasks and terminates the threads running one.
 *
 * Each thread has its own heap limit, so a chunk that runs out of memory
 * kills its thread, not the run: its attempt fails with a plain message and
 * the scheduler retries it once on a fresh thread (schedule.ts).
 */
import { totalmem } from 'node:os';
import { Piscina } from 'piscina';
import type { Executor, Job, RunOptions } from './executor.js';
import { runTasks } from './schedule.js';

/** What crosses to the worker thread for one attempt (structured clone). */
export interface TaskEnvelope {
  readonly module: string;
  readonly task: unknown;
  readonly attempt: number;
}

const WORKER_URL = new URL('./piscina-worker.js', import.meta.url);

/** Default heap per thread: half the machine's memory shared by the threads, between 512 MB and 4 GB (V8's usual ceiling). */
export function defaultHeapLimitMb(workers: number): number {
  return Math.min(4096, Math.max(512, Math.floor(totalmem() / 2 / workers / 2 ** 20)));
}

export class PiscinaExecutor implements Executor {
  readonly kind = 'piscina';
  private pool: Piscina<TaskEnvelope, unknown> | null = null;
  readonly heapLimitMb: number;

  constructor(readonly workers: number, options: { readonly heapLimitMb?: number } = {}) {
    if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`a piscina executor needs an integer >= 1 of workers, got ${workers}`);
    this.heapLimitMb = options.heapLimitMb ?? defaultHeapLimitMb(workers);
  }

  async run<Task, Result>(job: Job<Task, Result>, tasks: readonly Task[], options: RunOptions<Result> = {}): Promise<Result[]> {
    options.signal?.throwIfAborted();
    if (tasks.length === 0) return [];
    // Started on first use, no more threads than the first run has tasks.
    const pool = this.pool ??= new Piscina<TaskEnvelope, unknown>({
      filename: WORKER_URL.href, maxThreads: this.workers, minThreads: Math.min(this.workers, tasks.length),
      resourceLimits: { maxOldGenerationSizeMb: this.heapLimitMb },
    });
    return runTasks<Result>(tasks.length, tasks.length, async (index, attempt, signal) => {
      const envelope: TaskEnvelope = { module: job.module, task: tasks[index], attempt };
      try {
        return (await pool.run(envelope, { signal })) as Result;
      } catch (e) {
        if ((e as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') throw new Error(`its worker thread ran out of memory (heap limit ${this.heapLimitMb} MB per thread)`);
        throw e;
      }
    }, options);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}
