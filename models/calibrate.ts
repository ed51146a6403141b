/**
 * Interval calibration on rolling-origin backtests within the history, by
 * split-conformal scaling: for each held-out point, the ratio of its error
 * about the median to the interval's half-width on that side; the factor for
 * a level L is the ceil((n+1)L)/n empirical quantile of those ratios (the
 * finite-sample conformal rule), so scaling the widths by it makes the
 * held-out points cover at least L. The 80 % and 95 % bands get a factor each
 * (models/paths.ts widens deviations by a monotone map between them), pulled
 * towards 1 in proportion to the evidence (n / (n + 48)).
 *
 * Shrinking is bounded: held-out errors of a model refitted on less history
 * understate the error of the final forecast more often than they overstate
 * it (an earlier least-squares rule shrank NAB intervals to 0.63x and lost
 * coverage), so a factor below 1 is never taken below MIN_FACTOR.
 */
import { NO_WIDENING } from './paths.js';
import type { Widening } from './paths.js';

export interface HeldOutPoint {
  readonly actual: number;
  readonly median: number;
  readonly lo80: number;
  readonly hi80: number;
  readonly lo95: number;
  readonly hi95: number;
}

export const MIN_CALIBRATION_POINTS = 48;
/** The narrowest calibration may make an interval, as a share of the model's own width. */
export const MIN_FACTOR = 0.85;
/** The widest: beyond it the model is wrong, not its spread, and the note says so through the factor. */
export const MAX_FACTOR = 4;

/** Held-out coverage of the 80 % and 95 % intervals after widening (a number widens both bands alike). */
export function coverageAt(points: readonly HeldOutPoint[], widening: Widening | number): { c80: number; c95: number } {
  const w = typeof widening === 'number' ? { c80: widening, c95: widening } : widening;
  let a = 0, b = 0;
  for (const p of points) {
    const d = p.actual - p.median;
    const lo80 = w.c80 * (p.lo80 - p.median), hi80 = w.c80 * (p.hi80 - p.median);
    // As in paths.ts: the 95 % point never maps inside the 80 % one.
    const lo95 = Math.min(lo80, w.c95 * (p.lo95 - p.median)), hi95 = Math.max(hi80, w.c95 * (p.hi95 - p.median));
    if (d >= lo80 && d <= hi80) a++;
    if (d >= lo95 && d <= hi95) b++;
  }
  return { c80: a / points.length, c95: b / points.length };
}

/** How much the half-width on the error's side must be scaled to just cover it (0 for no error, Infinity for a zero width). */
function ratio(d: number, lo: number, hi: number, median: number): number {
  const half = d >= 0 ? hi - median : median - lo;
  const e = Math.abs(d);
  if (e === 0) return 0;
  return half > 0 ? e / half : Number.POSITIVE_INFINITY;
}

/** The split-conformal factor for one level: the ceil((n+1)L)-th smallest ratio. */
export function conformalFactor(ratios: readonly number[], level: number): number {
  const n = ratios.length;
  const sorted = [...ratios].sort((a, b) => a - b);
  const k = Math.min(n, Math.ceil((n + 1) * level));
  return sorted[k - 1]!;
}

export function calibrationFactor(points: readonly HeldOutPoint[]): Widening {
  const n = points.length;
  if (n < MIN_CALIBRATION_POINTS) return NO_WIDENING;
  const w = n / (n + MIN_CALIBRATION_POINTS);
  const factor = (ratios: readonly number[], level: number): number => {
    const raw = conformalFactor(ratios, level);
    const bounded = Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, Number.isFinite(raw) ? raw : MAX_FACTOR));
    return 1 + (bounded - 1) * w;
  };
  return {
    c80: factor(points.map((p) => ratio(p.actual - p.median, p.lo80, p.hi80, p.median)), 0.8),
    c95: factor(points.map((p) => ratio(p.actual - p.median, p.lo95, p.hi95, p.median)), 0.95),
  };
}
