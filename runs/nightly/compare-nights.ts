/**
 * What a night learns from the one before: how well last night's forecast
 * covered the telemetry that then arrived (coverage of its 80 % and 95 %
 * intervals, MASE of its median, scored like the backtests: models/metrics.ts),
 * and how each node's P(fail) moved. Pure functions over stored records.
 */
import { REQUIRED_QUANTILES, type ForecastSeries } from '../../models/forecast.js';
import { maseScale, scoreWindow } from '../../models/metrics.js';
import type { Series } from '../../models/telemetry/series.js';
import type { NodeRiskRecord, StoredForecast } from '../store/run-store.js';
import type { ReportChange, ReportInterval } from './report-data.js';

/** The quantile levels a later night needs to score a forecast: those scoreWindow reads (the required ones for its pinball loss, and the 95 % bounds). */
export const SCORED_LEVELS: readonly number[] = [...new Set([0.025, ...REQUIRED_QUANTILES, 0.975])].sort((a, b) => a - b);

/** A forecast series as the store keeps it; the MASE scale comes from the history it was made from (daily seasonal difference). */
export function storedForecast(runId: string, s: ForecastSeries, startMs: number, stepMs: number, history: Series): StoredForecast {
  const quantiles: Record<string, number[]> = {};
  for (const q of SCORED_LEVELS) {
    const v = s.quantiles.get(q);
    if (v) quantiles[String(q)] = Array.from(v);
  }
  const period = Math.max(1, Math.round(86_400_000 / stepMs));
  return { runId, series: `${s.node}/${s.metric}`, startMs, stepMs, maseScale: maseScale(history.values, period), quantiles };
}

export interface ForecastScore {
  readonly points: number;
  readonly coverage80: number;
  readonly coverage95: number;
  readonly mase: number | null;
}

/**
 * Scores a stored forecast against the observed series over the steps both
 * cover; points the cleaner filled (gaps) are left out. Null when they share
 * no observed point (the telemetry does not reach into last night's horizon).
 */
export function scoreForecast(f: StoredForecast, actual: Series): ForecastScore | null {
  if (SCORED_LEVELS.some((q) => !f.quantiles[String(q)])) return null;
  const steps = f.quantiles['0.5']!.length;
  const picked: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < steps; k++) {
    const t = f.startMs + k * f.stepMs;
    const i = (t - actual.startMs) / actual.stepMs;
    if (!Number.isInteger(i) || i < 0 || i >= actual.values.length || actual.filled[i]) continue;
    picked.push(k);
    values.push(actual.values[i]!);
  }
  if (picked.length === 0) return null;
  const q = new Map(SCORED_LEVELS.map((lv) => [lv, picked.map((k) => f.quantiles[String(lv)]![k]!)] as const));
  const s = scoreWindow(values, q, f.maseScale);
  return { points: picked.length, coverage80: s.cover80, coverage95: s.cover95, mase: Number.isFinite(s.mase) ? s.mase : null };
}

/**
 * How each node's P(fail) moved since `before` (null: the first night):
 * crossing the threshold (upper bound) is a new risk or a resolved one;
 * otherwise intervals that overlap are "same", and only disjoint ones are
 * "higher" or "lower", so noise between nights is not reported as change.
 */
export function changesSince(before: readonly NodeRiskRecord[] | null, now: ReadonlyArray<{ node: string; pFail: ReportInterval }>, threshold: number): ReportChange[] | null {
  if (before === null) return null;
  return now.map(({ node, pFail }) => {
    const b = before.find((r) => r.node === node);
    const prev: ReportInterval | null = b ? { mean: b.pFail, lo: b.lo, hi: b.hi } : null;
    const wasRisk = prev !== null && prev.hi > threshold, isRisk = pFail.hi > threshold;
    let change: ReportChange['change'];
    if (isRisk && !wasRisk) change = 'new risk';
    else if (wasRisk && !isRisk) change = 'resolved';
    else if (prev === null || (pFail.lo <= prev.hi && prev.lo <= pFail.hi)) change = 'same';
    else change = pFail.lo > prev.hi ? 'higher' : 'lower';
    return { node, before: prev, now: pFail, change };
  });
}
