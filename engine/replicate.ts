/**
 * Independent replications: replication i gets its own StreamFactory(seed, i),
 * runs from an empty or given state to the horizon, deletes its warm-up and
 * returns a small summary. Summaries of one figure across replications give a
 * Student t interval.
 */
import { StreamFactory } from './rng.js';
import { Simulator } from './simulator.js';
import { confidenceInterval, type Interval } from './statistics.js';

export interface ReplicationPlan {
  readonly seed: number | string;
  readonly replications: number;
  /** Simulated time at which statistics are reset (warm-up deletion). */
  readonly warmup: number;
  /** Simulated time at which the replication ends. */
  readonly horizon: number;
  /** Index of the first replication (lets a worker run a chunk). */
  readonly first?: number;
}

export interface ReplicationContext {
  readonly sim: Simulator;
  readonly streams: StreamFactory;
  readonly replication: number;
}

/** What a model does in one replication: build, then report at the horizon. */
export interface ReplicationModel<R> {
  /** Builds the model on `ctx.sim`; returns the function that resets statistics at the end of warm-up. */
  build(ctx: ReplicationContext): { resetStatistics(): void; collect(): R };
}

export function validatePlan(plan: ReplicationPlan): void {
  if (!(Number.isInteger(plan.replications) && plan.replications >= 1)) throw new RangeError(`replications must be an integer >= 1, got ${plan.replications}`);
  if (!(Number.isFinite(plan.horizon) && plan.horizon > 0)) throw new RangeError(`horizon must be a finite number > 0, got ${plan.horizon}`);
  if (!(Number.isFinite(plan.warmup) && plan.warmup >= 0 && plan.warmup < plan.horizon)) throw new RangeError(`warmup must be in [0, horizon (${plan.horizon})), got ${plan.warmup}`);
  const first = plan.first ?? 0;
  if (!(Number.isInteger(first) && first >= 0)) throw new RangeError(`first must be a non-negative integer, got ${first}`);
}

/** Runs one replication of a model and returns its summary. */
export function runReplication<R>(model: ReplicationModel<R>, plan: ReplicationPlan, replication: number): R {
  const sim = new Simulator();
  const streams = new StreamFactory(plan.seed, replication);
  const built = model.build({ sim, streams, replication });
  if (plan.warmup > 0) {
    sim.run(plan.warmup);
    built.resetStatistics();
  }
  sim.run(plan.horizon);
  return built.collect();
}

/** Runs replications first .. first + replications - 1 in order. */
export function replicate<R>(model: ReplicationModel<R>, plan: ReplicationPlan): R[] {
  validatePlan(plan);
  const first = plan.first ?? 0;
  const out: R[] = [];
  for (let i = first; i < first + plan.replications; i++) out.push(runReplication(model, plan, i));
  return out;
}

/** Student t interval of one figure across replication summaries. */
export function across<R>(summaries: readonly R[], figure: (r: R) => number, level = 0.95): Interval {
  return confidenceInterval(summaries.map(figure), level);
}
