/**
 * One series from history to forecast distribution:
 *   constant check -> seasonality -> transform (log for rates) ->
 *   model choice (auto: rolling-origin backtest within the history) ->
 *   calibration of interval widths on the same backtests ->
 *   final fit, quantiles and sample paths -> back transform, clamp at 0
 *   (and, in log1p space, the upper tail at the median + the history range).
 * Every step that deviates from what was asked (a shorter model, a constant
 * series, no calibration) leaves a note on the forecast.
 * Deterministic: the random stream is seeded from (seed, node, metric), so the
 * result does not depend on which worker ran it or in which order.
 */
import seedrandom from 'seedrandom';
import type { ForecastSeries } from './forecast.js';
import { calibrationFactor, MIN_CALIBRATION_POINTS } from './calibrate.js';
import type { HeldOutPoint } from './calibrate.js';
import { LOCAL_FORECASTERS } from './forecasters/registry.js';
import type { LocalModelName } from './forecasters/registry.js';
import type { FitContext, FittedModel, Forecaster, ModelName } from './forecasters/types.js';
import { maseScale, scoreWindow } from './metrics.js';
import { buildDistribution, LEVELS, NO_WIDENING } from './paths.js';
import type { Widening } from './paths.js';
import type { Distribution } from './paths.js';
import { detectSeasonality } from './seasonality.js';
import { chooseTransform, describe, forward, inverseValue, LOG1P, upperCeiling } from './transform.js';
import type { Transform } from './transform.js';
import { boundsLabel, inferredBounds } from './telemetry/bounds.js';
import type { Bounds } from './telemetry/bounds.js';

export type ModelChoice = ModelName | 'auto';

/** The history of one series as the pipeline needs it (structured-clone safe, for workers). */
export interface SeriesHistory {
  readonly node: string;
  readonly metric: string;
  readonly stepMs: number;
  /** Epoch ms of values[0]. */
  readonly startMs: number;
  readonly values: Float64Array;
  /** 1 where values[i] was filled by interpolation (a gap): never scored in backtests, where naive models look perfect. */
  readonly filled?: Uint8Array;
  readonly limit?: number;
  /** The limit was given by a person (--limit), not inferred by the reader: the bounds note says so. */
  readonly limitGiven?: boolean;
  readonly allowNegative: boolean;
  /** Bounds a person declared (models/telemetry/bounds.ts); absent: inferred from the metric's name. */
  readonly bounds?: Bounds;
  readonly notes: readonly string[];
}

/** The bounds the pipeline keeps a series in: the declared ones, else those its name implies. */
export function effectiveBounds(s: Pick<SeriesHistory, 'metric' | 'allowNegative' | 'limit' | 'bounds'>): Bounds {
  return s.bounds ?? inferredBounds(s.metric, s.allowNegative, s.limit);
}

/** A model fitted outside the per-series pipeline (the global LSTM). */
export interface ExternalModel {
  readonly name: string;
  fit(y: Float64Array, ctx: FitContext): FittedModel | Promise<FittedModel>;
  minLength(period: number, horizon: number): number;
}

export interface PipelineOptions {
  readonly model: ModelChoice;
  readonly horizon: number;
  readonly paths: number;
  readonly seed: number;
  /** Force a seasonal period (steps); otherwise detected. */
  readonly period?: number;
  /** Candidates for `auto` (default snaive, ets and, on a series with daily and weekly seasons, mstl); given explicitly, each is tried. */
  readonly candidates?: readonly LocalModelName[];
  /** Calibrate interval widths on rolling-origin backtests (default true). */
  readonly calibrate?: boolean;
  /** Rolling origins inside the history for auto and calibration (default 8). */
  readonly origins?: number;
  /** Required for model `lstm`. */
  readonly external?: ExternalModel;
}

export interface PipelineResult {
  readonly series: ForecastSeries;
  /** The model actually used (after auto and fallbacks). */
  readonly chosen: string;
  /** Calibration factors of the 80 % and 95 % bands ({1, 1}: uncalibrated). */
  readonly calibration: Widening;
  /** Auto's inner backtest MASE per candidate. */
  readonly candidateMase: Readonly<Record<string, number>>;
}

/** Error trajectories per held-out forecast inside the pipeline (fewer than a final forecast's 500: the tails need only ~5 points each). */
export const BACKTEST_TRAJECTORIES = 200;

/**
 * auto picks seasonal naive only when it beats the others by 5 %: its MASE on
 * a handful of inner origins is noisy, and ETS can reproduce its behaviour
 * (high seasonal smoothing), so a tie should go to the model that can also
 * smooth. On NAB this moves the mean MASE ratio from 0.63 to 0.58.
 */
export const SNAIVE_MARGIN = 0.95;

/**
 * The heavier models (MSTL, SARIMA) must beat ETS by this share of MASE to be
 * chosen: within noise the simpler model forecasts as well and fails less.
 */
export const COMPLEX_MARGIN = 0.98;

export const DEFAULT_CANDIDATES: readonly LocalModelName[] = ['snaive', 'ets', 'mstl'];

/**
 * Models auto tries only on a series with two seasons (daily and weekly):
 * with one season MSTL is ETS on a deseasonalised series at ten times the
 * cost (2.5 s against 0.25 s per 2016-point series here), while a weekly
 * cycle reaches no other model.
 */
const MULTI_SEASONAL_ONLY: ReadonlySet<ModelName> = new Set(['mstl']);

/** The name of a thrown value: augurs (WASM) throws strings, not Errors. */
export function reasonOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string' && e.length > 0) return e;
  return `no reason given (${String(e)})`;
}

export function seriesSeed(seed: number, node: string, metric: string): string {
  return `${seed}\u0000${node}\u0000${metric}`;
}

function forecasterFor(name: ModelName, opts: PipelineOptions): Forecaster | ExternalModel {
  if (name === 'lstm') {
    if (!opts.external) throw new Error('model lstm needs a trained global LSTM (forecasters/lstm.ts)');
    return opts.external;
  }
  return LOCAL_FORECASTERS[name];
}

/**
 * The model to use when `name` cannot fit: ETS (non-seasonal when the
 * seasonal fit is what failed, so a missed season costs a flat forecast, not
 * a period-1 naive one), and seasonal naive only when even ETS cannot fit.
 */
async function fallbackFit(name: ModelName, y: Float64Array, ctx: FitContext, why: string): Promise<FittedModel> {
  const ets = LOCAL_FORECASTERS.ets;
  if (name !== 'ets') {
    for (const period of ctx.period > 1 ? [ctx.period, 1] : [1]) {
      const c = { ...ctx, period, extraPeriods: [] };
      if (y.length < ets.minLength(period, ctx.horizon)) continue;
      try {
        const fb = ets.fit(y, c);
        const what = period > 1 ? 'ETS' : 'non-seasonal ETS';
        return { ...fb, name: `ets (fallback from ${name})`, notes: [`${why}: ${what} used`] };
      } catch {
        // Fall through to the next, simpler model.
      }
    }
  }
  const fb = await LOCAL_FORECASTERS.snaive.fit(y, ctx);
  return { ...fb, name: `snaive (fallback from ${name})`, notes: [`${why}: seasonal naive used`] };
}

/** Fits `name`, falling back (with a note) when the history is too short or the fit fails. */
async function fitWithFallback(name: ModelName, y: Float64Array, ctx: FitContext, opts: PipelineOptions, override?: Forecaster): Promise<FittedModel> {
  const f = override ?? forecasterFor(name, opts);
  const need = f.minLength(ctx.period, ctx.horizon);
  if (name !== 'snaive' && y.length < need) return fallbackFit(name, y, ctx, `history of ${y.length} points is too short for ${name} (needs ${need})`);
  try {
    return await f.fit(y, ctx);
  } catch (e) {
    if (name === 'snaive') throw e;
    return fallbackFit(name, y, ctx, `${name} failed (${reasonOf(e)})`);
  }
}

/** Error trajectories of a cheap reference model, for models that only give an sd. */
async function referenceTrajectories(model: FittedModel, y: Float64Array, ctx: FitContext): Promise<Float64Array[] | undefined> {
  if (model.errorTrajectories || model.samplePaths) return undefined;
  for (const ref of ['ets', 'snaive'] as const) {
    const f = LOCAL_FORECASTERS[ref];
    if (y.length < f.minLength(ctx.period, ctx.horizon)) continue;
    const r = (await f.fit(y, ctx)).errorTrajectories?.(ctx.horizon, 500);
    if (r && r.length >= 30) return r;
  }
  return undefined;
}

async function distributionOf(name: ModelName, y: Float64Array, ctx: FitContext, opts: PipelineOptions, nPaths: number, rng: seedrandom.PRNG, scale: Widening, override?: Forecaster, maxRows?: number, pick?: () => number): Promise<{ dist: Distribution; model: FittedModel }> {
  const model = await fitWithFallback(name, y, ctx, opts, override);
  try {
    const dist = buildDistribution(model, await referenceTrajectories(model, y, ctx), ctx.horizon, nPaths, rng, scale, maxRows, pick);
    return { dist, model };
  } finally {
    model.free?.();
  }
}

interface InnerBacktest {
  readonly mase: number;
  /** Windows that held at least one observed (not gap-filled) point. */
  readonly windows: number;
  readonly points: HeldOutPoint[];
}

/**
 * Rolling origins inside the history: windows of h ending at n, n-h, n-2h, ...
 * (8 by default: the last 8h points). Spreading the origins over twice as
 * much history was tried and chose worse on NAB (mean MASE 0.670 against
 * 0.667): the recent windows say more about the regime the forecast is for.
 * Gap-filled points are never scored: interpolated stretches are straight
 * lines that naive models reproduce perfectly.
 */
async function innerBacktest(name: ModelName, y: Float64Array, filled: Uint8Array | undefined, ctx: FitContext, opts: PipelineOptions, origins: number, stride: number, t: Transform, rng: seedrandom.PRNG): Promise<InnerBacktest> {
  const h = ctx.horizon;
  const points: HeldOutPoint[] = [];
  let maseSum = 0, windows = 0;
  // Parameters chosen once on the history before the earliest origin, kept for every origin.
  const base = forecasterFor(name, opts);
  const earliest = y.subarray(0, y.length - h - (origins - 1) * stride);
  const frozen = 'frozen' in base && base.frozen && earliest.length >= base.minLength(ctx.period, h) ? base.frozen(earliest, ctx) : undefined;
  const orig = (a: Float64Array): Float64Array => (t.name === 'none' ? a : a.map((v) => inverseValue(t, v)));
  for (let j = 0; j < origins; j++) {
    const o = y.length - h - j * stride;
    const keep: number[] = [];
    for (let k = 0; k < h; k++) if (!filled || filled[o + k] !== 1) keep.push(k);
    if (keep.length === 0) continue;
    const train = y.subarray(0, o);
    const { dist } = await distributionOf(name, train, ctx, opts, 0, rng, NO_WIDENING, frozen, BACKTEST_TRAJECTORIES);
    const actual = y.subarray(o, o + h);
    const q = dist.quantiles;
    const pickKept = (a: Float64Array): Float64Array => Float64Array.from(keep, (k) => a[k]!);
    // MASE on the original scale (what the bench reports), coverage in model space (invariant).
    const qOrig = new Map<number, Float64Array>([...q].map(([lv, v]) => [lv, pickKept(orig(v))]));
    maseSum += scoreWindow(pickKept(orig(actual)), qOrig, maseScale(orig(train), ctx.period)).mase;
    windows++;
    for (const k of keep) {
      points.push({ actual: actual[k]!, median: q.get(0.5)![k]!, lo80: q.get(0.1)![k]!, hi80: q.get(0.9)![k]!, lo95: q.get(0.025)![k]!, hi95: q.get(0.975)![k]! });
    }
  }
  return { mase: windows > 0 ? maseSum / windows : Number.POSITIVE_INFINITY, windows, points };
}

/** auto's preference: a candidate must beat the simpler ones by a margin (see SNAIVE_MARGIN, COMPLEX_MARGIN). */
function adjustedScore(name: ModelName, mase: number): number {
  if (name === 'snaive') return mase / SNAIVE_MARGIN;
  if (name === 'mstl' || name === 'sarima' || name === 'lstm') return mase / COMPLEX_MARGIN;
  return mase;
}

function isConstant(y: Float64Array): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}

export async function forecastHistory(s: SeriesHistory, opts: PipelineOptions): Promise<PipelineResult> {
  const h = opts.horizon;
  const n = s.values.length;
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`horizon must be a positive whole number of steps, got ${h}`);
  if (n < 3) throw new RangeError(`series ${s.node}/${s.metric}: at least 3 points are needed, got ${n}`);
  // Beyond its own length a history says nothing about the future: refuse rather than extrapolate a random walk.
  if (h > n) throw new RangeError(`series ${s.node}/${s.metric}: a horizon of ${h} steps is longer than its history of ${n} points; shorten the horizon or give more history`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(s.values[i]!)) throw new RangeError(`series ${s.node}/${s.metric}: value ${i} is not finite (clean the series first)`);
  const notes: string[] = [...s.notes];
  const rng = seedrandom(seriesSeed(opts.seed, s.node, s.metric));

  if (isConstant(s.values)) {
    const c = s.values[0]!;
    notes.push(`constant series (every value ${c}): the forecast is that constant, with no spread`);
    const quantiles = new Map(LEVELS.map((q) => [q, new Float64Array(h).fill(c)] as const));
    return { series: finish(s, 'constant', quantiles, new Float32Array(opts.paths * h).fill(c), notes), chosen: 'constant', calibration: NO_WIDENING, candidateMase: {} };
  }

  const season = detectSeasonality(s.values, s.stepMs, opts.period);
  notes.push(...season.notes);
  const ctx: FitContext = { period: season.period, extraPeriods: season.extraPeriods, horizon: h, seed: opts.seed };
  const bounds = effectiveBounds(s);
  notes.push(`bounds ${boundsLabel(bounds)} (${s.bounds !== undefined ? 'declared' : s.limitGiven ? 'from the limit given (--limit)' : "inferred from the metric's name; declare others with --bounds or telemetry.bounds"})`);
  const t = chooseTransform(s.metric, s.values, bounds, s.bounds !== undefined);
  const first = await modelInSpace(s, t, ctx, opts, rng);
  // A non-negative series modelled linearly whose forecast median reaches below 0 would be clamped to a point at 0
  // (a median of 0 and an interval of [0, 0] while the actuals are in the thousands): refit it in log space instead.
  const linearBelowZero = t.name === 'none' && !s.allowNegative && first.minMedian < 0 && s.values.every((v) => v >= 0);
  const r = linearBelowZero ? await modelInSpace(s, LOG1P, ctx, opts, rng) : first;
  const why = t.name === 'log1p' ? ' (a rate-like metric)' : t.name === 'logit' ? (s.bounds !== undefined ? ' (declared bounds)' : ' (a percentage)') : linearBelowZero ? ` (its linear forecast reached ${first.minMedian.toPrecision(3)}, below 0)` : '';
  if (r.transform.name !== 'none') notes.push(`modelled in ${describe(r.transform)}${why}`);
  notes.push(...r.notes);
  const name = opts.model === 'auto' ? `auto:${r.modelName}` : r.modelName;
  const periods = [ctx.period, ...ctx.extraPeriods].filter((p) => p > 1);
  return { series: { ...finish(s, name, r.quantiles, r.paths, notes), periods, bounds }, chosen: r.modelName, calibration: r.scale, candidateMase: r.candidateMase };
}

interface SpaceResult {
  readonly transform: Transform;
  readonly modelName: string;
  readonly quantiles: Map<number, Float64Array>;
  readonly paths: Float32Array;
  readonly scale: Widening;
  readonly candidateMase: Record<string, number>;
  readonly notes: string[];
  /** The lowest median of the forecast before any clamping, in the original units. */
  readonly minMedian: number;
}

/** Model choice, calibration and the final distribution in one transform space. */
async function modelInSpace(s: SeriesHistory, t: Transform, ctx: FitContext, opts: PipelineOptions, rng: seedrandom.PRNG): Promise<SpaceResult> {
  const h = opts.horizon;
  const n = s.values.length;
  const notes: string[] = [];
  const y = forward(t, s.values);

  const wanted = opts.model;
  const asked: ModelName[] = wanted === 'auto' ? [...(opts.candidates ?? DEFAULT_CANDIDATES)] : [wanted];
  const seasonalOk = asked.filter((c) => ctx.extraPeriods.length > 0 || !MULTI_SEASONAL_ONLY.has(c) || (opts.candidates as readonly string[] | undefined)?.includes(c) === true);
  const candidates: ModelName[] = wanted === 'auto' && seasonalOk.length > 0 ? seasonalOk : asked;
  const calibrate = opts.calibrate ?? true;
  // Origins need each candidate's minimum history before them; candidates that cannot get two origins are dropped from auto.
  const originsFor = (c: ModelName): number => Math.max(0, Math.floor((n - forecasterFor(c, opts).minLength(ctx.period, h)) / h));
  const usable = wanted === 'auto' ? candidates.filter((c) => originsFor(c) >= 2) : candidates;
  if (usable.length > 0 && usable.length < candidates.length) notes.push(`auto left out ${candidates.filter((c) => !usable.includes(c)).join(', ')}: too little history for its backtest`);
  const pool = usable.length > 0 ? usable : candidates;
  const minNeed = Math.max(...pool.map((c) => forecasterFor(c, opts).minLength(ctx.period, h)));
  const maxOrigins = Math.max(0, Math.floor((n - minNeed) / h));
  const origins = Math.min(opts.origins ?? 8, maxOrigins);
  const stride = h;

  let chosen: ModelName = pool[0]!;
  let scale: Widening = NO_WIDENING;
  const candidateMase: Record<string, number> = {};
  if ((wanted === 'auto' || calibrate) && origins >= 2) {
    let best: InnerBacktest | undefined;
    let bestScore = Infinity;
    for (const c of pool) {
      const bt = await innerBacktest(c, y, s.filled, ctx, opts, origins, stride, t, rng);
      candidateMase[c] = bt.mase;
      const score = adjustedScore(c, bt.mase);
      if (score < bestScore) { best = bt; bestScore = score; chosen = c; }
    }
    const scored = best?.windows ?? 0;
    if (wanted === 'auto') notes.push(`auto chose ${chosen} by backtest MASE over ${scored} origins ${stride} steps apart, gap-filled points not scored (${Object.entries(candidateMase).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')})`);
    if (calibrate && best) {
      scale = calibrationFactor(best.points);
      if (best.points.length < MIN_CALIBRATION_POINTS) notes.push(`intervals not calibrated: only ${best.points.length} held-out points`);
    }
  } else if (wanted === 'auto' || calibrate) {
    notes.push(`history too short for rolling-origin ${wanted === 'auto' ? 'model choice and ' : ''}calibration: ${chosen}, uncalibrated intervals`);
  }

  // The same stream for every series (seeded by the seed alone): path p of each series replays the same past moment.
  const pick = seedrandom(`${opts.seed}\u0000paths`);
  const { dist, model } = await distributionOf(chosen, y, ctx, opts, opts.paths, rng, scale, undefined, undefined, pick);
  notes.push(...model.notes, `distribution: ${dist.how}`);
  const median = dist.quantiles.get(0.5)!;
  let minMedian = Number.POSITIVE_INFINITY;
  for (let k = 0; k < median.length; k++) minMedian = Math.min(minMedian, inverseValue(t, median[k]!));
  // The transforms keep log1p and logit forecasts in range; the floor only guards linear paths' tails.
  const floor = s.allowNegative ? -Infinity : 0;
  const back = (v: number) => Math.max(floor, inverseValue(t, v));
  // log1p's upper tail stops at the median plus the history's range (transform.ts says why).
  const ceiling = upperCeiling(t, s.values, median.map(back)) ?? new Float64Array(h).fill(Number.POSITIVE_INFINITY);
  const hi = dist.quantiles.get(LEVELS[LEVELS.length - 1]!)!;
  let capped = 0;
  for (let k = 0; k < h; k++) if (back(hi[k]!) > ceiling[k]!) capped++;
  if (capped > 0) notes.push(`upper tail capped at the median + the history's range (${(ceiling[0]! - back(median[0]!)).toPrecision(3)}) at ${capped} of ${h} steps: in log1p space an error is a factor, and errors seen from near 0 (or widened by calibration) put q${LEVELS[LEVELS.length - 1]} at up to ${Math.max(...Array.from(hi, back)).toPrecision(3)}`);
  const quantiles = new Map<number, Float64Array>([...dist.quantiles].map(([q, v]) => [q, v.map((x, k) => Math.min(ceiling[k]!, back(x)))]));
  const paths = Float32Array.from(dist.paths, (x, i) => Math.min(ceiling[i % h]!, back(x)));
  return { transform: t, modelName: model.name, quantiles, paths, scale, candidateMase, notes, minMedian };
}


function finish(s: SeriesHistory, model: string, quantiles: Map<number, Float64Array>, paths: Float32Array, notes: string[]): ForecastSeries {
  return { node: s.node, metric: s.metric, model, quantiles, paths, notes, ...(s.limit !== undefined ? { limit: s.limit } : {}) };
}
