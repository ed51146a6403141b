/**
 * Routing of a network twin: connected components (graphology-components) on
 * the router multigraph, shortest paths (graphology-shortest-path) on the
 * simple graph of router pairs, by propagation delay plus 1 us per hop or by
 * hops, and which link direction(s) a hop between two routers uses when
 * parallel links join them.
 */
import { MultiUndirectedGraph, UndirectedGraph } from 'graphology';
import { connectedComponents } from 'graphology-components';
import { dijkstra } from 'graphology-shortest-path';
import type { ZooTopology } from './graphml.js';
import type { LinkInfo } from './links.js';

/** Added to every hop's propagation delay, so that among equal delays the path with fewer hops wins. */
const HOP_PENALTY = 1e-6; // s

/** A link direction a hop may use and the share of the flow it carries. */
export interface HopChoice {
  /** Station id `${a}->${b}#${k}`. */
  readonly station: string;
  readonly share: number;
}

export interface ZooRouting {
  /** Router ids per connected component, largest first (ties: by the first router's file order). */
  readonly components: string[][];
  /** Component index of each router. */
  readonly componentOf: ReadonlyMap<string, number>;
  /** Links at a router (parallel links each counted). */
  degree(router: string): number;
  /** Shortest path (router ids, origin first) from `origin` to every router it reaches. */
  shortestPaths(origin: string): Record<string, string[]>;
  /**
   * The link directions a hop a -> b may use: with `split`, every link
   * joining a and b (file order) with a share proportional to its capacity;
   * otherwise the highest-capacity one (lowest k on ties) with share 1.
   */
  hopChoices(a: string, b: string, split: boolean): HopChoice[];
}

const pairOf = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export function zooRouting(topo: ZooTopology, infos: readonly LinkInfo[], pathMetric: 'delay' | 'hops'): ZooRouting {
  const multi = new MultiUndirectedGraph();
  for (const r of topo.routers) multi.addNode(r.id);
  for (const l of infos) multi.addEdgeWithKey(l.key, l.source, l.target);
  const components = connectedComponents(multi).sort((a, b) => b.length - a.length || topo.routers.findIndex((r) => r.id === a[0]) - topo.routers.findIndex((r) => r.id === b[0]));
  const componentOf = new Map<string, number>();
  components.forEach((c, i) => c.forEach((id) => componentOf.set(id, i)));

  // Per router pair its links (file order) and the best one; the simple graph keeps the lightest edge of a pair.
  const best = new Map<string, LinkInfo>();
  const members = new Map<string, LinkInfo[]>();
  const simple = new UndirectedGraph<Record<string, never>, { w: number }>();
  for (const r of topo.routers) simple.addNode(r.id);
  for (const l of infos) {
    const pair = pairOf(l.source, l.target);
    members.set(pair, [...(members.get(pair) ?? []), l]);
    const cur = best.get(pair);
    if (!cur || l.capacity > cur.capacity || (l.capacity === cur.capacity && l.k < cur.k)) best.set(pair, l);
    const w = pathMetric === 'hops' ? 1 : l.delay + HOP_PENALTY;
    if (simple.hasEdge(l.source, l.target)) {
      const e = simple.edge(l.source, l.target)!;
      if (w < simple.getEdgeAttribute(e, 'w')) simple.setEdgeAttribute(e, 'w', w);
    } else simple.addEdge(l.source, l.target, { w });
  }

  return {
    components,
    componentOf,
    degree: (router) => multi.degree(router),
    shortestPaths: (origin) => dijkstra.singleSource(simple, origin, 'w'),
    hopChoices: (a, b, split) => {
      const pair = pairOf(a, b);
      if (!split) return [{ station: `${a}->${b}#${best.get(pair)!.k}`, share: 1 }];
      const ls = members.get(pair)!;
      const total = ls.reduce((t, l) => t + l.capacity, 0);
      return ls.map((l) => ({ station: `${a}->${b}#${l.k}`, share: l.capacity / total }));
    },
  };
}
