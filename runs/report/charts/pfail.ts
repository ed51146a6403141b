/**
 * P(fail) per node, highest first: the mean as a dot, the interval as a
 * whisker, the risk threshold as a dashed rule, and the condition that most
 * often triggered first written to the right of each row.
 */
import type { ReportNodeRisk } from '../../nightly/report-data.js';
import { CHART_CONFIG, CHART_WIDTH, probabilityAxisMax, ROW_STEP, type VegaLiteSpec } from './common.js';

export type PFailInput = Pick<ReportNodeRisk, 'node' | 'pFail' | 'mainCondition'>;

/** Nodes by P(fail): mean, then upper bound, descending; ties by name so the order is stable. */
export function sortByRisk<T extends PFailInput>(nodes: readonly T[]): T[] {
  return [...nodes].sort((a, b) => b.pFail.mean - a.pFail.mean || b.pFail.hi - a.pFail.hi || a.node.localeCompare(b.node));
}

export function pFailChartSpec(nodes: readonly PFailInput[], threshold: number, level: number): VegaLiteSpec {
  const sorted = sortByRisk(nodes);
  const values = sorted.map((n) => ({
    node: n.node, mean: n.pFail.mean, lo: n.pFail.lo, hi: n.pFail.hi,
    condition: n.mainCondition ?? '',
    status: n.pFail.hi > threshold ? 'at risk' : 'below threshold',
  }));
  const xMax = probabilityAxisMax([...values.map((v) => v.hi), threshold]);
  const y = { field: 'node', type: 'nominal' as const, sort: sorted.map((n) => n.node), title: null };
  const x = { type: 'quantitative' as const, scale: { domain: [0, xMax], clamp: true }, axis: { format: '.0%' }, title: `P(fail) with ${Math.round(level * 100)} % interval` };
  return {
    width: CHART_WIDTH,
    height: { step: ROW_STEP },
    config: CHART_CONFIG,
    data: { values },
    layer: [
      { mark: { type: 'rule', strokeWidth: 1.5, color: '#666' }, encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' } } },
      {
        mark: { type: 'point', filled: true, size: 50 },
        encoding: {
          y, x: { ...x, field: 'mean' },
          color: { field: 'status', type: 'nominal', scale: { domain: ['at risk', 'below threshold'], range: ['#d62728', '#4c78a8'] }, title: null, legend: { orient: 'top' } },
        },
      },
      { mark: { type: 'text', align: 'left', dx: 6, fontSize: 10, color: '#333' }, encoding: { y, x: { value: CHART_WIDTH }, text: { field: 'condition' } } },
      {
        data: { values: [{ threshold }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#d62728' },
        encoding: { x: { ...x, field: 'threshold' } },
      },
    ],
  };
}
