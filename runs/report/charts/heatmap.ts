/**
 * Node × hour heatmap of P(breach): one cell per node and hour of the
 * horizon, coloured on the fixed [0, 1] risk scale; the nodes that breach most
 * come first.
 */
import type { ReportHeatCell } from '../../nightly/report-data.js';
import { CHART_CONFIG, RISK_SCHEME, ROW_STEP, type VegaLiteSpec } from './common.js';

/** Node names by their highest hourly P(breach), descending; ties by name. */
export function nodesByPeakBreach(cells: readonly ReportHeatCell[]): string[] {
  const peak = new Map<string, number>();
  for (const c of cells) peak.set(c.node, Math.max(peak.get(c.node) ?? 0, c.pBreach));
  return [...peak].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([node]) => node);
}

export function breachHeatmapSpec(cells: readonly ReportHeatCell[]): VegaLiteSpec {
  return {
    width: { step: 22 },
    height: { step: ROW_STEP },
    config: CHART_CONFIG,
    data: { values: cells.map((c) => ({ ...c })) },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'hour', type: 'ordinal', title: 'hour of the horizon', axis: { labelAngle: 0 } },
      y: { field: 'node', type: 'nominal', sort: nodesByPeakBreach(cells), title: null },
      color: { field: 'pBreach', type: 'quantitative', scale: { domain: [0, 1], scheme: RISK_SCHEME }, legend: { format: '.0%' }, title: 'P(breach)' },
    },
  };
}
