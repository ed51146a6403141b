/**
 * Resource exhaustion from sample paths: for a metric with a limit (memory,
 * disk, CPU %), the probability that it reaches the limit within the horizon
 * (share of paths whose maximum is at or above it, with a 95 % Wilson
 * interval for the finite number of paths) and quantiles of the first step at
 * which it does. A quantile q of the time is only defined when q <= P(cross);
 * above that, most paths never cross and the answer is "not within horizon"
 * (null).
 */
import { wilsonInterval } from '../engine/statistics.js';
import type { ForecastBundle, ForecastSeries } from './forecast.js';

export interface Exhaustion {
  readonly node: string;
  readonly metric: string;
  readonly limit: number;
  readonly probability: number;
  readonly interval: readonly [number, number];
  /** quantile level -> epoch ms of the first crossing, null when beyond the horizon. */
  readonly timeQuantiles: Readonly<Record<string, number | null>>;
  /** quantile level -> steps after the forecast start (1-based), null when beyond the horizon. */
  readonly stepQuantiles: Readonly<Record<string, number | null>>;
}

export const EXHAUSTION_LEVELS: readonly number[] = [0.05, 0.1, 0.25, 0.5];

/** The engine's Wilson interval as [lo, hi]; with no trials at all, [0, 1]. */
export function wilson(successes: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const w = wilsonInterval(successes, n, z);
  return [w.lo, w.hi];
}

/** First step index (0-based) of each path at or above the limit; Infinity when none. */
export function firstCrossings(paths: Float32Array, nPaths: number, steps: number, limit: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < nPaths; p++) {
    let hit = Infinity;
    for (let k = 0; k < steps; k++) if (paths[p * steps + k]! >= limit) { hit = k; break; }
    out.push(hit);
  }
  return out;
}

export function exhaustionOf(bundle: ForecastBundle, s: ForecastSeries, levels: readonly number[] = EXHAUSTION_LEVELS): Exhaustion | undefined {
  if (s.limit === undefined) return undefined;
  const hits = firstCrossings(s.paths, bundle.paths, bundle.steps, s.limit).sort((a, b) => a - b);
  const crossed = hits.filter(Number.isFinite).length;
  const timeQuantiles: Record<string, number | null> = {};
  const stepQuantiles: Record<string, number | null> = {};
  for (const q of levels) {
    // Empirical quantile (inverse CDF, lower): the ceil(q n)-th smallest crossing step.
    const idx = Math.max(0, Math.ceil(q * bundle.paths) - 1);
    const k = hits[idx]!;
    stepQuantiles[String(q)] = Number.isFinite(k) ? k + 1 : null;
    timeQuantiles[String(q)] = Number.isFinite(k) ? bundle.startMs + k * bundle.stepMs : null;
  }
  return { node: s.node, metric: s.metric, limit: s.limit, probability: crossed / bundle.paths, interval: wilson(crossed, bundle.paths), timeQuantiles, stepQuantiles };
}

export function exhaustionReport(bundle: ForecastBundle): Exhaustion[] {
  return bundle.series.map((s) => exhaustionOf(bundle, s)).filter((e): e is Exhaustion => e !== undefined);
}
