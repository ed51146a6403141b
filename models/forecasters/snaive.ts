/**
 * Seasonal naive: tomorrow at this time is today at this time (naive when the
 * period is 1). The baseline every result is compared with.
 */
import type { FitContext, FittedModel, Forecaster } from './types.js';

/** yhat[t+k | t] given y[0..t] (inclusive index t): the last value one season back. */
function snaiveAt(y: Float64Array, t: number, k: number, m: number): number {
  return y[t + k - m * Math.ceil(k / m)]!;
}

export const seasonalNaive: Forecaster = {
  name: 'snaive',
  minLength: (period) => Math.max(2, period + 1),
  fit(y: Float64Array, ctx: FitContext): FittedModel {
    const m = Math.max(1, ctx.period);
    const n = y.length;
    if (n < m) throw new RangeError(`seasonal naive needs at least ${m} points, got ${n}`);
    return {
      name: 'snaive',
      notes: [],
      point(h) {
        const out = new Float64Array(h);
        for (let k = 1; k <= h; k++) out[k - 1] = snaiveAt(y, n - 1, k, m);
        return out;
      },
      // Seasonal random walk: the k-step error sums ceil(k/m) one-season differences.
      sd(h) {
        let ss = 0, c = 0;
        for (let t = m; t < n; t++) { const d = y[t]! - y[t - m]!; ss += d * d; c++; }
        const s1 = c > 0 ? Math.sqrt(ss / c) : 0;
        return Float64Array.from({ length: h }, (_, i) => s1 * Math.sqrt(Math.ceil((i + 1) / m)));
      },
      errorTrajectories(h, max) {
        const out: Float64Array[] = [];
        for (let t = n - 1 - h; t >= m - 1 && out.length < max; t--) {
          const e = new Float64Array(h);
          for (let k = 1; k <= h; k++) e[k - 1] = y[t + k]! - snaiveAt(y, t, k, m);
          out.push(e);
        }
        return out;
      },
    };
  },
};
