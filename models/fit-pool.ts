/**
 * Fits many series in parallel on worker threads (piscina). `workers: 0` runs
 * in this thread (needed for the LSTM, whose trained network cannot cross to a
 * worker, and handy in tests). Output order is input order.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { BacktestOptions, SeriesBacktest } from './backtest.js';
import runTask from './fit-worker.js';
import type { FitResult, FitTask } from './fit-worker.js';
import type { PipelineOptions, PipelineResult, SeriesHistory } from './pipeline.js';

export interface PoolOptions {
  /** Worker threads; default: the machine's available parallelism; 0 = this thread. */
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

async function runAll(tasks: readonly FitTask[], pool: PoolOptions): Promise<FitResult[]> {
  const workers = pool.workers ?? availableParallelism();
  let done = 0;
  const tick = () => pool.onProgress?.(++done, tasks.length);
  if (workers === 0 || tasks.length === 0) {
    const out: FitResult[] = [];
    for (const t of tasks) { out.push(await runTask(t)); tick(); }
    return out;
  }
  const piscina = new Piscina({ filename: new URL('./fit-worker.js', import.meta.url).href, minThreads: workers, maxThreads: workers, idleTimeout: 1000 });
  try {
    return await Promise.all(tasks.map(async (t) => {
      const r = (await piscina.run(t)) as FitResult;
      tick();
      return r;
    }));
  } finally {
    await piscina.destroy();
  }
}

export async function forecastAll(histories: readonly SeriesHistory[], options: PipelineOptions, pool: PoolOptions = {}): Promise<PipelineResult[]> {
  if (options.external && (pool.workers ?? 1) !== 0) throw new Error('an external (LSTM) model runs in this thread only: pass workers: 0');
  return (await runAll(histories.map((history) => ({ kind: 'forecast', history, options })), pool)) as PipelineResult[];
}

export async function backtestAll(histories: readonly SeriesHistory[], options: BacktestOptions, pool: PoolOptions = {}): Promise<SeriesBacktest[]> {
  if (options.external && (pool.workers ?? 1) !== 0) throw new Error('an external (LSTM) model runs in this thread only: pass workers: 0');
  return (await runAll(histories.map((history) => ({ kind: 'backtest', history, options })), pool)) as SeriesBacktest[];
}
