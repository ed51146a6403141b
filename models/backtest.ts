/**
 * Rolling-origin backtest of the whole pipeline against seasonal naive:
 * origins at n - h, n - 2h, ... (K windows of h steps at the end of the
 * series); at each, the pipeline sees only the history before the origin.
 * Per series: MASE, scaled pinball loss and 80/95 % coverage for the model
 * and for seasonal naive; overall: their means over series.
 */
import type { MetricSummary, WindowScore } from './metrics.js';
import { maseScale, scoreWindow, summarise } from './metrics.js';
import { forecastHistory } from './pipeline.js';
import type { ModelChoice, PipelineOptions, SeriesHistory } from './pipeline.js';
import { detectSeasonality } from './seasonality.js';

export interface BacktestOptions extends Omit<PipelineOptions, 'model'> {
  readonly model: ModelChoice;
  /** Outer rolling origins (default 4). */
  readonly windows?: number;
}

export interface SeriesBacktest {
  readonly node: string;
  readonly metric: string;
  readonly model: SeriesModelSummary;
  readonly baseline: SeriesModelSummary;
  /** model MASE / seasonal naive MASE (below 1: better than the baseline). */
  readonly relativeMase: number;
  readonly notes: readonly string[];
}

export interface SeriesModelSummary extends MetricSummary {
  /** Models used at each origin (auto may change its mind). */
  readonly used: readonly string[];
  /** The score of each window, earliest origin first (for comparisons on a subset of origins). */
  readonly scores: readonly WindowScore[];
}

export async function backtestSeries(s: SeriesHistory, opts: BacktestOptions): Promise<SeriesBacktest> {
  const h = opts.horizon;
  const windows = opts.windows ?? 4;
  const n = s.values.length;
  if (n - windows * h < 3) throw new RangeError(`series ${s.node}/${s.metric}: ${n} points cannot hold ${windows} backtest windows of ${h} steps`);
  const modelScores: WindowScore[] = [], baseScores: WindowScore[] = [];
  const used: string[] = [], baseUsed: string[] = [];
  const notes: string[] = [];
  for (let j = windows; j >= 1; j--) {
    const o = n - j * h;
    const hist: SeriesHistory = { ...s, values: s.values.slice(0, o), notes: [] };
    const actual = s.values.subarray(o, o + h);
    const m = detectSeasonality(hist.values, s.stepMs, opts.period).period;
    const scale = maseScale(hist.values, m);
    const a = await forecastHistory(hist, { ...opts, model: opts.model });
    const b = await forecastHistory(hist, { ...opts, model: 'snaive' });
    modelScores.push(scoreWindow(actual, a.series.quantiles, scale));
    baseScores.push(scoreWindow(actual, b.series.quantiles, scale));
    used.push(a.series.model);
    baseUsed.push(b.series.model);
    if (j === 1) notes.push(...a.series.notes);
  }
  const model = { ...summarise(modelScores), used, scores: modelScores };
  const baseline = { ...summarise(baseScores), used: baseUsed, scores: baseScores };
  return { node: s.node, metric: s.metric, model, baseline, relativeMase: model.mase / baseline.mase, notes };
}

export interface BacktestSummary {
  readonly series: number;
  readonly model: MetricSummary;
  readonly baseline: MetricSummary;
  /** mean model MASE / mean seasonal naive MASE. */
  readonly relativeMase: number;
}

export function summariseBacktests(results: readonly SeriesBacktest[]): BacktestSummary {
  const avg = (f: (r: SeriesBacktest) => number) => results.reduce((a, r) => a + f(r), 0) / Math.max(1, results.length);
  const part = (pick: (r: SeriesBacktest) => MetricSummary): MetricSummary => ({
    mase: avg((r) => pick(r).mase), pinball: avg((r) => pick(r).pinball), cover80: avg((r) => pick(r).cover80), cover95: avg((r) => pick(r).cover95),
    windows: results.reduce((a, r) => a + pick(r).windows, 0),
  });
  const model = part((r) => r.model);
  const baseline = part((r) => r.baseline);
  return { series: results.length, model, baseline, relativeMase: model.mase / baseline.mase };
}
