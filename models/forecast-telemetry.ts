/**
 * Telemetry files -> a ForecastBundle: what `shadowcast forecast` does,
 * callable as a library. All series of one bundle share one step (the
 * simulator reads one time axis); series whose history ends before the
 * latest one are forecast from their own end over the extra steps, and the
 * steps before the common start are dropped, so every series starts at the
 * same instant without pretending it has data it lacks. A series ending more
 * than one horizon earlier is an error (its forecast would be mostly
 * extrapolation); one whose grid is offset by a fraction of a step is aligned
 * to the nearest step, with a note.
 */
import type { ForecastBundle, ForecastSeries } from './forecast.js';
import { forecastAll } from './fit-pool.js';
import type { PoolOptions } from './fit-pool.js';
// Type-only: the LSTM module pulls in tfjs (~0.8 s to import), loaded only when model lstm is asked for.
import type { GlobalLstm, LstmOptions, LstmTrainReport } from './forecasters/lstm.js';
import type { LocalModelName } from './forecasters/registry.js';
import { horizonSteps } from './horizon.js';
import type { HorizonSpec } from './horizon.js';
import type { ModelChoice, PipelineResult, SeriesHistory } from './pipeline.js';
import { SeriesSetError } from './telemetry/errors.js';
import type { Series } from './telemetry/series.js';

export interface TelemetryForecastOptions {
  readonly horizon: HorizonSpec;
  readonly model: ModelChoice;
  readonly paths: number;
  readonly seed: number;
  readonly period?: number;
  readonly candidates?: readonly LocalModelName[];
  readonly calibrate?: boolean;
  readonly lstm?: Partial<LstmOptions>;
  /** Limits by `node/metric` (override those the readers inferred). */
  readonly limits?: Readonly<Record<string, number>>;
}

export interface TelemetryForecast {
  readonly bundle: ForecastBundle;
  readonly results: readonly PipelineResult[];
  readonly lstm?: LstmTrainReport;
}

export function toHistory(s: Series, limits?: Readonly<Record<string, number>>): SeriesHistory {
  const given = limits?.[`${s.node}/${s.metric}`];
  const limit = given ?? s.limit;
  return { node: s.node, metric: s.metric, stepMs: s.stepMs, startMs: s.startMs, values: s.values, filled: s.filled, allowNegative: s.allowNegative, notes: s.notes, ...(limit !== undefined ? { limit } : {}), ...(given !== undefined ? { limitGiven: true } : {}), ...(s.bounds !== undefined ? { bounds: s.bounds } : {}) };
}

/** Series grouped by step, shortest step first: each group can be one forecast (one time axis). */
export function groupByStep(series: readonly Series[]): Array<{ readonly stepMs: number; readonly series: Series[] }> {
  const groups = new Map<number, Series[]>();
  for (const s of series) groups.set(s.stepMs, [...(groups.get(s.stepMs) ?? []), s]);
  return [...groups].sort((a, b) => a[0] - b[0]).map(([stepMs, ss]) => ({ stepMs, series: ss }));
}

export async function forecastTelemetry(series: readonly Series[], o: TelemetryForecastOptions, pool: PoolOptions = {}): Promise<TelemetryForecast> {
  if (series.length === 0) throw new SeriesSetError('no series to forecast', 'empty');
  const stepMs = series[0]!.stepMs;
  const odd = series.find((s) => s.stepMs !== stepMs);
  if (odd) throw new SeriesSetError(`${odd.file}: series ${odd.node}/${odd.metric} has a step of ${odd.stepMs / 1000} s but ${series[0]!.node}/${series[0]!.metric} has ${stepMs / 1000} s; one forecast needs one step: resample them to one (shadowcast forecast --resample STEP) or let forecast write one folder per step`, 'step');
  const ends = series.map((s) => s.startMs + (s.values.length - 1) * stepMs);
  const lastEnd = Math.max(...ends);
  const h = horizonSteps(o.horizon, stepMs);
  const lags = ends.map((e) => Math.round((lastEnd - e) / stepMs));
  const latest = ends.indexOf(lastEnd);
  lags.forEach((lag, i) => {
    if (lag > h) {
      const s = series[i]!, l = series[latest]!;
      throw new SeriesSetError(`${s.file}: series ${s.node}/${s.metric} ends ${lag} steps before ${l.node}/${l.metric} (${new Date(ends[i]!).toISOString()} vs ${new Date(lastEnd).toISOString()}), more than the horizon of ${h} steps: forecast them separately`, 'ends');
    }
  });
  series.forEach((s, i) => {
    if (h + lags[i]! > s.values.length) throw new SeriesSetError(`${s.file}: series ${s.node}/${s.metric} has ${s.values.length} points, fewer than the horizon of ${h + lags[i]!} steps; shorten the horizon or give more history`, 'horizon');
  });
  const offGrid = ends.map((e) => Math.abs((lastEnd - e) / stepMs - Math.round((lastEnd - e) / stepMs)) > 1e-9);
  const histories = series.map((s) => toHistory(s, o.limits));

  let lstm: GlobalLstm | undefined;
  let report: LstmTrainReport | undefined;
  if (o.model === 'lstm') {
    const { GlobalLstm: Lstm } = await import('./forecasters/lstm.js');
    ({ model: lstm, report } = await Lstm.train(histories, { seed: o.seed, ...o.lstm }));
  }
  try {
    const results: PipelineResult[] = [];
    // Series are grouped by lag so that each group is one parallel call with one horizon.
    const byLag = new Map<number, number[]>();
    lags.forEach((lag, i) => byLag.set(lag, [...(byLag.get(lag) ?? []), i]));
    const all = new Array<PipelineResult>(series.length);
    for (const [lag, idx] of byLag) {
      const rs = await forecastAll(idx.map((i) => histories[i]!), {
        model: o.model, horizon: h + lag, paths: o.paths, seed: o.seed,
        ...(o.period !== undefined ? { period: o.period } : {}), ...(o.candidates ? { candidates: o.candidates } : {}),
        ...(o.calibrate !== undefined ? { calibrate: o.calibrate } : {}), ...(lstm ? { external: lstm } : {}),
      }, lstm ? { ...pool, workers: 0 } : pool);
      rs.forEach((r, j) => {
        const i = idx[j]!;
        const shifted = lag === 0 ? r : dropLeading(r, lag, h, o.paths);
        all[i] = offGrid[i] ? { ...shifted, series: { ...shifted.series, notes: [...shifted.series.notes, `its time grid is offset from the common start by ${(((lastEnd - ends[i]!) / stepMs) % 1).toFixed(2)} step: aligned to the nearest step`] } } : shifted;
      });
    }
    results.push(...all);
    const bundle: ForecastBundle = { startMs: lastEnd + stepMs, stepMs, steps: h, paths: o.paths, seed: o.seed, series: results.map((r) => r.series) };
    return { bundle, results, ...(report ? { lstm: report } : {}) };
  } finally {
    lstm?.dispose();
  }
}

function dropLeading(r: PipelineResult, lag: number, h: number, nPaths: number): PipelineResult {
  const s = r.series;
  const full = h + lag;
  const paths = new Float32Array(nPaths * h);
  for (let p = 0; p < nPaths; p++) paths.set(s.paths.subarray(p * full + lag, (p + 1) * full), p * h);
  const quantiles = new Map([...s.quantiles].map(([q, v]) => [q, v.slice(lag)] as const));
  const series: ForecastSeries = { ...s, quantiles, paths, notes: [...s.notes, `history ends ${lag} steps before the common start: forecast from its own end, first ${lag} steps dropped`] };
  return { ...r, series };
}
