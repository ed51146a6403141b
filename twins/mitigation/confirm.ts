/**
 * Confirmation of a chosen strategy on a running shadow, the pure part: the
 * shadow measured the target node's metric (higher is worse: a latency
 * quantile, errors, queue depth) per step over a window without the change
 * (baseline) and over the same window, same arrivals, with it (candidate).
 * The statistical judge (judge.ts) compares the two samples:
 *
 *  - confirmed: the shift candidate − baseline lies wholly below the
 *    tolerance band (an improvement beyond the noise and the band);
 *  - not confirmed: the shift lies wholly inside the band (no improvement
 *    the shadow can see) or wholly above it (worse);
 *  - inconclusive: the interval straddles the band's edge, or too few points
 *    (fewer than MIN_POINTS_TO_PASS in either sample) — never a confirmation.
 *
 * A shadow that could not be used (the strategy has no mechanism in the
 * emulators, the shadow is not up) is also inconclusive, with the reason.
 */
import { judge, MIN_POINTS_TO_PASS, quantileSorted } from './judge.js';
import type { JudgeEvidence } from './types.js';

export type ConfirmationVerdict = 'confirmed' | 'not-confirmed' | 'inconclusive';

export interface SampleSummary {
  readonly points: number;
  readonly median: number | null;
  readonly p05: number | null;
  readonly p95: number | null;
}

export interface ShadowConfirmation {
  readonly verdict: ConfirmationVerdict;
  readonly node: string;
  readonly metric: string;
  /** Wall-clock seconds of each window on the shadow, and of each step (one point per step). */
  readonly windowSeconds: number;
  readonly stepSeconds: number;
  readonly baseline: SampleSummary | null;
  readonly candidate: SampleSummary | null;
  /** The judge's evidence (shift with its interval, band, outliers, p-value); null when the shadow could not be used. */
  readonly judge: JudgeEvidence | null;
  readonly reason: string;
}

export function summarize(values: readonly number[]): SampleSummary {
  const s = Float64Array.from(values.filter(Number.isFinite)).sort();
  if (s.length === 0) return { points: 0, median: null, p05: null, p95: null };
  return { points: s.length, median: quantileSorted(s, 0.5), p05: quantileSorted(s, 0.05), p95: quantileSorted(s, 0.95) };
}

/** The verdict on the two samples (higher is worse), with `tolerance` as the judge's relative band. */
export function confirmOnSamples(node: string, metric: string, baseline: readonly number[], candidate: readonly number[], window: { readonly windowSeconds: number; readonly stepSeconds: number }, tolerance = 0.1): ShadowConfirmation {
  const j = judge(baseline, candidate, { tolerance });
  const base = { node, metric, ...window, baseline: summarize(baseline), candidate: summarize(candidate), judge: j };
  if (j.verdict === 'inconclusive') {
    return { ...base, verdict: 'inconclusive', reason: `inconclusive on the shadow: ${j.reason}${Math.min(j.n.baseline, j.n.candidate) < MIN_POINTS_TO_PASS ? ' (never a confirmation)' : ''}` };
  }
  if (j.verdict === 'fail' && j.shift.hi < 0) {
    return { ...base, verdict: 'confirmed', reason: `confirmed on the shadow: ${metric} of '${node}' went down, ${j.reason}` };
  }
  const worse = j.verdict === 'fail';
  return { ...base, verdict: 'not-confirmed', reason: `not confirmed on the shadow: ${metric} of '${node}' ${worse ? 'went up' : 'did not improve beyond the band'}, ${j.reason}` };
}

/** A confirmation that could not be attempted. */
export function unusableShadow(node: string, metric: string, window: { readonly windowSeconds: number; readonly stepSeconds: number }, why: string): ShadowConfirmation {
  return { verdict: 'inconclusive', node, metric, ...window, baseline: null, candidate: null, judge: null, reason: `inconclusive: the shadow could not be used: ${why}` };
}
