/** The lines every import report shares: counts of the twin, its entries, its warnings. */
import type { Twin } from '../../../twins/definition/types.js';

/** Counts of a twin for the report: route edges, call edges, fixed paths. */
export function twinCounts(twin: Twin): { nodes: number; routes: number; calls: number; entries: number; paths: number } {
  let routes = 0;
  let calls = 0;
  for (const n of twin.nodes) {
    routes += n.routes.length;
    for (const g of n.callGroups) calls += g.calls.length;
  }
  const paths = twin.entries.reduce((s, e) => s + (e.paths?.length ?? 0), 0);
  return { nodes: twin.nodes.length, routes, calls, entries: twin.entries.length, paths };
}

/** A figure for the report: integers as they are, others to `digits` significant digits. */
export const fmt = (x: number, digits = 4): string => (Number.isInteger(x) ? String(x) : Number(x.toPrecision(digits)).toString());

/** Nodes, edges and entries of a service twin (call graph or trace). */
export function serviceLines(twin: Twin): string[] {
  const c = twinCounts(twin);
  return [
    `  nodes        ${c.nodes} services`,
    `  edges        ${c.calls} call, ${c.routes} route`,
    `  entries      ${c.entries}: ${twin.entries.map((e) => `${twin.nodes[e.node]!.id} at ${arrivalText(e.arrival)}`).join(', ')}`,
  ];
}

/** How an entry's rate is given, in words: a number, a profile's range, or the forecast series that drives it. */
function arrivalText(a: Twin['entries'][number]['arrival']): string {
  if (a.kind === 'constant') return `${fmt(a.rate)} req/s`;
  if (a.kind === 'forecast') return `the forecast of ${a.node}/${a.metric}`;
  let lo = Infinity, hi = -Infinity;
  for (const r of a.rates) { lo = Math.min(lo, r * a.scale); hi = Math.max(hi, r * a.scale); }
  return `${fmt(lo)}-${fmt(hi)} req/s (profile ${a.file}, ${a.rates.length} points)`;
}

export function warningLines(twin: Twin): string[] {
  return [`  warnings     ${twin.warnings.length}`, ...twin.warnings.map((w) => `    - ${w}`)];
}
