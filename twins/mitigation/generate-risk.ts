/**
 * Risk anomalies from a simulation's per-node P(fail): a node is at risk when
 * the upper bound of its Wilson interval reaches the threshold (we cannot
 * rule out that it fails that often). Takes the node figures of a risk report
 * (twins/risk.ts) or of a written result (twins/shadow/result.ts): both carry
 * these fields. These are the anomalies the generator works from; the
 * detector of the other sources (exhaustion, shadow, drift) is separate.
 */
import type { Anomaly } from './types.js';

export interface NodeRiskFigures {
  readonly id: string;
  readonly pFail: { readonly mean: number; readonly lo: number; readonly hi: number };
  readonly mainCondition: string | null;
  readonly timeToFailure: { readonly p10: number; readonly p50: number; readonly p90: number } | null;
}

/** critical when even the lower bound reaches the threshold, else warning. In node order. */
export function riskAnomalies(nodes: readonly NodeRiskFigures[], threshold: number): Anomaly[] {
  return nodes.filter((n) => n.pFail.hi >= threshold).map((n): Anomaly => {
    const condition = n.mainCondition;
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    return {
      id: `risk:${n.id}:${condition ?? 'any'}`,
      source: 'risk',
      node: n.id,
      severity: n.pFail.lo >= threshold ? 'critical' : 'warning',
      summary: `${n.id}: P(fail) ${pct(n.pFail.mean)} [${pct(n.pFail.lo)}, ${pct(n.pFail.hi)}]${condition ? ` (${condition})` : ''}, upper bound at or above the threshold ${pct(threshold)}`,
      evidence: { source: 'risk', pFail: { ...n.pFail }, threshold, condition, timeToFailure: n.timeToFailure },
    };
  });
}
