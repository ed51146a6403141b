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
import { wilsonInterval } from '../../engine/index.js';
import { zOf } from '../../twins/mitigation/evaluate-stats.js';

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

/** Last night as the comparison needs it: its node risk, its replication count and its interval level (null: recorded before the store kept it). */
export interface NightBefore {
  readonly nodes: readonly NodeRiskRecord[];
  readonly replications: number;
  readonly level: number | null;
}

/**
 * How each node's P(fail) moved since `before` (null: the first night). A
 * change is claimed only on evidence: each night's failure count gives a
 * Wilson interval at tonight's level (tonight's is the one reported), and
 * only intervals that do not overlap are "higher" or "lower" ("new risk" or
 * "resolved" when the upper bound also crossed the threshold), so noise
 * between nights is not reported as change, and 0 failures against 0
 * failures never is. Otherwise a node is "same"; "bound moved" when its
 * upper bound crossed the threshold without such evidence (the replication
 * count or the level changed, or noise); "levels differ" when last night's
 * interval was at another level than tonight's.
 */
export function changesSince(
  before: NightBefore | null,
  now: ReadonlyArray<{ node: string; pFail: ReportInterval; failures: number; replications: number }>,
  threshold: number,
  level: number,
): ReportChange[] | null {
  if (before === null) return null;
  const z = zOf(level);
  const levelsDiffer = before.level !== null && Math.abs(before.level - level) > 1e-12;
  return now.map(({ node, pFail, failures, replications }) => {
    const b = before.nodes.find((r) => r.node === node);
    const prev: ReportInterval | null = b ? { mean: b.pFail, lo: b.lo, hi: b.hi } : null;
    const isRisk = pFail.hi > threshold;
    if (b === undefined || prev === null) return { node, before: null, now: pFail, change: isRisk ? 'new risk' : 'same' };
    const wasRisk = prev.hi > threshold;
    // Both nights at tonight's level, from their counts: the comparison never mixes levels.
    const then = wilsonInterval(Math.round(b.pFail * before.replications), before.replications, z);
    const tonight = wilsonInterval(failures, replications, z);
    let change: ReportChange['change'];
    if (tonight.lo > then.hi) change = isRisk && !wasRisk ? 'new risk' : 'higher';
    else if (tonight.hi < then.lo) change = wasRisk && !isRisk ? 'resolved' : 'lower';
    else if (isRisk !== wasRisk) change = 'bound moved';
    else if (levelsDiffer) change = 'levels differ';
    else change = 'same';
    return { node, before: prev, now: pFail, change };
  });
}
