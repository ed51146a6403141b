/**
 * Forecast accuracy on one window: MASE (mean absolute error of the median,
 * scaled by the in-sample mean absolute seasonal difference of the history),
 * pinball loss averaged over the required quantile levels (same scale), and
 * whether the actual fell inside the central 80 % and 95 % intervals.
 */
import { REQUIRED_QUANTILES } from './forecast.js';

export interface WindowScore {
  readonly mase: number;
  readonly pinball: number;
  /** Share of steps inside [q0.1, q0.9] and [q0.025, q0.975]. */
  readonly cover80: number;
  readonly cover95: number;
  readonly steps: number;
}

/** Mean |y[t] - y[t-m]| over the history (m = 1 when the history is too short); never 0. */
export function maseScale(history: ArrayLike<number>, m: number): number {
  const lag = history.length > m ? Math.max(1, m) : 1;
  let s = 0, c = 0;
  for (let t = lag; t < history.length; t++) { s += Math.abs(history[t]! - history[t - lag]!); c++; }
  const scale = c > 0 ? s / c : 0;
  if (scale > 0) return scale;
  // A constant history: fall back to the level so that errors still count.
  let level = 0;
  for (let i = 0; i < history.length; i++) level += Math.abs(history[i]!);
  return Math.max(level / Math.max(1, history.length), 1e-9);
}

export function pinballLoss(q: number, actual: number, predicted: number): number {
  const d = actual - predicted;
  return d >= 0 ? q * d : (q - 1) * d;
}

export function scoreWindow(actual: ArrayLike<number>, quantiles: ReadonlyMap<number, ArrayLike<number>>, scale: number): WindowScore {
  const h = actual.length;
  const med = quantiles.get(0.5)!;
  const lo80 = quantiles.get(0.1)!, hi80 = quantiles.get(0.9)!;
  const lo95 = quantiles.get(0.025)!, hi95 = quantiles.get(0.975)!;
  let ae = 0, pb = 0, c80 = 0, c95 = 0;
  for (let k = 0; k < h; k++) {
    const a = actual[k]!;
    ae += Math.abs(a - med[k]!);
    for (const q of REQUIRED_QUANTILES) pb += pinballLoss(q, a, quantiles.get(q)![k]!);
    if (a >= lo80[k]! && a <= hi80[k]!) c80++;
    if (a >= lo95[k]! && a <= hi95[k]!) c95++;
  }
  return { mase: ae / h / scale, pinball: pb / (h * REQUIRED_QUANTILES.length) / scale, cover80: c80 / h, cover95: c95 / h, steps: h };
}

export interface MetricSummary {
  readonly mase: number;
  readonly pinball: number;
  readonly cover80: number;
  readonly cover95: number;
  readonly windows: number;
}

export function summarise(scores: readonly WindowScore[]): MetricSummary {
  const n = scores.length;
  const avg = (f: (s: WindowScore) => number) => (n ? scores.reduce((a, s) => a + f(s), 0) / n : Number.NaN);
  return { mase: avg((s) => s.mase), pinball: avg((s) => s.pinball), cover80: avg((s) => s.cover80), cover95: avg((s) => s.cover95), windows: n };
}
