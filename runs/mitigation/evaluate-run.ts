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
import { applyScenario } from '../../twins/scenario/index.js';
import type { Executor } from '../executors/executor.js';
import { localExecutor } from '../executors/local.js';
import { runMonteCarlo } from '../montecarlo/runner.js';

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
  const candidate = await simulateRun(applyScenario(baseline.twin, strategy.deltas), o);
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
