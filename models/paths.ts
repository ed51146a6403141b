/**
 * Forecast distributions: quantiles and sample paths correlated in time.
 *
 * Rule, in order of preference:
 *  1. The model simulates (LSTM): its own paths; quantiles from them.
 *  2. The model re-forecasts from past origins (snaive, ETS): empirical error
 *     trajectories e[t][k] = y[t+k] - yhat[t+k|t] over the last origins; a path
 *     is the point forecast plus one whole trajectory (a residual bootstrap
 *     that keeps the error's correlation across the horizon), quantiles are
 *     the point plus the per-step quantiles of all trajectories.
 *  3. The model gives a standard deviation per step (SARIMA, MSTL): the
 *     trajectories of a cheap reference model (ETS, else seasonal naive) on
 *     the same history, each step rescaled to unit RMS, times the model's sd:
 *     the model's spread with the data's shape of correlation.
 *  4. Only an sd and no trajectories (very short series): Gaussian paths whose
 *     step-to-step correlation is min(sd[k-1]/sd[k], 0.9).
 * Calibration (models/calibrate.ts) then widens or narrows every error about
 * the per-step median error, by a factor for the 80 % band and another for
 * the 95 % band: a monotone piecewise-linear map of each deviation (factor
 * c80 up to the model's own 80 % half-width, c95 from its 95 % half-width on,
 * linear between), so quantiles and paths move together and the one scale
 * need not serve a light-tailed centre and heavy tails at once.
 *
 * Across series: the trajectory behind path p is chosen by a stream shared
 * by all series of a forecast (`pick`), so path p of every series replays the
 * errors of the same historical moment: what moved together in the past
 * moves together in the paths (for series ending at the same time).
 */
import type { PRNG } from 'seedrandom';
import { REQUIRED_QUANTILES } from './forecast.js';
import type { FittedModel } from './forecasters/types.js';
import { normalDraw, quantileSorted } from './quantile.js';

export const MAX_TRAJECTORIES = 500;
export const MIN_TRAJECTORIES = 30;
/** Draws taken from a simulating model for its quantiles. */
export const SIMULATED_DRAWS = 200;
/** Levels computed for every forecast: the required ones plus the 95 % interval ends used for calibration. */
export const LEVELS: readonly number[] = [...new Set([0.025, ...REQUIRED_QUANTILES, 0.975])].sort((a, b) => a - b);

export interface Distribution {
  readonly point: Float64Array;
  readonly quantiles: Map<number, Float64Array>;
  /** Row-major [path][step]. */
  readonly paths: Float64Array;
  readonly how: string;
}

/** Per-step error samples (rows = samples) from which quantiles and paths are drawn. */
function errorSamples(model: FittedModel, reference: Float64Array[] | undefined, h: number, rng: PRNG, maxRows: number): { rows: Float64Array[]; how: string } {
  const own = model.errorTrajectories?.(h, maxRows);
  if (own && own.length >= MIN_TRAJECTORIES) return { rows: own, how: `residual bootstrap of ${own.length} ${model.name} error trajectories` };
  const sd = model.sd?.(h);
  if (!sd) throw new RangeError(`${model.name}: too little history for error trajectories and no predictive sd`);
  if (reference && reference.length >= MIN_TRAJECTORIES) {
    const rms = new Float64Array(h);
    for (const r of reference) for (let k = 0; k < h; k++) rms[k] += r[k]! * r[k]!;
    for (let k = 0; k < h; k++) rms[k] = Math.sqrt(rms[k]! / reference.length) || 1;
    const rows = reference.slice(0, maxRows).map((r) => Float64Array.from(r, (e, k) => (e / rms[k]!) * sd[k]!));
    return { rows, how: `${model.name} sd with the correlation of ${reference.length} reference error trajectories` };
  }
  const rows: Float64Array[] = [];
  for (let j = 0; j < maxRows; j++) {
    const e = new Float64Array(h);
    let z = normalDraw(rng);
    e[0] = z * sd[0]!;
    for (let k = 1; k < h; k++) {
      const rho = sd[k]! > 0 ? Math.min(sd[k - 1]! / sd[k]!, 0.9) : 0;
      z = rho * z + Math.sqrt(1 - rho * rho) * normalDraw(rng);
      e[k] = z * sd[k]!;
    }
    rows.push(e);
  }
  return { rows, how: `${model.name} sd with Gaussian AR(1) paths (too little history for trajectories)` };
}

/** Calibration factors for the 80 % and 95 % bands (1, 1: as the model says). */
export interface Widening {
  readonly c80: number;
  readonly c95: number;
}

export const NO_WIDENING: Widening = { c80: 1, c95: 1 };

export function isIdentity(w: Widening): boolean {
  return w.c80 === 1 && w.c95 === 1;
}

/**
 * The deviation map of one step, from the model's own quantiles about the
 * median (lo95 <= lo80 <= 0 <= hi80 <= hi95): returns d -> d' monotone.
 */
function deviationMap(w: Widening, lo95: number, lo80: number, hi80: number, hi95: number): (d: number) => number {
  if (isIdentity(w)) return (d) => d;
  const side = (w80: number, w95: number) => {
    const a = w.c80 * w80;
    // Keep the map monotone: the 95 % point never maps inside the 80 % one.
    const b = Math.max(a, w.c95 * w95);
    return (x: number): number => {
      if (x <= w80) return w.c80 * x;
      if (x >= w95) return b + w.c95 * (x - w95);
      return a + ((b - a) * (x - w80)) / (w95 - w80);
    };
  };
  const up = side(Math.max(0, hi80), Math.max(0, hi95));
  const down = side(Math.max(0, -lo80), Math.max(0, -lo95));
  return (d) => (d >= 0 ? up(d) : -down(-d));
}

function describeWidening(w: Widening): string {
  return `widths x${w.c80.toFixed(2)} (80 %) / x${w.c95.toFixed(2)} (95 %) (calibrated)`;
}

/**
 * `maxRows` caps the error samples: 500 for a forecast; backtests inside the
 * pipeline pass fewer (sorting them per step is most of a backtest's cost).
 */
export function buildDistribution(model: FittedModel, reference: Float64Array[] | undefined, h: number, nPaths: number, rng: PRNG, widening: Widening = NO_WIDENING, maxRows = MAX_TRAJECTORIES, pick: () => number = rng): Distribution {
  const point = model.point(h);
  if (model.samplePaths) {
    // Quantiles need more draws than a caller may want paths (backtests ask for none).
    const draws = Math.max(nPaths, SIMULATED_DRAWS);
    const sims = widenRows(model.samplePaths(h, draws, rng), draws, h, widening);
    return { point, quantiles: quantilesOfRows(sims, draws, h), paths: sims.slice(0, nPaths * h), how: `${model.name} simulated paths (${draws} draws)${isIdentity(widening) ? '' : `, ${describeWidening(widening)}`}` };
  }
  const { rows, how } = errorSamples(model, reference, h, rng, maxRows);
  // Widen about the per-step median error, so calibration changes the spread without moving the centre.
  const med = new Float64Array(h);
  const maps: Array<(d: number) => number> = [];
  const col = new Float64Array(rows.length);
  const quantiles = new Map<number, Float64Array>();
  for (const q of LEVELS) quantiles.set(q, new Float64Array(h));
  for (let k = 0; k < h; k++) {
    for (let j = 0; j < rows.length; j++) col[j] = rows[j]![k]!;
    col.sort();
    const m = quantileSorted(col, 0.5);
    med[k] = m;
    const map = deviationMap(widening, quantileSorted(col, 0.025) - m, quantileSorted(col, 0.1) - m, quantileSorted(col, 0.9) - m, quantileSorted(col, 0.975) - m);
    maps.push(map);
    for (const q of LEVELS) quantiles.get(q)![k] = point[k]! + m + map(quantileSorted(col, q) - m);
  }
  const paths = new Float64Array(nPaths * h);
  for (let p = 0; p < nPaths; p++) {
    // Row j is the origin j steps before the last one: series that share a time axis and a `pick` stream draw
    // the same historical moments for the same path, which keeps their correlation across series.
    const r = rows[Math.floor(pick() * maxRows) % rows.length]!;
    for (let k = 0; k < h; k++) paths[p * h + k] = point[k]! + med[k]! + maps[k]!(r[k]! - med[k]!);
  }
  return { point, quantiles, paths, how: isIdentity(widening) ? how : `${how}, ${describeWidening(widening)}` };
}

function quantilesOfRows(paths: Float64Array, n: number, h: number): Map<number, Float64Array> {
  const out = new Map<number, Float64Array>();
  for (const q of LEVELS) out.set(q, new Float64Array(h));
  const col = new Float64Array(n);
  for (let k = 0; k < h; k++) {
    for (let p = 0; p < n; p++) col[p] = paths[p * h + k]!;
    col.sort();
    for (const q of LEVELS) out.get(q)![k] = quantileSorted(col, q);
  }
  return out;
}

function widenRows(paths: Float64Array, n: number, h: number, w: Widening): Float64Array {
  if (isIdentity(w)) return paths;
  const out = new Float64Array(paths.length);
  const col = new Float64Array(n);
  for (let k = 0; k < h; k++) {
    for (let p = 0; p < n; p++) col[p] = paths[p * h + k]!;
    col.sort();
    const med = quantileSorted(col, 0.5);
    const map = deviationMap(w, quantileSorted(col, 0.025) - med, quantileSorted(col, 0.1) - med, quantileSorted(col, 0.9) - med, quantileSorted(col, 0.975) - med);
    for (let p = 0; p < n; p++) out[p * h + k] = med + map(paths[p * h + k]! - med);
  }
  return out;
}
