/**
 * A routed network from its file form, when a twin is read: the link
 * directions checked against the nodes (a station of kind link between two
 * routers, listed once), the routing metric per direction (its own IGP
 * `metric`, else propagation delay plus 1 us per hop, or one per hop; a `down`
 * direction is left out of the routes), the forwarding tables (routing.ts), and
 * the destination table of every origin (demand.ts). Problems go to the
 * caller's collector with their paths; nothing is built when there are any.
 */
import { distributionFromSpec } from '../../engine/index.js';
import type { PathSegments, Problems } from '../definition/errors.js';
import type { NetworkInput } from '../definition/input.js';
import type { NetworkRouting, NetworkSpec, TwinNode } from '../definition/types.js';
import { destinationTables } from './demand.js';
import type { MatrixRow } from './matrix.js';
import { forwardingTables, type ForwardingTables, type LinkArrays } from './routing.js';

/** Added to every hop's propagation delay, so that among equal delays the path with fewer hops wins (and no weight is 0). */
export const HOP_PENALTY = 1e-6; // s

/** What the network needs of a node (a normalized TwinNode has it; importers build these before the twin exists). */
export type NetworkNode = Pick<TwinNode, 'index' | 'id' | 'kind' | 'delay' | 'service' | 'servers' | 'replicas'>;

export interface BuiltNetwork {
  readonly routing: NetworkRouting;
  readonly links: LinkArrays;
  readonly tables: ForwardingTables;
  readonly warnings: string[];
  /** Origin routers (router numbers) with traffic under the rule but a route to none of it (demand.ts). */
  readonly cutOff: readonly number[];
}

/** The spec as the twin keeps it: defaults applied, a matrix file replaced by its rows. */
function specOf(input: NetworkInput, matrix: readonly MatrixRow[] | null): NetworkSpec {
  const t = input.traffic;
  const traffic: NetworkSpec['traffic'] =
    'gravity' in t ? { kind: 'gravity', weights: t.gravity.weights ?? 'uniform' }
    : 'rows' in t ? { kind: 'rows', rows: t.rows.map((r) => [r[0], r[1], r[2]] as const) }
    : { kind: 'rows', rows: matrix ?? [] };
  return {
    metric: input.metric ?? 'delay', ecmp: input.ecmp ?? false, parallel: input.parallel ?? 'split',
    links: input.links.map((l) => ({
      station: l.station, from: l.from, to: l.to,
      // Only when set: a twin without them keeps its spec, and so its content hash.
      ...(l.metric !== undefined ? { metric: l.metric } : {}), ...(l.down === true ? { down: true as const } : {}),
    })),
    traffic,
  };
}

/**
 * Builds the network of a twin whose nodes are already resolved. `matrix`: the
 * rows of `traffic.matrix`, read by the loader (null when not read: a problem).
 */
export function buildNetwork(input: NetworkInput, nodes: readonly NetworkNode[], indexOf: ReadonlyMap<string, number>, p: Problems, matrix: readonly MatrixRow[] | null): BuiltNetwork | null {
  const before = p.size;
  if ('matrix' in input.traffic && matrix === null) {
    p.at(['network', 'traffic', 'matrix'], `traffic matrix ${JSON.stringify(input.traffic.matrix)} was not loaded (read the twin with loadTwinFile)`);
    return null;
  }
  const routerOf = new Int32Array(nodes.length).fill(-1);
  const routerList: number[] = [];
  for (const n of nodes) if (n.kind === 'router') { routerOf[n.index] = routerList.length; routerList.push(n.index); }
  const R = routerList.length;
  const linkTo = new Int32Array(nodes.length).fill(-1);
  const L = input.links.length;
  const from = new Int32Array(L);
  const to = new Int32Array(L);
  const station = new Int32Array(L);
  const weight = new Float64Array(L);
  const capacity = new Float64Array(L);
  const down = new Uint8Array(L);
  const metricSet = new Uint8Array(L);
  const firstAt = new Map<string, number>();
  const metric = input.metric ?? 'delay';
  const router = (at: PathSegments, id: string): number => {
    const i = indexOf.get(id);
    if (i === undefined) { p.at(at, `unknown node id ${JSON.stringify(id)} (expected a router)`); return -1; }
    if (routerOf[i]! < 0) { p.at(at, `${JSON.stringify(id)} is a ${nodes[i]!.kind}: expected a router`); return -1; }
    return routerOf[i]!;
  };
  input.links.forEach((l, k) => {
    const at: PathSegments = ['network', 'links', k];
    const first = firstAt.get(l.station);
    if (first !== undefined) p.at([...at, 'station'], `station ${JSON.stringify(l.station)} listed twice (first at network.links[${first}])`);
    else firstAt.set(l.station, k);
    const s = indexOf.get(l.station);
    const f = router([...at, 'from'], l.from);
    const t = router([...at, 'to'], l.to);
    if (s === undefined) p.at([...at, 'station'], `unknown node id ${JSON.stringify(l.station)} (expected a link station)`);
    else if (nodes[s]!.kind !== 'link') p.at([...at, 'station'], `${JSON.stringify(l.station)} is a ${nodes[s]!.kind}: expected a node of kind link`);
    if (f >= 0 && f === t) p.at([...at, 'to'], `expected a router other than from (${JSON.stringify(l.from)})`);
    if (s === undefined || f < 0 || t < 0 || nodes[s]!.kind !== 'link' || f === t) return;
    const n = nodes[s]!;
    from[k] = f;
    to[k] = t;
    station[k] = s;
    linkTo[s] = routerList[t]!;
    weight[k] = l.metric ?? (metric === 'hops' ? 1 : n.delay + HOP_PENALTY);
    metricSet[k] = l.metric !== undefined ? 1 : 0;
    down[k] = l.down === true ? 1 : 0;
    // Capacity of the direction: its service rate (a station's service is required for kind link).
    capacity[k] = (n.servers * n.replicas) / distributionFromSpec(n.service!, `nodes[${n.index}].service`).mean;
  });
  if (p.size > before) return null;
  const spec = specOf(input, matrix);
  const links: LinkArrays = { routers: R, from, to, station, weight, capacity, down, metricSet };
  const tables = forwardingTables(links, { ecmp: spec.ecmp, parallel: spec.parallel });
  const dest = destinationTables(spec, links, tables, routerList, routerOf, indexOf, nodes, p);
  if (dest === null) return null;
  const routing: NetworkRouting = {
    spec, routers: Int32Array.from(routerList), routerOf, linkTo,
    nextHop: tables.nextHop, choiceStart: tables.choiceStart, choiceStation: tables.choiceStation, choiceCum: tables.choiceCum,
    destStart: dest.destStart, destNode: dest.destNode, destCum: dest.destCum,
    unroutablePairs: dest.unroutablePairs, unroutableShare: dest.unroutableShare,
  };
  return { routing, links, tables, warnings: dest.warnings, cutOff: dest.cutOff };
}
