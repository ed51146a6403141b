/**
 * The one interface every forecaster implements: fit on a history, then give
 * point forecasts and what the distribution layer (models/paths.ts) needs to
 * draw sample paths: either empirical multi-step error trajectories, a
 * predictive standard deviation per step, or its own sample paths.
 */
import type { PRNG } from 'seedrandom';

export type ModelName = 'snaive' | 'ets' | 'mstl' | 'sarima' | 'lstm';
export const MODEL_NAMES: readonly ModelName[] = ['snaive', 'ets', 'mstl', 'sarima', 'lstm'];

export interface FitContext {
  /** Seasonal period in steps (1 = none). */
  readonly period: number;
  /** Further seasonal periods (MSTL uses them), longer than `period`. */
  readonly extraPeriods: readonly number[];
  readonly horizon: number;
  readonly seed: number;
}

export interface FittedModel {
  /** Name shown in the forecast (`ets`, `snaive`, or `snaive (fallback from sarima)`). */
  readonly name: string;
  readonly notes: readonly string[];
  /** Point forecast (the model's mean/median) for steps 1..h. */
  point(h: number): Float64Array;
  /**
   * Errors y[t+k] - yhat[t+k | t] for k = 1..h at up to `max` recent origins t,
   * each a Float64Array of length h; undefined when the model cannot re-forecast
   * from past origins cheaply.
   */
  errorTrajectories?(h: number, max: number): Float64Array[] | undefined;
  /** Predictive standard deviation for steps 1..h, when the model gives one. */
  sd?(h: number): Float64Array;
  /** The model's own sample paths (row-major [path][step]), when it simulates. */
  samplePaths?(h: number, n: number, rng: PRNG): Float64Array;
  /** Releases native (WASM) memory. */
  free?(): void;
}

export interface Forecaster {
  readonly name: ModelName;
  /** Minimum history length for this model given the period; shorter histories get a simpler model. */
  minLength(period: number, horizon: number): number;
  fit(y: Float64Array, ctx: FitContext): FittedModel;
  /**
   * A copy whose parameters are chosen once on `y` and then kept for every
   * later fit: rolling-origin backtests refit at many origins, and choosing
   * parameters on the earliest history only is both leak-free and cheaper.
   */
  frozen?(y: Float64Array, ctx: FitContext): Forecaster;
}
