/**
 * Fills the report's data contract (report-data.ts) from what the nightly
 * computed: the forecast bundle and the history it came from, the risk
 * report, the heatmap, the mitigation candidates, the calibration scores and
 * the comparison with last night.
 */
import type { ForecastBundle } from '../../models/forecast.js';
import type { Series } from '../../models/telemetry/series.js';
import type { Twin } from '../../twins/definition/types.js';
import type { RiskReport } from '../../twins/risk.js';
import { REPORT_DATA_FORMAT, type NightlyReportData, type ReportCalibrationNight, type ReportChange, type ReportForecast, type ReportHeatCell, type ReportMitigation, type ReportMitigationSummary, type ReportNodeRisk, type ReportTopology } from './report-data.js';

/** History shown before each fan: two days, or the horizon if longer (enough to see the daily cycle, small enough for the 2 MB report). */
const HISTORY_SECONDS = 2 * 86_400;

const iso = (ms: number) => new Date(ms).toISOString();

export function forecastSections(bundle: ForecastBundle, history: readonly Series[]): ReportForecast[] {
  return bundle.series.map((s) => {
    const h = history.find((x) => x.node === s.node && x.metric === s.metric);
    const keep = h ? Math.min(h.values.length, Math.ceil(Math.max(HISTORY_SECONDS, bundle.steps * bundle.stepMs / 1000) * 1000 / h.stepMs)) : 0;
    const hist = h ? Array.from(h.values.subarray(h.values.length - keep), (value, i) => ({ time: iso(h.startMs + (h.values.length - keep + i) * h.stepMs), value })) : [];
    const q = (lv: number, k: number) => s.quantiles.get(lv)?.[k] ?? Number.NaN;
    const bands = Array.from({ length: bundle.steps }, (_, k) => ({ time: iso(bundle.startMs + k * bundle.stepMs), p05: q(0.05, k), p25: q(0.25, k), p50: q(0.5, k), p75: q(0.75, k), p95: q(0.95, k) }));
    return { series: `${s.node}/${s.metric}`, unit: s.metric === 'rate' ? 'requests/s' : s.metric, history: hist, bands, model: s.model };
  });
}

/** Riskiest first: by P(fail), then its upper bound, then name. */
export function nodeSections(risk: RiskReport): ReportNodeRisk[] {
  return risk.nodes.map((n) => ({
    node: n.id, pFail: { ...n.pFail }, mainCondition: n.mainCondition, timeToFailure: n.timeToFailure,
    utilization: n.figures.utilization.mean, p99Seconds: n.latency.p99,
  })).sort((a, b) => b.pFail.mean - a.pFail.mean || b.pFail.hi - a.pFail.hi || (a.node < b.node ? -1 : 1));
}

/** Nodes coloured by their P(fail) upper bound; edges are calls and routes, each pair once. */
export function topologySection(twin: Twin, risk: RiskReport): ReportTopology {
  const hi = new Map(risk.nodes.map((n) => [n.id, n.pFail.hi]));
  const edges = new Map<string, { from: string; to: string }>();
  for (const n of twin.nodes) {
    const targets = [...n.callGroups.flatMap((g) => g.calls.map((c) => c.to)), ...n.routes.map((r) => r.to)];
    for (const t of targets) {
      const to = twin.nodes[t]!.id;
      edges.set(`${n.id}\u0000${to}`, { from: n.id, to });
    }
  }
  return { nodes: twin.nodes.map((n) => ({ id: n.id, pFailHi: hi.get(n.id) ?? 0 })), edges: [...edges.values()] };
}

export interface ReportInputs {
  readonly runId: string;
  readonly twin: Twin;
  readonly createdAt: string;
  readonly seed: number;
  readonly threshold: number;
  readonly bundle: ForecastBundle;
  readonly history: readonly Series[];
  readonly risk: RiskReport;
  readonly heatmap: readonly ReportHeatCell[];
  readonly mitigations: readonly ReportMitigation[];
  readonly mitigation?: ReportMitigationSummary;
  readonly calibration: readonly ReportCalibrationNight[];
  readonly changes: readonly ReportChange[] | null;
  readonly warnings: readonly string[];
}

export function buildReportData(i: ReportInputs): NightlyReportData {
  return {
    format: REPORT_DATA_FORMAT,
    run: { id: i.runId, twin: i.twin.name, createdAt: i.createdAt, seed: i.seed, replications: i.risk.replications, horizonSeconds: i.risk.horizon, level: i.risk.level, threshold: i.threshold },
    forecasts: forecastSections(i.bundle, i.history),
    nodes: nodeSections(i.risk),
    heatmap: i.heatmap,
    topology: topologySection(i.twin, i.risk),
    mitigations: i.mitigations,
    ...(i.mitigation ? { mitigation: i.mitigation } : {}),
    calibration: i.calibration,
    changes: i.changes,
    warnings: i.warnings,
  };
}
