/**
 * Runs tasks on a piscina pool of worker threads. Every task is queued at
 * once (piscina balances them over the threads); a thread that dies fails
 * its task's attempt and piscina starts a fresh one. Aborting cancels queued
 * tasks and terminates the threads running one.
 */
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

export class PiscinaExecutor implements Executor {
  readonly kind = 'piscina';
  private pool: Piscina<TaskEnvelope, unknown> | null = null;

  constructor(readonly workers: number) {
    if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`a piscina executor needs an integer >= 1 of workers, got ${workers}`);
  }

  async run<Task, Result>(job: Job<Task, Result>, tasks: readonly Task[], options: RunOptions<Result> = {}): Promise<Result[]> {
    options.signal?.throwIfAborted();
    if (tasks.length === 0) return [];
    // Started on first use, no more threads than the first run has tasks.
    const pool = this.pool ??= new Piscina<TaskEnvelope, unknown>({ filename: WORKER_URL.href, maxThreads: this.workers, minThreads: Math.min(this.workers, tasks.length) });
    return runTasks<Result>(tasks.length, tasks.length, async (index, attempt, signal) => {
      const envelope: TaskEnvelope = { module: job.module, task: tasks[index], attempt };
      return (await pool.run(envelope, { signal })) as Result;
    }, options);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}
