/**
 * Gravity traffic of a network twin: demand(i, j) proportional to w_i * w_j
 * for every pair of distinct routers of the same connected component, carried
 * on the shortest path; over parallel links a flow is split into path
 * variants in proportion to capacity (at most MAX_VARIANTS per flow, else it
 * takes the best link of each hop). Demands are in relative units until
 * `gravityScale` turns them into packets/s.
 */
import type { ZooTopology } from './graphml.js';
import type { LinkInfo } from './links.js';
import type { NetworkOptions } from './zoo-options.js';
import type { ZooRouting } from './zoo-routing.js';

/** More path variants than this for one flow: the flow takes the best link of each hop instead. */
export const MAX_VARIANTS = 16;

/** One path variant of an origin-destination flow. */
export interface GravityFlow {
  /** `${origin}~${destination}`, with `/j` per variant when the flow is split. */
  readonly id: string;
  /** Relative demand carried by this variant. */
  readonly demand: number;
  /** Router, station, router, ..., router. */
  readonly path: string[];
}

export interface GravityFlows {
  /** Path variants per origin router (origins without flows are absent), routers in file order. */
  readonly byOrigin: ReadonlyMap<string, readonly GravityFlow[]>;
  /** Sum of the relative demands of all flows. */
  readonly unitTotal: number;
  /** Origin-destination flows (before splitting). */
  readonly flows: number;
  readonly flowsSplit: number;
  readonly flowsNotSplit: number;
  /** Relative demand offered to each station. */
  readonly stationLoad: ReadonlyMap<string, number>;
}

function gravityWeight(opts: NetworkOptions, routing: ZooRouting): (router: string) => number {
  return (id) => {
    const w = opts.weights;
    if (w === undefined || w === 'uniform') return 1;
    if (w === 'degree') return routing.degree(id);
    return Object.hasOwn(w, id) ? w[id]! : 0;
  };
}

export function gravityFlows(topo: ZooTopology, routing: ZooRouting, opts: NetworkOptions): GravityFlows {
  const weight = gravityWeight(opts, routing);
  const byOrigin = new Map<string, GravityFlow[]>();
  let unitTotal = 0;
  let flowCount = 0;
  let flowsSplit = 0;
  let flowsNotSplit = 0;
  const splitting = (opts.parallel ?? 'split') === 'split';
  const stationLoad = new Map<string, number>();
  for (const o of topo.routers) {
    const wo = weight(o.id);
    if (wo <= 0) continue;
    const paths = routing.shortestPaths(o.id);
    const list: GravityFlow[] = [];
    for (const d of topo.routers) {
      if (d.id === o.id || routing.componentOf.get(d.id) !== routing.componentOf.get(o.id)) continue;
      const demand = wo * weight(d.id);
      const hops = paths[d.id];
      if (demand <= 0 || !hops) continue;
      let perHop = hops.slice(1).map((h, i) => routing.hopChoices(hops[i]!, h, splitting));
      let variants = perHop.reduce((n, c) => n * c.length, 1);
      if (variants > MAX_VARIANTS) {
        perHop = hops.slice(1).map((h, i) => routing.hopChoices(hops[i]!, h, false));
        variants = 1;
        flowsNotSplit++;
      } else if (variants > 1) flowsSplit++;
      flowCount++;
      unitTotal += demand;
      // Cartesian product of the hop choices, in file order of the links.
      let partial: { path: string[]; share: number }[] = [{ path: [hops[0]!], share: 1 }];
      perHop.forEach((choices, i) => {
        partial = partial.flatMap((v) => choices.map((c) => ({ path: [...v.path, c.station, hops[i + 1]!], share: v.share * c.share })));
      });
      partial.forEach((v, j) => {
        for (let i = 1; i < v.path.length; i += 2) stationLoad.set(v.path[i]!, (stationLoad.get(v.path[i]!) ?? 0) + demand * v.share);
        list.push({ id: variants === 1 ? `${o.id}~${d.id}` : `${o.id}~${d.id}/${j}`, demand: demand * v.share, path: v.path });
      });
    }
    if (list.length > 0) byOrigin.set(o.id, list);
  }
  return { byOrigin, unitTotal, flows: flowCount, flowsSplit, flowsNotSplit, stationLoad };
}

export interface GravityScale {
  /** Packets/s per unit of relative demand (0 when there is no flow). */
  readonly scale: number;
  /** The busiest link direction and its utilization per unit of scale. */
  readonly busiestUnit: { readonly station: string; readonly utilization: number };
}

/** Scales the demands to `load` packets/s in all, or so that the busiest link direction runs at `maxUtilization` (default 0.7). */
export function gravityScale(flows: GravityFlows, infos: readonly LinkInfo[], packetBits: number, opts: NetworkOptions): GravityScale {
  const serviceOf = new Map<string, number>();
  for (const l of infos) {
    serviceOf.set(`${l.source}->${l.target}#${l.k}`, packetBits / l.capacity);
    serviceOf.set(`${l.target}->${l.source}#${l.k}`, packetBits / l.capacity);
  }
  let busiestUnit = { station: '', utilization: 0 };
  for (const [s, load] of flows.stationLoad) {
    const u = load * serviceOf.get(s)!;
    if (u > busiestUnit.utilization) busiestUnit = { station: s, utilization: u };
  }
  const scale =
    flows.unitTotal === 0 ? 0 : opts.load !== undefined ? opts.load / flows.unitTotal : (opts.maxUtilization ?? 0.7) / busiestUnit.utilization;
  return { scale, busiestUnit };
}
