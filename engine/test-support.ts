/**
 * Helpers for the statistical validation tests: run replications of a
 * network and assert that an exact value lies inside the replications'
 * confidence interval, and that the interval is tight enough to mean something.
 */
import * as assert from 'uvu/assert';
import { networkModel, type NetworkResults, type NetworkSpec } from './network.js';
import { replicate } from './replicate.js';
import { confidenceInterval, type Interval } from './statistics.js';

export interface ValidationRun {
  readonly seed: number;
  readonly replications: number;
  readonly warmup: number;
  readonly horizon: number;
  readonly first?: number;
}

/** Replications of a network for a validation run. */
export function replicateNetwork(spec: () => NetworkSpec, run: ValidationRun): NetworkResults[] {
  return replicate(networkModel(spec), run);
}

export interface CoverOptions {
  /** Confidence level of the interval (default 0.99). */
  readonly level?: number;
  /** Largest acceptable half-width relative to the exact value (default 0.03). */
  readonly maxRelHalfWidth?: number;
  /** Known relative bias of the estimator (e.g. a histogram's stated error), added to the allowance. */
  readonly knownRelError?: number;
}

/** Asserts exact ∈ CI(values) (± a stated estimator error) and that the CI is tight. */
export function assertCovers(label: string, values: readonly number[], exact: number, options: CoverOptions = {}): Interval {
  const level = options.level ?? 0.99;
  const ci = confidenceInterval(values, level);
  const allowance = ci.halfWidth + (options.knownRelError ?? 0) * Math.abs(exact);
  const where = `${label}: simulated ${ci.mean.toPrecision(5)} ± ${ci.halfWidth.toPrecision(3)} (${(level * 100).toFixed(0)}%, n=${ci.n}), exact ${exact.toPrecision(5)}`;
  assert.ok(Math.abs(ci.mean - exact) <= allowance, `${where}: exact value outside the interval`);
  // SHADOWCAST_VERBOSE=1 prints every comparison, for the record of what was measured.
  if (process.env.SHADOWCAST_VERBOSE) console.log(`  ${where} (half-width ${((100 * ci.halfWidth) / Math.abs(exact)).toFixed(2)}%)`);
  const maxRel = options.maxRelHalfWidth ?? 0.03;
  assert.ok(ci.halfWidth <= maxRel * Math.abs(exact), `${where}: half-width ${((100 * ci.halfWidth) / Math.abs(exact)).toFixed(2)}% exceeds ${(maxRel * 100).toFixed(1)}%`);
  return ci;
}
