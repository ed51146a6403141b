/**
 * Runs the Monte Carlo behind an evaluation: the baseline once, then each
 * candidate (the twin with the strategy's deltas) with the SAME settings —
 * seed, horizon, forecast paths, state — and replications, on one executor,
 * so replication i of every run draws the same arrivals and request work
 * (common random numbers, docs/simulation.md) and the comparison is paired.
 */
import { availableParallelism } from 'node:os';
import type { Twin } from '../../twins/definition/types.js';
import type { SimulationSettings } from '../../twins/flow/simulate.js';
import { evaluateStrategy, type RunOutcome } from '../../twins/mitigation/evaluate.js';
import type { Strategy, StrategyEvaluation } from '../../twins/mitigation/types.js';
import { applyScenarioDetailed } from '../../twins/scenario/index.js';
import { rescaleSnapshot } from '../../twins/state.js';
import type { Executor } from '../executors/executor.js';
import { localExecutor } from '../executors/local.js';
import { chunkJob } from '../montecarlo/chunk-job.js';
import { chunkRanges } from '../montecarlo/chunks.js';
import { runMonteCarlo } from '../montecarlo/runner.js';
import { chunkTask } from '../montecarlo/task.js';
import type { ChunkSummary } from '../../twins/flow/summary.js';
import { mergeChunks } from '../../twins/flow/summary.js';

export interface PairedRunOptions {
  readonly settings: SimulationSettings;
  readonly replications: number;
  /** Confidence level of every interval. */
  readonly level: number;
  readonly executor: Executor;
}

export async function simulateRun(twin: Twin, o: PairedRunOptions): Promise<RunOutcome & { readonly seconds: number; readonly events: number }> {
  const r = await runMonteCarlo(twin, { settings: o.settings, replications: o.replications, executor: o.executor });
  return { twin, summary: r.summary, seconds: r.seconds, events: r.summary.events };
}

/** Re-simulates one strategy against a baseline run made with the same options. */
export async function evaluateAgainst(baseline: RunOutcome, strategy: Strategy, addressedNodes: readonly string[], o: PairedRunOptions): Promise<StrategyEvaluation & { readonly seconds: number; readonly events: number }> {
  const { twin, startReplicas } = applyScenarioDetailed(baseline.twin, strategy.deltas);
  // A scale-out sets replicas from the start: with a snapshot, the candidate's own snapshot takes its count.
  const state = o.settings.state ? rescaleSnapshot(o.settings.state, twin, startReplicas) : null;
  const candidate = await simulateRun(twin, state ? { ...o, settings: { ...o.settings, state } } : o);
  const e = evaluateStrategy(strategy, baseline, candidate, { seed: o.settings.seed, level: o.level, warmup: o.settings.warmup ?? 0, addressedNodes });
  return { ...e, seconds: candidate.seconds, events: candidate.events };
}

/** A local pool for several runs (one start-up for all); closed by `withExecutor`. */
export async function withExecutor<T>(workers: number | undefined, executor: Executor | undefined, body: (e: Executor) => Promise<T>): Promise<T> {
  if (executor) return body(executor);
  const own = localExecutor(workers ?? availableParallelism());
  try {
    return await body(own);
  } finally {
    await own.close();
  }
}

/** Replications per task of a raced batch: small enough to keep both workers busy on a 20-replication look. */
export const RANGE_CHUNK = 2;

/**
 * Replications first .. first + count − 1 of a twin on the executor, in
 * chunks of RANGE_CHUNK cut from the range alone (never from the workers),
 * merged in order. Replication i draws from streams of (seed, i) wherever it
 * runs, so a range continues a run exactly: [0, 20) then [20, 40) is [0, 40).
 */
export async function simulateRange(twin: Twin, settings: SimulationSettings, first: number, count: number, executor: Executor): Promise<ChunkSummary> {
  const tasks = chunkRanges(count, RANGE_CHUNK).map((r) => chunkTask(twin, settings, { chunk: r.chunk, first: first + r.first, count: r.count }, null));
  return mergeChunks(await executor.run(chunkJob, tasks));
}
