/**
 * Piscina worker: runs the per-series pipeline (forecast or backtest) on one
 * series. Results depend only on the task (each series seeds its own stream),
 * so any number of workers gives identical output.
 */
import { backtestSeries } from './backtest.js';
import type { BacktestOptions, SeriesBacktest } from './backtest.js';
import { forecastHistory } from './pipeline.js';
import type { PipelineOptions, PipelineResult, SeriesHistory } from './pipeline.js';

export type FitTask =
  | { readonly kind: 'forecast'; readonly history: SeriesHistory; readonly options: PipelineOptions }
  | { readonly kind: 'backtest'; readonly history: SeriesHistory; readonly options: BacktestOptions };

export type FitResult = PipelineResult | SeriesBacktest;

export default async function runTask(task: FitTask): Promise<FitResult> {
  return task.kind === 'forecast' ? forecastHistory(task.history, task.options) : backtestSeries(task.history, task.options);
}
