/**
 * The figures of a screened run (pure): nodes simulated in full take the
 * reduced run's figures; screened nodes take the pilot's (full fidelity, few
 * replications), whose replication count their rows carry. Entries come from
 * the reduced run.
 */
import type { RiskReport } from '../risk.js';

export function mergeScreened(reduced: RiskReport, pilot: RiskReport, screened: readonly boolean[]): RiskReport {
  const screenedIds = new Set(pilot.nodes.filter((_, i) => screened[i]).map((n) => n.id));
  const order = new Map(reduced.nodes.map((n, i) => [n.id, i]));
  return {
    ...reduced,
    nodes: reduced.nodes.map((n, i) => (screened[i] ? pilot.nodes[i]! : n)),
    windows: [...reduced.windows.filter((w) => !screenedIds.has(w.node)), ...pilot.windows.filter((w) => screenedIds.has(w.node))]
      .sort((a, b) => (order.get(a.node)! - order.get(b.node)!) || a.window - b.window),
  };
}
