/**
 * The mitigation comparison: every evaluated candidate as a point of the
 * risk (worst node's P(fail) upper bound) against cost plane, the Pareto
 * front joined by a step line, the chosen candidate ringed and named, the
 * risk threshold as a dashed rule.
 */
import type { ReportMitigation } from '../../nightly/report-data.js';
import { CHART_CONFIG, CHART_WIDTH, probabilityAxisMax, type VegaLiteSpec } from './common.js';

export type ParetoInput = Pick<ReportMitigation, 'id' | 'riskHi' | 'cost' | 'verdict' | 'pareto' | 'chosen'>;

export function paretoChartSpec(candidates: readonly ParetoInput[], threshold: number, costUnit = 'cost'): VegaLiteSpec {
  const values = candidates.map((c) => ({ id: c.id, riskHi: c.riskHi, cost: c.cost, verdict: c.verdict, pareto: c.pareto, front: c.pareto ? 'on the front' : 'dominated', chosen: c.chosen }));
  const front = values.filter((v) => v.pareto).sort((a, b) => a.cost - b.cost || b.riskHi - a.riskHi);
  const chosen = values.filter((v) => v.chosen);
  const yMax = probabilityAxisMax([...values.map((v) => v.riskHi), threshold]);
  const x = { field: 'cost', type: 'quantitative' as const, title: costUnit };
  const y = { field: 'riskHi', type: 'quantitative' as const, scale: { domain: [0, yMax], clamp: true }, axis: { format: '.0%' }, title: 'worst P(fail) upper bound' };
  return {
    width: CHART_WIDTH,
    height: 260,
    config: CHART_CONFIG,
    layer: [
      { data: { values: front }, mark: { type: 'line', interpolate: 'step-after', color: '#888', strokeDash: [2, 2] }, encoding: { x, y } },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x, y,
          color: { field: 'verdict', type: 'nominal', scale: { domain: ['better', 'inconclusive', 'worse'], range: ['#2ca02c', '#bcbd22', '#d62728'] }, title: 'verdict' },
          shape: { field: 'front', type: 'nominal', scale: { domain: ['on the front', 'dominated'], range: ['diamond', 'circle'] }, title: 'Pareto' },
        },
      },
      { data: { values: chosen }, mark: { type: 'point', filled: false, size: 320, strokeWidth: 2.5, color: '#000' }, encoding: { x, y } },
      { data: { values: chosen }, mark: { type: 'text', align: 'left', dx: 12, dy: -10, fontWeight: 'bold' }, encoding: { x, y, text: { field: 'id' } } },
      { data: { values: [{ threshold }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#d62728' }, encoding: { y: { ...y, field: 'threshold' } } },
    ],
  };
}
