/**
 * Exponential smoothing, additive Holt-Winters in error-correction form
 * (ETS(A,Ad,A); ETS(A,Ad,N) when the period is 1), written here rather than
 * taken from a library because it must (a) fit 1000 long series in seconds and
 * (b) re-forecast from every past origin for empirical error trajectories.
 * Parameters are chosen on a small grid by one-step squared error, which on
 * 5-minute telemetry is as good as a continuous optimiser and 50x cheaper.
 * The library model (augurs MSTL + AutoETS) is `mstl`.
 */
import { MIN_TRAJECTORIES } from '../paths.js';
import type { FitContext, FittedModel, Forecaster } from './types.js';

const ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 0.95];
const TRENDS: ReadonlyArray<{ beta: number; phi: number }> = [{ beta: 0, phi: 0 }, { beta: 0.01, phi: 0.9 }];
const GAMMAS = [0, 0.02, 0.05, 0.15];

export interface EtsParams { alpha: number; beta: number; phi: number; gamma: number }

interface Run {
  sse: number;
  /** Level and trend after each time t. */
  level: Float64Array;
  trend: Float64Array;
  /** Seasonal value written at time t (for slot t mod m). */
  season: Float64Array;
  /** Initial seasonal values by slot. */
  season0: Float64Array;
}

function initialState(y: Float64Array, m: number): { l: number; b: number; s: Float64Array } {
  const s = new Float64Array(m);
  if (m <= 1) return { l: y[0]!, b: 0, s };
  let a = 0, c = 0;
  for (let i = 0; i < m; i++) { a += y[i]!; c += y[m + i]!; }
  a /= m; c /= m;
  for (let i = 0; i < m; i++) s[i] = (y[i]! + y[m + i]!) / 2 - (a + c) / 2;
  return { l: a, b: 0, s };
}

/**
 * Runs the filter; keeps the state history only when `keep` (the selected
 * parameters). The score is the squared one-step error plus the squared
 * `hSel`-step error: one-step error alone rewards a level that chases
 * autocorrelated noise, which is worse than useless over a 24-step horizon.
 * The hSel-step forecast uses the level and trend of hSel steps ago (a ring
 * buffer) and the seasonal value as it stands (exact when hSel <= m).
 */
function run(y: Float64Array, m: number, p: EtsParams, keep: boolean, from: number, hSel = 1, abandonAbove = Infinity): Run {
  const n = y.length;
  const init = initialState(y, m);
  const s = Float64Array.from(init.s);
  let l = init.l, b = init.b, sse = 0;
  const level = keep ? new Float64Array(n) : new Float64Array(0);
  const trend = keep ? new Float64Array(n) : new Float64Array(0);
  const season = keep ? new Float64Array(n) : new Float64Array(0);
  const seasonal = m > 1;
  const ringL = new Float64Array(hSel), ringB = new Float64Array(hSel);
  const dH = dampSum(p.phi, hSel);
  for (let t = 0; t < n; t++) {
    const slot = seasonal ? t % m : 0;
    const st = seasonal ? s[slot]! : 0;
    const e = y[t]! - (l + p.phi * b + st);
    const r = t % hSel;
    if (t >= from) {
      const eh = hSel > 1 && t >= hSel ? y[t]! - (ringL[r]! + dH * ringB[r]! + st) : e;
      sse += e * e + eh * eh;
      // The error sum only grows: once it passes the best so far this candidate has lost.
      if (sse > abandonAbove) break;
    }
    const ln = l + p.phi * b + p.alpha * e;
    b = p.phi * b + p.beta * e;
    l = ln;
    ringL[r] = l;
    ringB[r] = b;
    if (seasonal) s[slot] = st + p.gamma * e;
    if (keep) { level[t] = l; trend[t] = b; season[t] = seasonal ? s[slot]! : 0; }
  }
  return { sse, level, trend, season, season0: init.s };
}

export function fitEtsParams(y: Float64Array, m: number, horizon = 1): EtsParams {
  const hSel = Math.max(1, m > 1 ? Math.min(horizon, m) : horizon);
  // The first seasons only warm the state up; score the rest.
  const from = Math.min(y.length - 1, m > 1 ? 2 * m : 10);
  let best: EtsParams = { alpha: 0.2, beta: 0, phi: 0, gamma: 0 };
  let bestSse = Infinity;
  for (const alpha of ALPHAS) {
    for (const { beta, phi } of TRENDS) {
      for (const gamma of m > 1 ? GAMMAS : [0]) {
        if (gamma > 1 - alpha) continue;
        const p = { alpha, beta, phi, gamma };
        const r = run(y, m, p, false, from, hSel, bestSse);
        if (r.sse < bestSse) { bestSse = r.sse; best = p; }
      }
    }
  }
  return best;
}

function dampSum(phi: number, k: number): number {
  let s = 0, f = 1;
  for (let j = 1; j <= k; j++) { f *= phi; s += f; }
  return s;
}

/** The ETS forecaster; with `fixed`, parameters are not searched (see Forecaster.frozen). */
function makeEts(fixed?: EtsParams): Forecaster {
  return {
    name: 'ets',
    // Its distribution comes from its own error trajectories (it gives no sd): the history must hold MIN_TRAJECTORIES of them.
    minLength: (period, horizon) => (period > 1 ? 2 * period : 10) + horizon + MIN_TRAJECTORIES + 1,
    frozen(y: Float64Array, ctx: FitContext): Forecaster {
      return makeEts(fitEtsParams(y, Math.max(1, ctx.period), ctx.horizon));
    },
    fit(y: Float64Array, ctx: FitContext): FittedModel {
      const m = Math.max(1, ctx.period);
      const n = y.length;
      if (n < (m > 1 ? 2 * m : 3)) throw new RangeError(`ETS needs ${m > 1 ? 2 * m : 3} points, got ${n}`);
      const p = fixed ?? fitEtsParams(y, m, ctx.horizon);
      const r = run(y, m, p, true, 0);
      const damp: number[] = [0];
      for (let k = 1; k <= Math.max(ctx.horizon, 1) * 4; k++) damp.push(dampSum(p.phi, k));
      const dsum = (k: number) => (k < damp.length ? damp[k]! : dampSum(p.phi, k));
      // Seasonal value for time t+k as known at time t.
      const seasonAt = (t: number, k: number): number => {
        if (m <= 1) return 0;
        const src = t + k - m * Math.ceil(k / m);
        return src >= 0 ? r.season[src]! : r.season0[((src % m) + m) % m]!;
      };
      const forecastAt = (t: number, k: number) => r.level[t]! + dsum(k) * r.trend[t]! + seasonAt(t, k);
      return {
        name: 'ets',
        notes: [`ETS alpha=${p.alpha} beta=${p.beta} phi=${p.phi} gamma=${p.gamma} period=${m}${fixed ? ' (parameters kept from an earlier history)' : ''}`],
        point(h) {
          const out = new Float64Array(h);
          for (let k = 1; k <= h; k++) out[k - 1] = forecastAt(n - 1, k);
          return out;
        },
        errorTrajectories(h, max) {
          const out: Float64Array[] = [];
          const first = m > 1 ? 2 * m : 10;
          for (let t = n - 1 - h; t >= first && out.length < max; t--) {
            const e = new Float64Array(h);
            for (let k = 1; k <= h; k++) e[k - 1] = y[t + k]! - forecastAt(t, k);
            out.push(e);
          }
          return out;
        },
      };
    },
  };
}

export const ets: Forecaster = makeEts();
