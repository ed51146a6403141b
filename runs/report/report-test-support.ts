/**
 * Builds realistic nightly report data for the tests (and for trying the
 * renderer by hand): a shop-like call graph, fan charts with a daily cycle,
 * per-node risk with Wilson-like intervals, an hourly breach heatmap that
 * follows the load, mitigations with a Pareto front, past nights' calibration
 * and last night's changes. Deterministic for a given seed.
 */
import seedrandom from 'seedrandom';
import {
  REPORT_DATA_FORMAT, type NightlyReportData, type ReportChange, type ReportHeatCell, type ReportInterval, type ReportMitigation, type ReportNodeRisk,
} from '../nightly/report-data.js';

export interface FixtureOptions {
  readonly nodes?: number;
  readonly hours?: number;
  readonly forecasts?: number;
  /** History points per forecast, one per stepSeconds. */
  readonly historyPoints?: number;
  readonly stepSeconds?: number;
  readonly mitigations?: number;
  readonly calibrationNights?: number;
  /** False: the first night (changes null). */
  readonly changes?: boolean;
  readonly seed?: number;
}

/** A node name with every character HTML must escape. */
export const NASTY_NODE = `db <primary> & "quoted" 'single'`;

const SHOP = ['frontend', 'cart', 'checkout', 'payment', 'catalog', 'recommend', 'ads', 'shipping', 'currency', NASTY_NODE];
const CONDITIONS = ['utilization > 0.9 for 5m', 'p99 > 500ms for 5m', 'queue full', 'error rate > 5% for 2m', 'OOM'];
const START_MS = Date.UTC(2026, 10, 28, 0, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const round = (x: number, digits = 4) => Number(x.toFixed(digits));

function interval(mean: number, halfWidth: number): ReportInterval {
  return { mean: round(mean), lo: round(Math.max(0, mean - halfWidth)), hi: round(Math.min(1, mean + halfWidth)) };
}

export function nodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i < SHOP.length ? SHOP[i]! : `svc-${String(i).padStart(3, '0')}`));
}

export function buildReportData(options: FixtureOptions = {}): NightlyReportData {
  const o = { nodes: 10, hours: 24, forecasts: 3, historyPoints: 288, stepSeconds: 300, mitigations: 7, calibrationNights: 6, changes: true, seed: 7, ...options };
  const rand = seedrandom(String(o.seed));
  const names = nodeNames(o.nodes);
  const horizonSeconds = o.hours * 3600;
  const threshold = 0.05;

  // Load peaks in the afternoon; a node's risk follows it, scaled by how loaded the node is.
  const daily = (ms: number) => 0.5 + 0.5 * Math.sin(((ms / 3_600_000 - 8) / 24) * 2 * Math.PI);
  const load = names.map((_, i) => (i % 4 === 0 ? 0.6 + 0.35 * rand() : 0.25 * rand()));

  const forecasts = Array.from({ length: o.forecasts }, (_, k) => {
    const base = 100 * (k + 1);
    const value = (ms: number) => base * (0.6 + 0.8 * daily(ms));
    const history = Array.from({ length: o.historyPoints }, (_, i) => {
      const ms = START_MS - (o.historyPoints - i) * o.stepSeconds * 1000;
      return { time: iso(ms), value: round(value(ms) * (1 + 0.08 * (rand() - 0.5)), 2) };
    });
    const steps = Math.round(horizonSeconds / o.stepSeconds);
    const bands = Array.from({ length: steps }, (_, i) => {
      const ms = START_MS + i * o.stepSeconds * 1000;
      const m = value(ms);
      const spread = m * (0.05 + 0.25 * (i / steps));
      return { time: iso(ms), p05: round(m - 1.645 * spread, 2), p25: round(m - 0.674 * spread, 2), p50: round(m, 2), p75: round(m + 0.674 * spread, 2), p95: round(m + 1.645 * spread, 2) };
    });
    return { series: `${names[k % names.length]}:rate`, unit: 'requests/s', history, bands, model: k % 2 ? 'mstl(24h)' : 'ets(AAA, 24h)' };
  });

  const nodes: ReportNodeRisk[] = names.map((node, i) => {
    const p = load[i]! > 0.6 ? round(0.02 + 0.5 * (load[i]! - 0.6) / 0.35 * rand()) : round(0.02 * rand() * rand());
    const failed = p > 0.01;
    const p50 = horizonSeconds * (0.3 + 0.5 * rand());
    return {
      node,
      pFail: interval(p, 0.01 + Math.sqrt(p * (1 - p) / 400) * 1.96),
      mainCondition: failed ? CONDITIONS[i % CONDITIONS.length]! : null,
      timeToFailure: failed ? { p10: round(p50 * 0.6, 0), p50: round(p50, 0), p90: round(Math.min(horizonSeconds, p50 * 1.3), 0) } : null,
      utilization: i === 1 ? null : round(Math.min(0.99, load[i]! + 0.1)),
      p99Seconds: i === 2 ? null : round(0.02 + 0.5 * load[i]! * rand()),
    };
  });

  const heatmap: ReportHeatCell[] = names.flatMap((node, i) => Array.from({ length: o.hours }, (_, hour) => ({
    node, hour, pBreach: round(Math.min(1, load[i]! ** 3 * daily(START_MS + hour * 3_600_000) * (0.7 + 0.6 * rand()))),
  })));

  // A call graph: the front calls a few, each layer calls the next, one call back closes a cycle.
  const edges: { from: string; to: string }[] = [];
  for (let i = 1; i < names.length; i++) edges.push({ from: names[Math.floor((i - 1) / 3)]!, to: names[i]! });
  if (names.length > 4) edges.push({ from: names[4]!, to: names[1]! }, { from: names[1]!, to: names[names.length - 1]! });
  const topology = { nodes: nodes.map((n) => ({ id: n.node, pFailHi: n.pFail.hi })), edges };

  const worst = Math.max(...nodes.map((n) => n.pFail.hi));
  const mitigations: ReportMitigation[] = Array.from({ length: o.mitigations }, (_, k) => {
    const cost = round(2 + 4 * k + 3 * rand(), 2);
    const riskHi = round(Math.min(1, Math.max(0.005, worst * Math.exp(-k / 2) * (0.8 + 0.4 * rand()) * (k % 3 === 2 ? 2.5 : 1))));
    return { id: `m${k + 1}`, description: `scale ${names[k % names.length]} to ${k + 2} replicas`, riskHi, cost, costUnit: 'USD', verdict: riskHi < worst * 0.8 ? 'better' : k % 2 ? 'inconclusive' : 'worse', pareto: false, chosen: false };
  });
  // The front: no other candidate is at least as cheap and at least as safe.
  const marked = mitigations.map((m) => ({ ...m, pareto: !mitigations.some((n) => n !== m && n.cost <= m.cost && n.riskHi <= m.riskHi && (n.cost < m.cost || n.riskHi < m.riskHi)) }));
  const cheapestSafe = marked.filter((m) => m.pareto && m.riskHi <= threshold).sort((a, b) => a.cost - b.cost)[0];
  const withChoice = marked.map((m) => ({ ...m, chosen: m === cheapestSafe }));

  const calibration = Array.from({ length: o.calibrationNights }, (_, n) => forecasts.map((f) => ({
    night: iso(START_MS - (o.calibrationNights - n) * 86_400_000).slice(0, 10),
    series: f.series,
    coverage80: round(Math.min(1, 0.72 + 0.16 * rand())),
    coverage95: round(Math.min(1, 0.88 + 0.1 * rand())),
    mase: n === 0 ? null : round(0.6 + 0.5 * rand(), 3),
  }))).flat();

  const changes: ReportChange[] | null = o.changes
    ? nodes.map((n, i) => {
      const before = i === 0 ? null : interval(Math.max(0, n.pFail.mean + (i % 3 === 0 ? 0.08 : i % 3 === 1 ? -0.06 : 0.001)), 0.02);
      const change: ReportChange['change'] = before === null ? 'new risk'
        : before.lo > n.pFail.hi ? (n.pFail.hi <= threshold ? 'resolved' : 'lower')
        : before.hi < n.pFail.lo ? 'higher' : 'same';
      return { node: n.node, before, now: n.pFail, change };
    })
    : null;

  return {
    format: REPORT_DATA_FORMAT,
    run: { id: `night-${iso(START_MS).slice(0, 10)}-${o.seed}`, twin: 'shop & <friends>', createdAt: iso(START_MS), seed: o.seed, replications: 400, horizonSeconds, level: 0.95, threshold },
    forecasts, nodes, heatmap, topology, mitigations: withChoice, calibration, changes,
    warnings: ['telemetry for "ads" has a 2h gap <filled by interpolation>', 'forecast of cart:rate fell back to seasonal naive'],
  };
}
