/**
 * Monte Carlo execution of a twin: replications in fixed chunks on an
 * executor (a piscina pool, this thread with `workers: 0`, or one the caller
 * gives), each chunk retried once if its worker dies, summaries merged in
 * chunk order. Optionally checkpointed, so an interrupted or cancelled run
 * resumes where it stopped.
 */
import { availableParallelism } from 'node:os';
import type { SimulationSettings } from '../../twins/flow/simulate.js';
import { mergeChunks, type ChunkSummary } from '../../twins/flow/summary.js';
import type { Twin } from '../../twins/definition/types.js';
import { TaskFailedError, type Executor } from '../executors/executor.js';
import { localExecutor } from '../executors/local.js';
import { ChunkStore } from './checkpoint.js';
import { chunkJob } from './chunk-job.js';
import { chunkRanges, defaultChunkSize, type ChunkRange } from './chunks.js';
import { monteCarloKey } from './run-key.js';
import { chunkGroups, checkStoppingRule, stoppingDecision, tallyFailures, type StoppingReport, type StoppingRule } from './stopping.js';
import { chunkTask, type CrashInjection } from './task.js';

export interface MonteCarloOptions {
  /** Handed to every chunk as this one object (structured-cloned to worker threads), whatever fields it has. */
  readonly settings: SimulationSettings;
  /** Replications to run; with `stopping`, the most run. */
  readonly replications: number;
  /** Sequential stopping (stopping.ts): after each group of chunks, stop once every node's P(fail) is settled. */
  readonly stopping?: StoppingRule | null;
  /** Worker threads of a local executor; 0 runs in this thread (same results). Default: the machine's parallelism. Not with `executor`. */
  readonly workers?: number;
  /** Runs the chunks instead of a local one; the caller owns it (the runner does not close it). */
  readonly executor?: Executor;
  readonly chunkSize?: number;
  /** Folder for chunk checkpoints (resume); none = no checkpoints. */
  readonly checkpointDir?: string | null;
  /** Replications done (checkpointed ones included) out of the total, after each chunk. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Cancels the run: no chunk starts after it, running ones stop where the executor can, finished chunks stay checkpointed; the run rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Fault injection for tests (see chunk-job.ts). */
  readonly crash?: CrashInjection | null;
}

export class MonteCarloError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MonteCarloError';
  }
}

export interface MonteCarloResult {
  readonly summary: ChunkSummary;
  /** Replications run: options.replications, or fewer when the stopping rule was met first. */
  readonly replications: number;
  /** How the stopping rule went; null without one. */
  readonly stopping: StoppingReport | null;
  readonly seconds: number;
  readonly workers: number;
  readonly chunks: number;
  /** Chunks taken from checkpoints rather than computed. */
  readonly resumedChunks: number;
  /** Chunks that needed their one retry. */
  readonly retriedChunks: number;
  readonly key: string;
}

function failedTwice(r: ChunkRange, e: TaskFailedError): MonteCarloError {
  const [first, second] = e.errors;
  // A remote executor may know only the last reason (BullMQ keeps one failedReason).
  const why = second ? `failed twice: ${second.message} (first: ${first?.message})` : `failed: ${first?.message}`;
  return new MonteCarloError(`chunk ${r.chunk} (replications ${r.first}..${r.first + r.count - 1}) ${why}; no results were written`);
}

export async function runMonteCarlo(twin: Twin, options: MonteCarloOptions): Promise<MonteCarloResult> {
  const t0 = performance.now();
  const { settings, replications } = options;
  const chunkSize = options.chunkSize ?? defaultChunkSize(replications);
  const ranges = chunkRanges(replications, chunkSize);
  if (options.executor && options.workers !== undefined) throw new RangeError('pass workers or an executor, not both');
  options.signal?.throwIfAborted();
  const executor = options.executor ?? localExecutor(options.workers ?? availableParallelism());
  const key = monteCarloKey(twin, settings, chunkSize);
  const store = options.checkpointDir ? new ChunkStore(`${options.checkpointDir}/${key}`) : null;
  const results: ChunkSummary[] = new Array(ranges.length);
  let done = 0, resumed = 0, retried = 0;
  const progress = () => options.onProgress?.(done, replications);
  const rule = options.stopping ?? null;
  if (rule) checkStoppingRule(rule);
  // Without a rule, one group: every chunk queued at once. With one, fixed groups and a look after each, in order.
  const groups = rule ? chunkGroups(ranges) : [ranges];
  let used = ranges.length, looks = 0, reason = `all ${replications} replications run`;

  const runGroup = async (group: readonly ChunkRange[]) => {
    const todo: ChunkRange[] = [];
    for (const r of group) {
      const saved = store ? await store.load(r.chunk) : null;
      if (saved && saved.first === r.first && saved.count === r.count) {
        results[r.chunk] = saved;
        resumed++;
        done += r.count;
      } else todo.push(r);
    }
    progress();
    if (todo.length === 0) return;
    const crash = options.crash ?? null;
    try {
      await executor.run(chunkJob, todo.map((r) => chunkTask(twin, settings, r, crash)), {
        ...(options.signal ? { signal: options.signal } : {}),
        onRetry: () => { retried++; },
        onResult: async (i, summary) => {
          const r = todo[i]!;
          results[r.chunk] = summary;
          if (store) await store.save(r.chunk, summary);
          done += r.count;
          progress();
        },
      });
    } catch (e) {
      throw e instanceof TaskFailedError ? failedTwice(todo[e.index]!, e) : e;
    }
  };

  try {
    for (const group of groups) {
      await runGroup(group);
      looks++;
      if (!rule) continue;
      const last = group[group.length - 1]!.chunk;
      const decision = stoppingDecision(tallyFailures(results.slice(0, last + 1)), rule, groups.length);
      reason = decision.reason;
      if (decision.stop) {
        used = last + 1;
        break;
      }
    }
  } finally {
    if (!options.executor) await executor.close();
  }
  const summary = mergeChunks(results.slice(0, used));
  const stopping: StoppingReport | null = rule && {
    rule, maxReplications: replications, replications: summary.count, looks, stoppedEarly: summary.count < replications,
    reason: summary.count < replications ? reason : `${reason}; the most asked (${replications}) reached`,
  };
  return {
    summary,
    replications: summary.count,
    stopping,
    seconds: (performance.now() - t0) / 1000,
    workers: executor.workers,
    chunks: used,
    resumedChunks: resumed,
    retriedChunks: retried,
    key,
  };
}
