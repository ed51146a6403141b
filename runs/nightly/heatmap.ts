/**
 * The node × hour P(breach) heatmap, from the per-replication, per-window
 * figures of the simulation (twins/flow/summary.ts, replication-major) and
 * the nodes' declared conditions. Replication r breaches node n in hour h when
 * any report window inside that hour has
 *   - worker utilization above the node's SLO utilization, or
 *   - an error rate above its SLO error rate over at least MIN_SLO_SAMPLES
 *     outcomes (the simulator's own rule, so that two requests and one error
 *     are not a 50 % error rate), or
 *   - the node's first failure (any condition: latency, OOM, overflow, ...)
 *     falls in it.
 * Latency breaches after the first failure are not in the window figures
 * (their histograms are pooled over replications), so a latency-only node's
 * later hours can read lower than its true breach rate; docs/nightly.md says so.
 * P(breach) = breaching replications / replications (the same estimator as
 * P(fail), per hour).
 */
import type { Twin } from '../../twins/definition/types.js';
import { MIN_SLO_SAMPLES } from '../../twins/flow/observer.js';
import type { ChunkSummary } from '../../twins/flow/summary.js';
import type { ReportHeatCell } from './report-data.js';

export function breachHeatmap(summary: ChunkSummary, twin: Twin): ReportHeatCell[] {
  const { count: reps, windows: nw, windowSeconds: ws } = summary;
  const hours = Math.max(1, Math.ceil(summary.horizon / 3600 - 1e-9));
  const out: ReportHeatCell[] = [];
  for (const n of summary.nodes) {
    const slo = twin.nodes[twin.indexOf.get(n.id) ?? -1]?.slo ?? null;
    const breached = new Uint8Array(reps * hours);
    for (let r = 0; r < reps; r++) {
      for (let w = 0; w < nw; w++) {
        const i = r * nw + w;
        const span = Math.min(ws, summary.horizon - w * ws);
        const util = n.windows.utilization[i]!, err = n.windows.errorRate[i]!, outcomes = n.windows.throughput[i]! * span;
        const hit = (slo?.utilization != null && util > slo.utilization) || (slo?.errorRate != null && outcomes >= MIN_SLO_SAMPLES && err > slo.errorRate);
        if (hit) breached[r * hours + Math.min(hours - 1, Math.floor((w * ws) / 3600))] = 1;
      }
      const t = n.failTime[r];
      if (t !== null && t !== undefined && Number.isFinite(t)) breached[r * hours + Math.min(hours - 1, Math.floor(t / 3600))] = 1;
    }
    for (let h = 0; h < hours; h++) {
      let k = 0;
      for (let r = 0; r < reps; r++) k += breached[r * hours + h]!;
      out.push({ node: n.id, hour: h, pBreach: reps > 0 ? k / reps : 0 });
    }
  }
  return out;
}
