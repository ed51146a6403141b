/**
 * The statistical judge, after Kayenta's: is a candidate sample (shadow,
 * production's recent window) shifted against a baseline sample (production,
 * the twin's prediction, a trailing window) by more than a tolerated amount?
 *
 *  1. Non-finite values (NaN latency of an idle window) are dropped: a missing
 *     point is not a point, so an idle window shrinks the sample towards
 *     "inconclusive", never towards "pass".
 *  2. IQR outlier removal on each sample separately (Tukey's 1.5 × IQR
 *     fences, type-7 quartiles).
 *  3. Mann–Whitney U test, normal approximation with the tie-corrected
 *     variance (two-sided p-value).
 *  4. Hodges–Lehmann shift (median of all pairwise differences candidate −
 *     baseline) with its distribution-free confidence interval: the k-th
 *     smallest and k-th largest pairwise differences, k from the normal
 *     approximation of U's null distribution (Bauer 1972; Hollander & Wolfe).
 *  5. Tolerance band ±max(tolerance·|baseline median|, absoluteTolerance):
 *     pass when the whole CI lies inside the band; fail when the whole CI
 *     lies outside it on one side; otherwise inconclusive.
 *
 * Too few points: below `MIN_POINTS_TO_PASS` (50, Kayenta's warning level)
 * in either sample the verdict is never `pass` — Kayenta #633 and Argo
 * Rollouts #4479 let too little data pass. By default it is also never
 * `fail` (always inconclusive). `minPointsToFail` may be lowered by an
 * online detector whose windows are short (a 10-minute window of 60-s
 * samples has 10 points): a failure on few points is still a shift whose
 * whole confidence interval — which widens as n falls — lies beyond the
 * band, whereas a pass on few points is what low power produces by itself.
 */
import { normalCdf, normalQuantile } from '../../engine/quantiles.js';
import type { JudgeEvidence, JudgeVerdict } from './types.js';

/** Kayenta warns below 50 points; below this a pass is never given. */
export const MIN_POINTS_TO_PASS = 50;

export interface JudgeOptions {
  /** Relative shift (of the baseline median) that is tolerated. Default 0.1. */
  readonly tolerance?: number;
  /** Absolute floor of the band half-width, in the metric's unit (for baselines whose median is 0). Default 0. */
  readonly absoluteTolerance?: number;
  /** Confidence level of the shift's interval. Default 0.95. */
  readonly level?: number;
  /** Fewest points (after cleaning) in each sample for a `fail`. Default and maximum useful value MIN_POINTS_TO_PASS; at least 3. */
  readonly minPointsToFail?: number;
  /** Tukey fence multiplier of the outlier removal; Infinity keeps every point. Default 1.5. */
  readonly iqrFence?: number;
}

/** Type-7 (linear interpolation) quantile of a sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function sortedFinite(values: readonly number[]): Float64Array {
  return Float64Array.from(values.filter(Number.isFinite)).sort();
}

/** Drops points outside [Q1 − f·IQR, Q3 + f·IQR]; returns the kept points, sorted. */
export function removeOutliers(sorted: Float64Array, fence = 1.5): Float64Array {
  if (sorted.length < 4 || !Number.isFinite(fence)) return sorted;
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const lo = q1 - fence * iqr;
  const hi = q3 + fence * iqr;
  return sorted.filter((v) => v >= lo && v <= hi);
}

export interface MannWhitney {
  /** U of the candidate sample (number of pairs candidate > baseline, ties counting one half). */
  readonly u: number;
  readonly z: number;
  readonly pValue: number;
  /** Tie-corrected standard deviation of U under the null. */
  readonly sd: number;
}

/** Mann–Whitney U, normal approximation with tie correction and continuity correction. */
export function mannWhitney(baseline: Float64Array, candidate: Float64Array): MannWhitney {
  const m = baseline.length;
  const n = candidate.length;
  const all: Array<{ v: number; c: boolean }> = [];
  for (const v of baseline) all.push({ v, c: false });
  for (const v of candidate) all.push({ v, c: true });
  all.sort((a, b) => a.v - b.v);
  const N = m + n;
  let rankSumCandidate = 0;
  let tieTerm = 0;
  for (let i = 0; i < N; ) {
    let j = i;
    while (j + 1 < N && all[j + 1]!.v === all[i]!.v) j++;
    const t = j - i + 1;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k]!.c) rankSumCandidate += rank;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSumCandidate - (n * (n + 1)) / 2;
  const mean = (m * n) / 2;
  const variance = ((m * n) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  const sd = Math.sqrt(Math.max(0, variance));
  if (sd === 0) return { u, z: 0, pValue: 1, sd };
  const diff = u - mean;
  const z = (diff - Math.sign(diff) * 0.5) / sd;
  return { u, z, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))), sd };
}

/**
 * Hodges–Lehmann shift (candidate − baseline) and its confidence interval.
 * With D the m·n sorted pairwise differences, the interval is
 * [D(k), D(mn − k + 1)] (1-based) with k = floor(mn/2 − z·sd(U)), which is the
 * set of shifts the two-sided Mann–Whitney test at that level does not reject.
 */
export function hodgesLehmann(baseline: Float64Array, candidate: Float64Array, level: number, sdU: number): { estimate: number; lo: number; hi: number } {
  const m = baseline.length;
  const n = candidate.length;
  const d = new Float64Array(m * n);
  let i = 0;
  for (const y of candidate) for (const x of baseline) d[i++] = y - x;
  d.sort();
  const estimate = quantileSorted(d, 0.5);
  const z = normalQuantile(1 - (1 - level) / 2);
  const k = Math.max(1, Math.floor((m * n) / 2 - z * sdU));
  return { estimate, lo: d[k - 1]!, hi: d[m * n - k]! };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v);
}

/** Compares candidate against baseline; see the module comment for the rule. */
export function judge(baselineValues: readonly number[], candidateValues: readonly number[], options: JudgeOptions = {}): JudgeEvidence {
  const tolerance = options.tolerance ?? 0.1;
  const absoluteTolerance = options.absoluteTolerance ?? 0;
  const level = options.level ?? 0.95;
  const minToFail = options.minPointsToFail ?? MIN_POINTS_TO_PASS;
  const fence = options.iqrFence ?? 1.5;
  if (!(tolerance >= 0) || !(absoluteTolerance >= 0)) throw new RangeError(`judge: tolerances must be >= 0, got ${tolerance} and ${absoluteTolerance}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`judge: level must be in (0, 1), got ${level}`);
  if (!(Number.isInteger(minToFail) && minToFail >= 3)) throw new RangeError(`judge: minPointsToFail must be an integer >= 3, got ${minToFail}`);

  const rawB = sortedFinite(baselineValues);
  const rawC = sortedFinite(candidateValues);
  const b = removeOutliers(rawB, fence);
  const c = removeOutliers(rawC, fence);
  const missing = baselineValues.length - rawB.length + candidateValues.length - rawC.length;
  const base = {
    n: { baseline: b.length, candidate: c.length },
    outliersRemoved: { baseline: rawB.length - b.length, candidate: rawC.length - c.length },
    tolerance,
    shift: { estimate: NaN, lo: NaN, hi: NaN, level },
  };
  const fewest = Math.min(b.length, c.length);
  const missingNote = missing > 0 ? `; ${missing} missing (non-finite) values dropped` : '';
  if (fewest < Math.min(minToFail, MIN_POINTS_TO_PASS) || fewest < 3) {
    return { ...base, verdict: 'inconclusive', pValue: null, reason: `too few points (baseline ${b.length}, candidate ${c.length}; at least ${Math.min(minToFail, MIN_POINTS_TO_PASS)} needed to judge)${missingNote}` };
  }
  const mw = mannWhitney(b, c);
  const shift = { ...hodgesLehmann(b, c, level, mw.sd), level };
  const median = quantileSorted(b, 0.5);
  const half = Math.max(tolerance * Math.abs(median), absoluteTolerance);
  let verdict: JudgeVerdict;
  let why: string;
  if (shift.lo > half || shift.hi < -half) {
    verdict = 'fail';
    why = `shift ${fmt(shift.estimate)} [${fmt(shift.lo)}, ${fmt(shift.hi)}] lies outside the band ±${fmt(half)}`;
  } else if (shift.lo >= -half && shift.hi <= half) {
    verdict = 'pass';
    why = `shift ${fmt(shift.estimate)} [${fmt(shift.lo)}, ${fmt(shift.hi)}] lies inside the band ±${fmt(half)}`;
  } else {
    verdict = 'inconclusive';
    why = `shift ${fmt(shift.estimate)} [${fmt(shift.lo)}, ${fmt(shift.hi)}] straddles the band ±${fmt(half)}`;
  }
  if (verdict === 'pass' && fewest < MIN_POINTS_TO_PASS) {
    verdict = 'inconclusive';
    why += `, but ${fewest} < ${MIN_POINTS_TO_PASS} points is too few to pass`;
  }
  return { ...base, verdict, shift, pValue: mw.pValue, reason: `${why} (Mann–Whitney p = ${fmt(mw.pValue)})${missingNote}` };
}
