/**
 * The topology coloured by risk: nodes at their layered positions
 * (topology-layout.ts), callers left of callees, each filled by its P(fail)
 * upper bound on the fixed [0, 1] risk scale and ringed when above the
 * threshold; calls as grey lines.
 */
import type { ReportTopology } from '../../nightly/report-data.js';
import { CHART_CONFIG, CHART_WIDTH, RISK_SCHEME, type VegaLiteSpec } from './common.js';
import { layeredLayout } from './topology-layout.js';

/** Vertical room per node of the widest layer, in pixels. */
const ROW_HEIGHT = 40;

export function topologyChartSpec(topology: ReportTopology, threshold: number): VegaLiteSpec {
  const layout = layeredLayout(topology);
  const risk = new Map(topology.nodes.map((n) => [n.id, n.pFailHi]));
  const half = Math.max(0.5, (layout.widest - 1) / 2);
  const x = { type: 'quantitative' as const, axis: null, scale: { domain: [-0.4, Math.max(1, layout.layers - 1) + 0.4], nice: false } };
  const y = { type: 'quantitative' as const, axis: null, scale: { domain: [-half - 0.6, half + 0.6], nice: false } };
  const nodes = layout.nodes.map((n) => {
    const pFailHi = risk.get(n.id) ?? 0;
    return { ...n, pFailHi, status: pFailHi > threshold ? 'at risk' : 'below threshold' };
  });
  return {
    width: CHART_WIDTH,
    height: Math.max(160, layout.widest * ROW_HEIGHT),
    config: CHART_CONFIG,
    layer: [
      {
        data: { values: layout.edges.map((e) => ({ ...e })) },
        mark: { type: 'rule', color: '#9a9a9a', strokeWidth: 1 },
        encoding: { x: { ...x, field: 'x' }, y: { ...y, field: 'y' }, x2: { field: 'x2' }, y2: { field: 'y2' } },
      },
      {
        data: { values: nodes },
        mark: { type: 'point', filled: true, size: 260, opacity: 1 },
        encoding: {
          x: { ...x, field: 'x' },
          y: { ...y, field: 'y' },
          color: { field: 'pFailHi', type: 'quantitative', scale: { domain: [0, 1], scheme: RISK_SCHEME }, legend: { format: '.0%' }, title: 'P(fail) upper' },
          stroke: { field: 'status', type: 'nominal', scale: { domain: ['at risk', 'below threshold'], range: ['#000000', '#bbbbbb'] }, title: null },
          strokeWidth: { condition: { test: `datum.pFailHi > ${threshold}`, value: 2.5 }, value: 1 },
        },
      },
      {
        data: { values: nodes },
        mark: { type: 'text', dy: 16, fontSize: 10, baseline: 'top', color: '#222' },
        encoding: { x: { ...x, field: 'x' }, y: { ...y, field: 'y' }, text: { field: 'id' } },
      },
    ],
  };
}
