/**
 * Timed changes (a scenario's deltas with `at`) that a run's horizon never
 * reaches: the model schedules nothing past the horizon, so such a change
 * would silently leave the run equal to the base run. Said as a warning, per
 * kind of change, with the times, so a typo in `at` (2h for 2m) shows.
 */
import type { Twin } from '../definition/types.js';

/** One warning per kind of timed change set at or after `horizon` (seconds), listing where and when. */
export function lateChangeWarnings(twin: Twin, horizon: number): string[] {
  const late = (at: number) => at > 0 && at >= horizon;
  const found: { kind: string; where: string; at: number }[] = [];
  for (const e of twin.entries) if (e.rateLimit && late(e.rateLimit.at)) found.push({ kind: 'rateLimit', where: `entry ${JSON.stringify(e.id)}`, at: e.rateLimit.at });
  for (const n of twin.nodes) {
    if (n.shedOptional && late(n.shedOptional.at)) found.push({ kind: 'shedOptional', where: `node ${JSON.stringify(n.id)}`, at: n.shedOptional.at });
    for (const c of n.scaleChanges ?? []) if (late(c.at)) found.push({ kind: 'replicas', where: `node ${JSON.stringify(n.id)}`, at: c.at });
    for (const g of n.callGroups) for (const edge of g.calls) {
      const b = edge.circuitBreaker;
      if (b && late(b.at)) found.push({ kind: 'circuitBreaker', where: `${JSON.stringify(n.id)} -> ${JSON.stringify(twin.nodes[edge.to]!.id)}`, at: b.at });
    }
  }
  for (const c of twin.networkChanges ?? []) if (late(c.at)) found.push({ kind: 'link change (linkDown / linkUp / linkMetric)', where: 'the routed network', at: c.at });
  const kinds = [...new Set(found.map((f) => f.kind))];
  return kinds.map((kind) => {
    const of = found.filter((f) => f.kind === kind);
    const shown = of.slice(0, 5).map((f) => `${f.where} at ${f.at} s`).join(', ');
    return `${of.length} timed ${kind} change(s) at or after the horizon of ${horizon} s never take effect in this run: ${shown}${of.length > 5 ? ', ...' : ''}`;
  });
}
