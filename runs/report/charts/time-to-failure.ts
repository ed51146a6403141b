/**
 * "Time until full": the nodes that failed in some replications, soonest
 * median first, with the P10–P90 range of their time to first failure in
 * hours from the start of the horizon.
 */
import type { ReportNodeRisk } from '../../nightly/report-data.js';
import { CHART_CONFIG, CHART_WIDTH, ROW_STEP, type VegaLiteSpec } from './common.js';

export type TimeToFailureInput = Pick<ReportNodeRisk, 'node' | 'timeToFailure'>;
export interface RankedTimeToFailure {
  readonly node: string;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/** Nodes with a time to failure, by P50 then P10 ascending; ties by name. */
export function rankTimeToFailure(nodes: readonly TimeToFailureInput[]): RankedTimeToFailure[] {
  const out: RankedTimeToFailure[] = [];
  for (const n of nodes) if (n.timeToFailure) out.push({ node: n.node, ...n.timeToFailure });
  return out.sort((a, b) => a.p50 - b.p50 || a.p10 - b.p10 || a.node.localeCompare(b.node));
}

export function timeToFailureSpec(ranked: readonly RankedTimeToFailure[], horizonSeconds: number): VegaLiteSpec {
  const values = ranked.map((r) => ({ node: r.node, p10: r.p10 / 3600, p50: r.p50 / 3600, p90: r.p90 / 3600 }));
  const hours = horizonSeconds / 3600;
  const x = { type: 'quantitative' as const, scale: { domain: [0, hours], clamp: true }, title: 'hours from the start (P10–P90, dot P50)' };
  const y = { field: 'node', type: 'nominal' as const, sort: ranked.map((r) => r.node), title: null };
  return {
    width: CHART_WIDTH,
    height: { step: ROW_STEP },
    config: CHART_CONFIG,
    data: { values },
    layer: [
      { mark: { type: 'rule', strokeWidth: 2, color: '#e6550d', opacity: 0.6 }, encoding: { y, x: { ...x, field: 'p10' }, x2: { field: 'p90' } } },
      { mark: { type: 'point', filled: true, size: 50, color: '#a63603' }, encoding: { y, x: { ...x, field: 'p50' } } },
    ],
  };
}
