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
 * A calibration factor (models/calibrate.ts) then scales every error about
 * the per-step median error.
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

/**
 * `maxRows` caps the error samples: 500 for a forecast; backtests inside the
 * pipeline pass fewer (sorting them per step is most of a backtest's cost).
 */
export function buildDistribution(model: FittedModel, reference: Float64Array[] | undefined, h: number, nPaths: number, rng: PRNG, scale = 1, maxRows = MAX_TRAJECTORIES, pick: () => number = rng): Distribution {
  const point = model.point(h);
  if (model.samplePaths) {
    // Quantiles need more draws than a caller may want paths (backtests ask for none).
    const draws = Math.max(nPaths, SIMULATED_DRAWS);
    const sims = scaleAboutMedian(model.samplePaths(h, draws, rng), draws, h, scale);
    return { point, quantiles: quantilesOfRows(sims, draws, h, 1), paths: sims.slice(0, nPaths * h), how: `${model.name} simulated paths (${draws} draws)` };
  }
  const { rows, how } = errorSamples(model, reference, h, rng, maxRows);
  // Scale about the per-step median error, so calibration widens or narrows without moving the centre.
  const med = new Float64Array(h);
  const col = new Float64Array(rows.length);
  const quantiles = new Map<number, Float64Array>();
  for (const q of LEVELS) quantiles.set(q, new Float64Array(h));
  for (let k = 0; k < h; k++) {
    for (let j = 0; j < rows.length; j++) col[j] = rows[j]![k]!;
    col.sort();
    med[k] = quantileSorted(col, 0.5);
    for (const q of LEVELS) quantiles.get(q)![k] = point[k]! + med[k]! + scale * (quantileSorted(col, q) - med[k]!);
  }
  const paths = new Float64Array(nPaths * h);
  for (let p = 0; p < nPaths; p++) {
    // Row j is the origin j steps before the last one: series that share a time axis and a `pick` stream draw
    // the same historical moments for the same path, which keeps their correlation across series.
    const r = rows[Math.floor(pick() * maxRows) % rows.length]!;
    for (let k = 0; k < h; k++) paths[p * h + k] = point[k]! + med[k]! + scale * (r[k]! - med[k]!);
  }
  return { point, quantiles, paths, how: scale === 1 ? how : `${how}, widths x${scale.toFixed(2)} (calibrated)` };
}

function quantilesOfRows(paths: Float64Array, n: number, h: number, scale: number): Map<number, Float64Array> {
  const out = new Map<number, Float64Array>();
  for (const q of LEVELS) out.set(q, new Float64Array(h));
  const col = new Float64Array(n);
  for (let k = 0; k < h; k++) {
    for (let p = 0; p < n; p++) col[p] = paths[p * h + k]!;
    col.sort();
    const med = quantileSorted(col, 0.5);
    for (const q of LEVELS) out.get(q)![k] = med + scale * (quantileSorted(col, q) - med);
  }
  return out;
}

function scaleAboutMedian(paths: Float64Array, n: number, h: number, scale: number): Float64Array {
  if (scale === 1) return paths;
  const out = new Float64Array(paths.length);
  const col = new Float64Array(n);
  for (let k = 0; k < h; k++) {
    for (let p = 0; p < n; p++) col[p] = paths[p * h + k]!;
    col.sort();
    const med = quantileSorted(col, 0.5);
    for (let p = 0; p < n; p++) out[p * h + k] = med + scale * (paths[p * h + k]! - med);
  }
  return out;
}
