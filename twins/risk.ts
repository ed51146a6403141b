/**
 * Risk from a Monte Carlo summary: per node, P(fail) = share of replications
 * in which a failure condition held, with a Wilson interval (95 % unless asked), the
 * conditions that triggered, and quantiles of the time of first failure; every
 * other figure as a mean with its Student t interval across replications;
 * per entry, success rate and end-to-end latency quantiles.
 */
import { LogHistogram, confidenceInterval, normalQuantile, wilsonInterval } from '../engine/index.js';
import { FAILURE_CONDITIONS } from './flow/observer.js';
import { NODE_METRICS, WINDOW_METRICS, type ChunkSummary, type NodeMetric, type WindowMetric } from './flow/summary.js';

/** A figure across replications: mean with a 95 % interval (lo/hi null when fewer than two replications had a value). */
export interface Estimate {
  readonly mean: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
  /** Replications that had a value (a node with no traffic has no p99). */
  readonly n: number;
}

export interface NodeRisk {
  readonly id: string;
  readonly pFail: { readonly mean: number; readonly lo: number; readonly hi: number };
  readonly failures: number;
  readonly replications: number;
  /** Replications whose first failure was of each condition. */
  readonly conditions: Readonly<Record<string, number>>;
  /** The condition most often first, or null. */
  readonly mainCondition: string | null;
  /** Quantiles of the time of first failure (seconds from the start), over failing replications. */
  readonly timeToFailure: { readonly p10: number; readonly p50: number; readonly p90: number } | null;
  readonly figures: Readonly<Record<NodeMetric, Estimate>>;
  /** Response-time quantiles pooled over all replications (seconds). */
  readonly latency: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null };
}

export interface EntryRisk {
  readonly id: string;
  readonly successRate: Estimate;
  readonly meanLatency: Estimate;
  readonly p99: Estimate;
  readonly arrivals: Estimate;
  /** Arrivals refused by the entry's rate limit per replication (counted in the failed ones too; 0 without a rate limit). */
  readonly shed: Estimate;
  /** End-to-end latency quantiles pooled over all replications (seconds). */
  readonly latency: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null };
}

export interface WindowRisk {
  readonly node: string;
  readonly window: number;
  readonly start: number;
  readonly end: number;
  readonly figures: Readonly<Record<WindowMetric, Estimate>>;
  readonly latency: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null };
}

export interface RiskReport {
  readonly replications: number;
  /** Confidence level of every interval. */
  readonly level: number;
  readonly horizon: number;
  readonly nodes: readonly NodeRisk[];
  readonly entries: readonly EntryRisk[];
  readonly windows: readonly WindowRisk[];
}

/** Figures that cannot leave [0, 1] or go below 0; their intervals are clipped to that range. */
const PROPORTIONS = new Set(['utilization', 'errorRate', 'successRate']);

export function estimate(values: readonly number[], level = 0.95, kind: 'proportion' | 'nonNegative' | 'any' = 'nonNegative'): Estimate {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { mean: null, lo: null, hi: null, n: 0 };
  if (finite.length === 1) return { mean: finite[0]!, lo: null, hi: null, n: 1 };
  const ci = confidenceInterval(finite, level);
  const min = kind === 'any' ? -Infinity : 0;
  const max = kind === 'proportion' ? 1 : Infinity;
  return { mean: ci.mean, lo: Math.max(min, ci.lo), hi: Math.min(max, ci.hi), n: ci.n };
}

const kindOf = (name: string) => (PROPORTIONS.has(name) ? 'proportion' : 'nonNegative');

function quantiles(h: LogHistogram): { p50: number | null; p95: number | null; p99: number | null } {
  if (h.count === 0) return { p50: null, p95: null, p99: null };
  return { p50: h.quantile(0.5), p95: h.quantile(0.95), p99: h.quantile(0.99) };
}

function empiricalQuantile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** `level`: confidence of every interval (Student t for figures, Wilson for P(fail)). */
export function assessRisk(s: ChunkSummary, level = 0.95): RiskReport {
  const n = s.count;
  const z = normalQuantile(0.5 + level / 2);
  const nodes = s.nodes.map((node): NodeRisk => {
    const times = node.failTime.filter((t): t is number => t !== null).sort((a, b) => a - b);
    const conditions: Record<string, number> = {};
    for (const c of FAILURE_CONDITIONS) conditions[c] = 0;
    for (const c of node.condition) if (c) conditions[c] = (conditions[c] ?? 0) + 1;
    const main = Object.entries(conditions).filter(([, k]) => k > 0).sort((a, b) => b[1] - a[1])[0];
    const w = wilsonInterval(times.length, n, z);
    const figures = Object.fromEntries(NODE_METRICS.map((m) => [m, estimate(node.metrics[m], level, kindOf(m))])) as Record<NodeMetric, Estimate>;
    return {
      id: node.id,
      pFail: { mean: w.p, lo: w.lo, hi: w.hi },
      failures: times.length,
      replications: n,
      conditions,
      mainCondition: main ? main[0] : null,
      timeToFailure: times.length > 0 ? { p10: empiricalQuantile(times, 0.1), p50: empiricalQuantile(times, 0.5), p90: empiricalQuantile(times, 0.9) } : null,
      figures,
      latency: quantiles(LogHistogram.fromJSON(node.hist)),
    };
  });
  const entries = s.entries.map((e): EntryRisk => ({
    id: e.id,
    successRate: estimate(e.successRate, level, 'proportion'),
    meanLatency: estimate(e.meanLatency, level),
    p99: estimate(e.p99, level),
    arrivals: estimate(e.arrivals, level),
    shed: estimate(e.shed, level),
    latency: quantiles(LogHistogram.fromJSON(e.hist)),
  }));
  const windows: WindowRisk[] = [];
  for (const node of s.nodes) {
    for (let w = 0; w < s.windows; w++) {
      const figures = Object.fromEntries(WINDOW_METRICS.map((m) => {
        const col: number[] = [];
        for (let r = 0; r < n; r++) col.push(node.windows[m][r * s.windows + w]!);
        return [m, estimate(col, level, kindOf(m))];
      })) as Record<WindowMetric, Estimate>;
      windows.push({
        node: node.id, window: w, start: w * s.windowSeconds, end: Math.min(s.horizon, (w + 1) * s.windowSeconds),
        figures, latency: quantiles(LogHistogram.fromJSON(node.winHist[w]!)),
      });
    }
  }
  return { replications: n, horizon: s.horizon, level, nodes, entries, windows };
}

/**
 * Nodes whose SLO window is longer than the measured stretch (horizon minus
 * warm-up): no whole SLO window fits, so their conditions can never hold, so their P(fail)
 * is 0 whatever happens. Said as a warning, not left to look like safety.
 */
export function sloWindowWarnings(nodes: readonly { readonly id: string; readonly slo: { readonly window: number } | null }[], horizon: number, warmup = 0): string[] {
  const measured = horizon - warmup;
  const blind = nodes.filter((n) => n.slo !== null && n.slo.window > measured);
  if (blind.length === 0) return [];
  const shown = blind.slice(0, 10).map((n) => `${n.id} (${n.slo!.window} s)`).join(', ');
  return [`the measured stretch of ${measured} s (horizon minus warm-up) is shorter than the SLO window of ${blind.length} node(s): ${shown}${blind.length > 10 ? ', ...' : ''}; their P(fail) is 0 because the condition cannot hold over a whole window, not because they are safe: simulate longer`];
}
