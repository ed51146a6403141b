/**
 * Statistics of a paired comparison: the same replications (same seed, same
 * forecast paths and state, keyed request draws) run without and with a
 * strategy, so replication i of the baseline and of the candidate form a
 * pair. Proportions get Wilson intervals; the change of a proportion gets
 * Newcombe's hybrid score interval for paired proportions (Newcombe 1998,
 * "Improved confidence intervals for the difference between binomial
 * proportions based on paired data", method 10), which uses the correlation
 * of the pairs: with common random numbers that correlation is high and the
 * interval much narrower than an unpaired one (phi = 0 gives the unpaired
 * Newcombe interval, method 10 of the 1998 unpaired paper). Continuous
 * figures get a Student t interval on the per-replication differences.
 */
import { normalQuantile, studentTQuantile, wilsonInterval } from '../../engine/index.js';
import type { PairedDifference, Proportion } from './types.js';

export const zOf = (level: number): number => normalQuantile(0.5 + level / 2);

export function proportion(successes: number, n: number, level: number): Proportion {
  const w = wilsonInterval(successes, n, zOf(level));
  return { mean: w.p, lo: w.lo, hi: w.hi };
}

/** The 2 x 2 table of paired Bernoulli outcomes: both, candidate only, baseline only, neither. */
export interface PairedTable {
  readonly both: number;
  readonly candidateOnly: number;
  readonly baselineOnly: number;
  readonly neither: number;
}

export function pairedTable(baseline: readonly boolean[], candidate: readonly boolean[]): PairedTable {
  if (baseline.length !== candidate.length) throw new RangeError(`pairedTable: ${baseline.length} baseline outcomes against ${candidate.length} candidate outcomes`);
  let both = 0, candidateOnly = 0, baselineOnly = 0, neither = 0;
  baseline.forEach((b, i) => {
    const c = candidate[i]!;
    if (b && c) both++;
    else if (c) candidateOnly++;
    else if (b) baselineOnly++;
    else neither++;
  });
  return { both, candidateOnly, baselineOnly, neither };
}

/** Pearson correlation of the paired outcomes; 0 when a margin is empty (no variation on one side). */
export function pairedCorrelation(t: PairedTable): number {
  const { both: a, candidateOnly: b, baselineOnly: c, neither: d } = t;
  const denom = Math.sqrt((a + b) * (c + d) * (a + c) * (b + d));
  return denom > 0 ? (a * d - b * c) / denom : 0;
}

/**
 * P(candidate) − P(baseline) with Newcombe's hybrid score interval (method
 * 10): Wilson limits of each margin, combined with the pairs' correlation
 * phi. `phi` defaults to the table's; pass 0 for the interval the same
 * counts would get from independent samples.
 */
export function newcombeDifference(t: PairedTable, level: number, phi = pairedCorrelation(t)): PairedDifference {
  const n = t.both + t.candidateOnly + t.baselineOnly + t.neither;
  if (n === 0) throw new RangeError('newcombeDifference: no pairs');
  const z = zOf(level);
  const p1 = (t.both + t.candidateOnly) / n, p2 = (t.both + t.baselineOnly) / n;
  const w1 = wilsonInterval(t.both + t.candidateOnly, n, z), w2 = wilsonInterval(t.both + t.baselineOnly, n, z);
  const d1lo = p1 - w1.lo, d1hi = w1.hi - p1, d2lo = p2 - w2.lo, d2hi = w2.hi - p2;
  const delta = Math.sqrt(Math.max(0, d1lo * d1lo - 2 * phi * d1lo * d2hi + d2hi * d2hi));
  const epsilon = Math.sqrt(Math.max(0, d1hi * d1hi - 2 * phi * d1hi * d2lo + d2lo * d2lo));
  const mean = p1 - p2;
  return { mean, lo: Math.max(-1, mean - delta), hi: Math.min(1, mean + epsilon), n };
}

/** Mean of candidate[i] − baseline[i] with a Student t interval; pairs where either value is not finite are left out. */
export function pairedMeanDifference(baseline: readonly number[], candidate: readonly number[], level: number): PairedDifference {
  if (baseline.length !== candidate.length) throw new RangeError(`pairedMeanDifference: ${baseline.length} baseline values against ${candidate.length} candidate values`);
  const d: number[] = [];
  baseline.forEach((b, i) => {
    const c = candidate[i]!;
    if (Number.isFinite(b) && Number.isFinite(c)) d.push(c - b);
  });
  const n = d.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0 };
  const mean = d.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { mean, lo: -Infinity, hi: Infinity, n };
  const variance = d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const half = studentTQuantile(0.5 + level / 2, n - 1) * Math.sqrt(variance / n);
  return { mean, lo: mean - half, hi: mean + half, n };
}

/** Whether an interval lies wholly on one side of 0: −1 below, +1 above, 0 when it contains 0 (or is undefined). */
export function sideOfZero(d: PairedDifference): -1 | 0 | 1 {
  if (d.hi < 0) return -1;
  if (d.lo > 0) return 1;
  return 0;
}
