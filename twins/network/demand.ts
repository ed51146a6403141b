/**
 * Destination tables of a routed network: for every origin router, the
 * routers its packets go to and their cumulative shares, from the traffic rule
 * (gravity: weight(o, d) = w_o * w_d for d != o; rows: the row's rate). Pairs
 * with weight but no route are counted and named in a warning with their share
 * of the rule's total weight: that traffic is offered by no entry, never
 * silently spread over the other destinations without saying so.
 */
import type { Problems } from '../definition/errors.js';
import type { NetworkRouting, NetworkSpec } from '../definition/types.js';
import type { NetworkNode } from './build.js';
import type { ForwardingTables, LinkArrays } from './routing.js';

/** The destination part of a twin's NetworkRouting, and the warnings about unroutable traffic. */
export interface DestinationTables extends Pick<NetworkRouting, 'destStart' | 'destNode' | 'destCum' | 'unroutablePairs' | 'unroutableShare'> {
  readonly warnings: string[];
  /** Origin routers (router numbers) that have traffic under the rule but no route to any of its destinations: cut off. */
  readonly cutOff: readonly number[];
}

/** Pair weights as a dense R x R matrix (origin-major), or null after problems. */
export function pairWeights(spec: NetworkSpec, links: LinkArrays, routerOf: Int32Array, indexOf: ReadonlyMap<string, number>, nodes: readonly NetworkNode[], p: Problems): Float64Array | null {
  const R = links.routers;
  const before = p.size;
  const router = (at: (string | number)[], id: string): number => {
    const i = indexOf.get(id);
    if (i === undefined || routerOf[i]! < 0) {
      p.at(at, i === undefined ? `unknown router ${JSON.stringify(id)}` : `${JSON.stringify(id)} is a ${nodes[i]!.kind}: expected a router`);
      return -1;
    }
    return routerOf[i]!;
  };
  const w = new Float64Array(R * R);
  const t = spec.traffic;
  if (t.kind === 'gravity') {
    const g = new Float64Array(R);
    if (t.weights === 'uniform') g.fill(1);
    else if (t.weights === 'degree') for (let i = 0; i < links.from.length; i++) g[links.from[i]!]!++;
    else for (const [id, v] of Object.entries(t.weights)) { const r = router(['network', 'traffic', 'gravity', 'weights', id], id); if (r >= 0) g[r] = v; }
    if (p.size > before) return null;
    for (let o = 0; o < R; o++) for (let d = 0; d < R; d++) if (o !== d) w[o * R + d] = g[o]! * g[d]!;
    return w;
  }
  const seen = new Map<number, number>();
  t.rows.forEach(([oid, did, rate], i) => {
    const at = ['network', 'traffic', 'rows', i];
    const o = router([...at, 0], oid);
    const d = router([...at, 1], did);
    if (o < 0 || d < 0) return;
    if (o === d) { p.at([...at, 1], `expected a router other than the origin ${JSON.stringify(oid)}`); return; }
    const first = seen.get(o * R + d);
    if (first !== undefined) { p.at(at, `pair ${JSON.stringify(oid)} -> ${JSON.stringify(did)} given twice (first at rows[${first}])`); return; }
    seen.set(o * R + d, i);
    w[o * R + d] = rate;
  });
  return p.size > before ? null : w;
}

/** The words of the warning about an entry whose router is cut off: how a rebuilt network replaces the loader's warnings. */
export const CUT_OFF_WARNING = 'is cut off: none of its traffic has a route';

/**
 * An entry at a router that has traffic under the rule but a route to none
 * of it (a link failure, or a disconnected topology) offers nothing: its
 * packets would go nowhere. Said once per such entry, never silently.
 */
export function cutOffWarnings(
  entries: readonly { readonly id: string; readonly node: number; readonly paths: unknown }[],
  routing: Pick<NetworkRouting, 'routerOf'>, cutOff: readonly number[], nodes: readonly { readonly id: string }[],
  consequence = 'so the entry offers nothing',
): string[] {
  const cut = new Set(cutOff);
  return entries.filter((e) => e.paths === null && cut.has(routing.routerOf[e.node]!))
    .map((e) => `entry ${JSON.stringify(e.id)}: router ${JSON.stringify(nodes[e.node]!.id)} ${CUT_OFF_WARNING}, ${consequence}`);
}

/** How the unroutable-pairs warning of a twin file ends: that traffic is in no entry's rate. */
export const OFFERED_BY_NO_ENTRY = 'and offered by no entry';

/** The words after the count in the warning about unroutable pairs: how a rebuilt network (a scenario's) replaces the loader's warning. */
export const UNROUTABLE_WARNING = 'ordered router pair(s) with traffic have no route';

export function destinationTables(
  spec: NetworkSpec, links: LinkArrays, tables: ForwardingTables, routerList: readonly number[], routerOf: Int32Array,
  indexOf: ReadonlyMap<string, number>, nodes: readonly NetworkNode[], p: Problems,
): DestinationTables | null {
  const R = links.routers;
  const w = pairWeights(spec, links, routerOf, indexOf, nodes, p);
  if (w === null) return null;
  const destStart = new Int32Array(R + 1);
  const destNode: number[] = [];
  const destCum: number[] = [];
  let total = 0;
  let lost = 0;
  let unroutablePairs = 0;
  const examples: string[] = [];
  const cutOff: number[] = [];
  for (let o = 0; o < R; o++) {
    let sum = 0;
    let demand = 0;
    const lo = destNode.length;
    for (let d = 0; d < R; d++) {
      const v = w[o * R + d]!;
      if (!(v > 0)) continue;
      total += v;
      demand += v;
      if (tables.nextHop[d * R + o]! < 0) {
        lost += v;
        unroutablePairs++;
        if (examples.length < 5) examples.push(`${nodes[routerList[o]!]!.id} -> ${nodes[routerList[d]!]!.id}`);
        continue;
      }
      sum += v;
      destNode.push(routerList[d]!);
      destCum.push(sum);
    }
    for (let j = lo; j < destNode.length; j++) destCum[j] = j === destNode.length - 1 ? 1 : destCum[j]! / sum;
    destStart[o + 1] = destNode.length;
    if (demand > 0 && sum === 0) cutOff.push(o);
  }
  const unroutableShare = total > 0 ? lost / total : 0;
  const warnings = unroutablePairs === 0 ? [] : [
    `${unroutablePairs} ${UNROUTABLE_WARNING} (${examples.join(', ')}${unroutablePairs > examples.length ? ', ...' : ''}): ` +
      `${(100 * unroutableShare).toPrecision(3)}% of the traffic rule's weight is unroutable ${OFFERED_BY_NO_ENTRY}`,
  ];
  return { destStart, destNode: Int32Array.from(destNode), destCum: Float64Array.from(destCum), unroutablePairs, unroutableShare, warnings, cutOff };
}
