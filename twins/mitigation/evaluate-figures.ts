/**
 * Per-replication figures of one run (a ChunkSummary and the twin it ran),
 * for the paired comparison: which nodes failed, SLO-violation minutes,
 * requests failed at the entries, and what the run cost. They are read from
 * the columns the flow model already writes (twins/flow/summary.ts); the
 * limits of what those columns can tell are stated at each function.
 */
import type { Twin } from '../definition/types.js';
import type { ChunkSummary, NodeChunk } from '../flow/summary.js';

/** Per replication: did the node fail (some failure condition held after the warm-up)? */
export const failed = (node: NodeChunk): boolean[] => node.failTime.map((t) => t !== null);

/**
 * Per replication: minutes of report windows in which some node breached its
 * SLO. A window counts when a node's window error rate is above its SLO
 * `errorRate`, its window utilization above its SLO `utilization`, or the
 * node's first failure (any condition, p99 latency included) falls in it.
 * The summary keeps no per-replication p99 per window, so a latency breach
 * counts only in the window where it first made the node fail: for latency
 * this is a lower bound on the minutes.
 */
export function sloViolationMinutes(s: ChunkSummary, twin: Twin): number[] {
  const out: number[] = [];
  for (let r = 0; r < s.count; r++) {
    let seconds = 0;
    for (let w = 0; w < s.windows; w++) {
      const start = w * s.windowSeconds, end = Math.min(s.horizon, start + s.windowSeconds);
      const breached = s.nodes.some((n, i) => {
        const slo = twin.nodes[i]!.slo;
        const at = r * s.windows + w;
        const t = n.failTime[r];
        if (t !== null && t !== undefined && t >= start && (t < end || (w === s.windows - 1 && t <= end))) return true;
        if (!slo) return false;
        const err = n.windows.errorRate[at]!, util = n.windows.utilization[at]!;
        return (slo.errorRate !== null && err > slo.errorRate) || (slo.utilization !== null && util > slo.utilization);
      });
      if (breached) seconds += end - start;
    }
    out.push(seconds / 60);
  }
  return out;
}

/**
 * Per replication: requests that failed at the entries (summed over entries),
 * arrivals × (1 − success rate). The success rate is over requests that
 * finished, so requests still in flight at the horizon are counted as their
 * finished share. Arrivals a rate limit shed are among them (the chunk's
 * entry `shed` counts those alone).
 */
export function requestsFailed(s: ChunkSummary): number[] {
  const out: number[] = new Array(s.count).fill(0);
  for (const e of s.entries) {
    for (let r = 0; r < s.count; r++) {
      const sr = e.successRate[r]!;
      if (Number.isFinite(sr)) out[r]! += e.arrivals[r]! * (1 - sr);
    }
  }
  return out;
}

/** Cores a replica of node i is charged: its declared cores, else one per worker (a worker without declared resources is taken as a core's worth). */
export const coresPerReplica = (twin: Twin, i: number): number => twin.nodes[i]!.resources?.cores ?? twin.nodes[i]!.servers;

/**
 * Cost over the measured span (horizon − warm-up), mean over replications:
 * replica-hours = Σ nodes meanReplicas × span, core-hours = Σ nodes
 * meanReplicas × cores per replica × span. meanReplicas is time-averaged, so
 * an autoscaler's additions count for the time they ran.
 */
export function runCost(s: ChunkSummary, twin: Twin, warmup: number): { replicaHours: number; coreHours: number } {
  const hours = (s.horizon - warmup) / 3600;
  let replicaHours = 0, coreHours = 0;
  s.nodes.forEach((n, i) => {
    const col = n.metrics.meanReplicas.filter(Number.isFinite);
    const mean = col.length ? col.reduce((a, b) => a + b, 0) / col.length : 0;
    replicaHours += mean * hours;
    coreHours += mean * coresPerReplica(twin, i) * hours;
  });
  return { replicaHours, coreHours };
}

/**
 * Requests answered degraded, mean per replication: a node that skips its
 * optional calls for a share p of its requests (shedOptional) degrades p of
 * its arrivals after the warm-up, counted from the shedding's start `at`
 * (arrivals taken as even over the span: an approximation when `at` falls
 * inside it; the generator's shedding starts at 0).
 */
export function degradedRequests(s: ChunkSummary, twin: Twin, warmup: number): number {
  const span = s.horizon - warmup;
  let total = 0;
  s.nodes.forEach((n, i) => {
    const shed = twin.nodes[i]!.shedOptional;
    if (!shed || span <= 0) return;
    const col = n.metrics.arrivals.filter(Number.isFinite);
    const arrivals = col.length ? col.reduce((a, b) => a + b, 0) / col.length : 0;
    const share = Math.max(0, span - Math.max(0, shed.at - warmup)) / span;
    total += shed.probability * arrivals * share;
  });
  return total;
}
