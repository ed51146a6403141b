/**
 * The space a series is modelled in, chosen from its bounds so that no
 * forecast leaves the metric's range and no interval is clamped to a point:
 *
 *  none    signed metrics (a temperature), and non-negative ones whose
 *          forecast stays above 0 in linear space (CPU cores, latency);
 *  log1p   rates, counts and byte counters (their noise grows with their
 *          level), and any non-negative series whose linear forecast reaches
 *          below 0 (the pipeline refits it here rather than clamping);
 *  logit   percentages and series declared [0, LIMIT], bounded to [0, upper]
 *          (upper = the declared LIMIT, the series' limit, or
 *          100): x -> log((x + e) / (upper - x + e)) with e = upper / 1000, so
 *          no quantile goes above the bound.
 *
 * Quantiles survive the monotone back transform unchanged; sample paths are
 * transformed point by point. In log1p space the upper tail is then capped
 * (upperCeiling below): an additive log1p error is a multiplication, and
 * errors measured from a level near 0 multiply a higher level absurdly.
 */
import type { Bounds } from './telemetry/bounds.js';

export type TransformName = 'none' | 'log1p' | 'logit';

export interface Transform {
  readonly name: TransformName;
  /** The upper bound of a logit transform. */
  readonly upper?: number;
}

export const IDENTITY: Transform = { name: 'none' };
export const LOG1P: Transform = { name: 'log1p' };

const RATE_LIKE = /(rate|count|bytes|network|request|ops|workload|throughput|qps|rps|syscall)/i;

function allWithin(values: ArrayLike<number>, lo: number, hi: number): boolean {
  for (let i = 0; i < values.length; i++) if (!(values[i]! >= lo && values[i]! <= hi)) return false;
  return true;
}

/**
 * The space for a series of these bounds. Declared bounds [0, LIMIT] are
 * always modelled in logit space (cleaning refused any value outside them);
 * bounds inferred from a percentage's name only when every value lies inside.
 */
export function chooseTransform(metric: string, values: ArrayLike<number>, bounds: Bounds, declared = false): Transform {
  if (bounds === 'signed') return IDENTITY;
  if (typeof bounds !== 'string') {
    const upper = bounds[1];
    return declared || (upper > 0 && allWithin(values, 0, upper)) ? { name: 'logit', upper } : IDENTITY;
  }
  if (!RATE_LIKE.test(metric)) return IDENTITY;
  return allWithin(values, 0, Number.POSITIVE_INFINITY) ? LOG1P : IDENTITY;
}

export function describe(t: Transform): string {
  return t.name === 'logit' ? `logit space bounded to [0, ${t.upper}]` : `${t.name} space`;
}

function forwardValue(t: Transform, v: number): number {
  if (t.name === 'log1p') return Math.log1p(v);
  if (t.name === 'logit') {
    const u = t.upper!, e = u / 1000;
    return Math.log((v + e) / (u - v + e));
  }
  return v;
}

export function forward(t: Transform, y: Float64Array): Float64Array {
  return t.name === 'none' ? y : y.map((v) => forwardValue(t, v));
}

export function inverseValue(t: Transform, v: number): number {
  if (t.name === 'log1p') return Math.expm1(v);
  if (t.name === 'logit') {
    const u = t.upper!, e = u / 1000;
    // Inverse of log((x + e) / (u - x + e)), kept inside [0, u] against rounding.
    const r = Math.exp(Math.min(700, Math.max(-700, v)));
    return Math.min(u, Math.max(0, (r * (u + e) - e) / (1 + r)));
  }
  return v;
}

/**
 * The highest value a forecast in space `t` may reach at each step, in the
 * original units: its median plus the whole range of the history (max - min);
 * undefined where no cap is needed (linear errors are already in the data's
 * units; logit's inverse is bounded).
 *
 * Why log1p needs one: the error bootstrap and calibration add model-space
 * deviations measured at one level to the median at another, and log1p turns
 * that into a factor. On a series of zeros and bursts (disk writes, NAB
 * ec2_disk_write_bytes) a burst seen from 0 is an error of log1p(5e8) = 20
 * nats; added to a median of 4e5 it became 4e5 * e^20 = 2e14 bytes, and a
 * calibration factor of 2.4 on that tail gave 5e18. Nothing in the history
 * supports a value further above the median than the history ever spread
 * (while the median is at or above the history's min, every past value, and
 * so every held-out point calibration learnt from, lies below the cap), so
 * the tail stops there: at most the median plus the history's max.
 * Only the part above the median is touched, so medians (MASE) and the lower
 * tail are unchanged, and a min with a per-step constant keeps paths and
 * quantiles consistent.
 */
export function upperCeiling(t: Transform, history: ArrayLike<number>, medianOrig: ArrayLike<number>): Float64Array | undefined {
  if (t.name !== 'log1p') return undefined;
  let lo = Number.POSITIVE_INFINITY, hi = Number.NEGATIVE_INFINITY;
  // A gap (NaN) must not turn the cap, and so every quantile, into NaN.
  for (let i = 0; i < history.length; i++) { const v = history[i]!; if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
  const range = hi >= lo ? hi - lo : 0;
  return Float64Array.from(medianOrig, (m) => m + range);
}
