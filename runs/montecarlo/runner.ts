/**
 * Monte Carlo execution of a twin: replications in fixed chunks on a piscina
 * worker pool (or in this thread with `workers: 0`), each chunk retried once
 * if its worker dies, summaries merged in chunk order. Optionally
 * checkpointed, so an interrupted run resumes where it stopped.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { simulateChunk, type SimulationSettings } from '../../twins/flow/simulate.js';
import { mergeChunks, type ChunkSummary } from '../../twins/flow/summary.js';
import type { Twin } from '../../twins/definition/types.js';
import { ChunkStore, runKey } from './checkpoint.js';
import { chunkRanges, defaultChunkSize, type ChunkRange } from './chunks.js';
import type { ChunkTask } from './task.js';

export interface MonteCarloOptions extends SimulationSettings {
  readonly replications: number;
  /** Worker threads; 0 runs in this thread (same results). Default: the machine's parallelism. */
  readonly workers?: number;
  readonly chunkSize?: number;
  /** Folder for chunk checkpoints (resume); none = no checkpoints. */
  readonly checkpointDir?: string | null;
  readonly onProgress?: (done: number, total: number) => void;
  /** Fault injection for tests (see ChunkTask.crash). */
  readonly crash?: ChunkTask['crash'];
}

export class MonteCarloError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MonteCarloError';
  }
}

export interface MonteCarloResult {
  readonly summary: ChunkSummary;
  readonly seconds: number;
  readonly workers: number;
  readonly chunks: number;
  /** Chunks taken from checkpoints rather than computed. */
  readonly resumedChunks: number;
  /** Chunks that needed their one retry. */
  readonly retriedChunks: number;
  readonly key: string;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

export async function runMonteCarlo(twin: Twin, options: MonteCarloOptions): Promise<MonteCarloResult> {
  const t0 = performance.now();
  const chunkSize = options.chunkSize ?? defaultChunkSize(options.replications);
  const ranges = chunkRanges(options.replications, chunkSize);
  const workers = options.workers ?? availableParallelism();
  if (!(Number.isInteger(workers) && workers >= 0)) throw new RangeError(`workers must be an integer >= 0, got ${workers}`);
  const settings: SimulationSettings = {
    horizon: options.horizon, reportWindow: options.reportWindow, warmup: options.warmup ?? 0, seed: options.seed,
    state: options.state ?? null, forecast: options.forecast ?? null,
  };
  const key = runKey({ twin, settings, chunkSize, version: 1 });
  const store = options.checkpointDir ? new ChunkStore(`${options.checkpointDir}/${key}`) : null;
  const results: ChunkSummary[] = new Array(ranges.length);
  let done = 0, resumed = 0, retried = 0;
  const progress = () => options.onProgress?.(done, options.replications);

  const todo: ChunkRange[] = [];
  for (const r of ranges) {
    const saved = store ? await store.load(r.chunk) : null;
    if (saved && saved.first === r.first && saved.count === r.count) {
      results[r.chunk] = saved;
      resumed++;
      done += r.count;
    } else todo.push(r);
  }
  progress();

  const finish = async (r: ChunkRange, s: ChunkSummary) => {
    results[r.chunk] = s;
    if (store) await store.save(r.chunk, s);
    done += r.count;
    progress();
  };

  if (workers === 0) {
    for (const r of todo) await finish(r, simulateChunk(twin, settings, r.first, r.count));
  } else if (todo.length > 0) {
    const pool = new Piscina<ChunkTask, ChunkSummary>({ filename: WORKER_URL.href, maxThreads: workers, minThreads: Math.min(workers, todo.length) });
    try {
      const task = (r: ChunkRange, attempt: number): ChunkTask => ({ twin, settings, chunk: r.chunk, first: r.first, count: r.count, attempt, crash: options.crash ?? null });
      await Promise.all(todo.map(async (r) => {
        let summary: ChunkSummary;
        try {
          summary = await pool.run(task(r, 0));
        } catch (first) {
          retried++;
          try {
            summary = await pool.run(task(r, 1));
          } catch (second) {
            throw new MonteCarloError(`chunk ${r.chunk} (replications ${r.first}..${r.first + r.count - 1}) failed twice: ${(second as Error).message} (first: ${(first as Error).message}); no results were written`);
          }
        }
        await finish(r, summary);
      }));
    } finally {
      await pool.destroy();
    }
  }
  return {
    summary: mergeChunks(results),
    seconds: (performance.now() - t0) / 1000,
    workers,
    chunks: ranges.length,
    resumedChunks: resumed,
    retriedChunks: retried,
    key,
  };
}
