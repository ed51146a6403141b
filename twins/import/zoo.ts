/**
 * A network twin from a topology (Topology Zoo GraphML, read by graphml.ts).
 * Rules (docs/twin-spec.md, "Network twins"):
 *  - routers are pass-through nodes (kind router, no service);
 *  - every link is full duplex: one station per direction, ids
 *    `${a}->${b}#${k}` (k from the file, shared by both directions), one
 *    server, a tail-drop buffer of `bufferPackets`;
 *  - service time = packet size (bits) / capacity (LinkSpeedRaw, bits/s),
 *    exponential by default (Kleinrock's independence assumption) or
 *    deterministic; a link without LinkSpeedRaw gets the median capacity of
 *    the network's links that have one, or `defaultCapacity` when none has;
 *  - propagation delay = haversine distance / 2e8 m/s, a fixed `delay`; a link
 *    with an endpoint lacking coordinates gets the median delay of the others;
 *  - traffic: gravity model, demand(i, j) proportional to w_i * w_j (i != j,
 *    same connected component), scaled so the total is `load` packets/s, or so
 *    the busiest link direction reaches `maxUtilization`;
 *  - each origin-destination flow follows one fixed shortest path (by
 *    propagation delay plus 1 us per hop, or by hops); over parallel links a
 *    flow is split in proportion to capacity (path variants, at most 16 per
 *    flow), or (`parallel: best`) the highest-capacity link carries it. Every
 *    origin router is one entry whose jobs pick their flow's path by demand.
 */
import { MultiUndirectedGraph, UndirectedGraph } from 'graphology';
import { connectedComponents } from 'graphology-components';
import { dijkstra } from 'graphology-shortest-path';
import { Problems } from '../definition/errors.js';
import type { EntryInput, NodeInput, TwinInput } from '../definition/input.js';
import { twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import type { ZooTopology } from './graphml.js';
import { readZooGraphml } from './graphml.js';
import { linkInfos, type FallbackRule, type LinkInfo } from './links.js';

export { haversine } from './links.js';

export interface NetworkOptions {
  /** Packet size, bytes (default 1500). */
  readonly packetBytes?: number;
  /** Capacity for links without LinkSpeedRaw when no link of the network has one, bits/s (default 1e9). */
  readonly defaultCapacity?: number;
  /** Total offered load, packets/s. Give this or `maxUtilization` (default: maxUtilization 0.7). */
  readonly load?: number;
  /** Scale the load so the busiest link direction has this utilization, in (0, 1). */
  readonly maxUtilization?: number;
  /** Gravity weights: uniform (default), the router's degree, or given per router id (missing = 0). */
  readonly weights?: 'uniform' | 'degree' | Readonly<Record<string, number>>;
  /** Shortest paths by propagation delay (default) or by hop count. */
  readonly pathMetric?: 'delay' | 'hops';
  /** Service-time model of a link (default exponential). */
  readonly serviceModel?: 'exponential' | 'deterministic';
  /** Buffer per link direction, packets (default 1000). */
  readonly bufferPackets?: number;
  /**
   * Parallel links between two routers: `split` (default) spreads each flow
   * over them in proportion to capacity (a link aggregate / ECMP by flow
   * hash: the flow becomes path variants); `best` sends it over the highest
   * capacity one (lowest k on ties) and leaves the others idle.
   */
  readonly parallel?: 'split' | 'best';
  /** Failure conditions of every link station (default utilization 0.9, loss 0.001, 60 s window). */
  readonly linkSlo?: { utilization?: number; errorRate?: number; p99?: number; window?: number };
}

export interface NetworkImportReport {
  readonly network: string;
  readonly routers: number;
  readonly links: number;
  readonly stations: number;
  /** Links that share their two routers with an earlier link (kept, k > 0). */
  readonly parallelLinks: number;
  /** Router ids per connected component, largest first. */
  readonly components: readonly (readonly string[])[];
  readonly capacityKnown: number;
  readonly capacityFallback: number;
  /** Capacity given to the fallback links, bits/s, and why. */
  readonly fallbackCapacity: number;
  readonly fallbackRule: FallbackRule;
  readonly delayFallback: number;
  /** Origin-destination flows (before splitting over parallel links). */
  readonly flows: number;
  /** Flows that cross parallel links and were split into path variants; flows with more than 16 variants take the best links instead (counted in flowsNotSplit). */
  readonly flowsSplit: number;
  readonly flowsNotSplit: number;
  /** Total offered load, packets/s. */
  readonly load: number;
  /** The busiest link direction at that load. */
  readonly busiest: { readonly station: string; readonly utilization: number };
  readonly notes: readonly string[];
}

const HOP_PENALTY = 1e-6; // s

function checkOptions(opts: NetworkOptions, file: string): void {
  const p = new Problems();
  const pos = (k: keyof NetworkOptions, v: number | undefined): void => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) p.raw(`options.${k}`, `expected a finite positive number, got ${v}`);
  };
  pos('packetBytes', opts.packetBytes);
  pos('defaultCapacity', opts.defaultCapacity);
  pos('load', opts.load);
  pos('bufferPackets', opts.bufferPackets);
  if (opts.bufferPackets !== undefined && !Number.isInteger(opts.bufferPackets)) p.raw('options.bufferPackets', `expected an integer, got ${opts.bufferPackets}`);
  if (opts.maxUtilization !== undefined && !(opts.maxUtilization > 0 && opts.maxUtilization < 1)) p.raw('options.maxUtilization', `expected a number in (0, 1), got ${opts.maxUtilization}`);
  if (opts.load !== undefined && opts.maxUtilization !== undefined) p.raw('options', 'expected either load or maxUtilization, not both');
  if (typeof opts.weights === 'object') {
    for (const [id, w] of Object.entries(opts.weights)) if (!(Number.isFinite(w) && w >= 0)) p.raw(`options.weights.${id}`, `expected a finite number >= 0, got ${w}`);
  }
  p.throwIfAny(file);
}

/** Builds the twin file object (TwinInput) and a report; validate it with twinFromObject. Throws TwinSpecError on bad options. */
export function networkTwinInput(topo: ZooTopology, opts: NetworkOptions = {}): { input: TwinInput; report: NetworkImportReport } {
  checkOptions(opts, topo.file);
  const notes = [...topo.notes];
  const packetBits = (opts.packetBytes ?? 1500) * 8;
  const { infos, ...cap } = linkInfos(topo, opts, notes);

  // Components (graphology-components) on the router graph.
  const multi = new MultiUndirectedGraph();
  for (const r of topo.routers) multi.addNode(r.id);
  for (const l of infos) multi.addEdgeWithKey(l.key, l.source, l.target);
  const components = connectedComponents(multi).sort((a, b) => b.length - a.length || topo.routers.findIndex((r) => r.id === a[0]) - topo.routers.findIndex((r) => r.id === b[0]));
  const componentOf = new Map<string, number>();
  components.forEach((c, i) => c.forEach((id) => componentOf.set(id, i)));
  if (components.length > 1) notes.push(`${components.length} connected components (sizes ${components.map((c) => c.length).join(', ')}): flows only between routers of the same component`);

  // Shortest paths on the simple graph; per router pair its links (file order) and the best one.
  const best = new Map<string, LinkInfo>();
  const members = new Map<string, LinkInfo[]>();
  const simple = new UndirectedGraph<Record<string, never>, { w: number }>();
  for (const r of topo.routers) simple.addNode(r.id);
  for (const l of infos) {
    const pair = l.source < l.target ? `${l.source}\u0000${l.target}` : `${l.target}\u0000${l.source}`;
    members.set(pair, [...(members.get(pair) ?? []), l]);
    const cur = best.get(pair);
    if (!cur || l.capacity > cur.capacity || (l.capacity === cur.capacity && l.k < cur.k)) best.set(pair, l);
    const w = opts.pathMetric === 'hops' ? 1 : l.delay + HOP_PENALTY;
    if (simple.hasEdge(l.source, l.target)) {
      const e = simple.edge(l.source, l.target)!;
      if (w < simple.getEdgeAttribute(e, 'w')) simple.setEdgeAttribute(e, 'w', w);
    } else simple.addEdge(l.source, l.target, { w });
  }
  /** The stations a hop a -> b may use, with the share of the flow each carries. */
  const choices = (a: string, b: string, split: boolean): { station: string; share: number }[] => {
    const pair = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    if (!split) return [{ station: `${a}->${b}#${best.get(pair)!.k}`, share: 1 }];
    const ls = members.get(pair)!;
    const total = ls.reduce((t, l) => t + l.capacity, 0);
    return ls.map((l) => ({ station: `${a}->${b}#${l.k}`, share: l.capacity / total }));
  };

  // Gravity weights.
  const degree = (id: string): number => multi.degree(id);
  const weight = (id: string): number => {
    const w = opts.weights;
    if (w === undefined || w === 'uniform') return 1;
    if (w === 'degree') return degree(id);
    return w[id] ?? 0;
  };

  // Flows: origin -> [(id, unit demand, path of node ids)], one per path variant.
  interface Flow { id: string; demand: number; path: string[] }
  const flows = new Map<string, Flow[]>();
  let unitTotal = 0;
  let flowCount = 0;
  let flowsSplit = 0;
  let flowsNotSplit = 0;
  const MAX_VARIANTS = 16;
  const splitting = (opts.parallel ?? 'split') === 'split';
  const stationLoad = new Map<string, number>();
  for (const o of topo.routers) {
    const wo = weight(o.id);
    if (wo <= 0) continue;
    const paths = dijkstra.singleSource(simple, o.id, 'w');
    const list: Flow[] = [];
    for (const d of topo.routers) {
      if (d.id === o.id || componentOf.get(d.id) !== componentOf.get(o.id)) continue;
      const demand = wo * weight(d.id);
      const hops = paths[d.id];
      if (demand <= 0 || !hops) continue;
      let perHop = hops.slice(1).map((h, i) => choices(hops[i]!, h, splitting));
      let variants = perHop.reduce((n, c) => n * c.length, 1);
      if (variants > MAX_VARIANTS) {
        perHop = hops.slice(1).map((h, i) => choices(hops[i]!, h, false));
        variants = 1;
        flowsNotSplit++;
      } else if (variants > 1) flowsSplit++;
      flowCount++;
      unitTotal += demand;
      // Cartesian product of the hop choices, in file order of the links.
      let partial: { path: string[]; share: number }[] = [{ path: [hops[0]!], share: 1 }];
      perHop.forEach((opts, i) => {
        partial = partial.flatMap((v) => opts.map((c) => ({ path: [...v.path, c.station, hops[i + 1]!], share: v.share * c.share })));
      });
      partial.forEach((v, j) => {
        for (let i = 1; i < v.path.length; i += 2) stationLoad.set(v.path[i]!, (stationLoad.get(v.path[i]!) ?? 0) + demand * v.share);
        list.push({ id: variants === 1 ? `${o.id}~${d.id}` : `${o.id}~${d.id}/${j}`, demand: demand * v.share, path: v.path });
      });
    }
    if (list.length > 0) flows.set(o.id, list);
  }

  // Scale: unit demand -> packets/s.
  const serviceOf = new Map<string, number>();
  for (const l of infos) {
    serviceOf.set(`${l.source}->${l.target}#${l.k}`, packetBits / l.capacity);
    serviceOf.set(`${l.target}->${l.source}#${l.k}`, packetBits / l.capacity);
  }
  let busiestUnit = { station: '', utilization: 0 };
  for (const [s, load] of stationLoad) {
    const u = load * serviceOf.get(s)!;
    if (u > busiestUnit.utilization) busiestUnit = { station: s, utilization: u };
  }
  if (flowsNotSplit > 0) notes.push(`${flowsNotSplit} flow(s) cross so many parallel links that splitting would give more than ${MAX_VARIANTS} path variants: they take the best link of each hop`);
  if (unitTotal === 0) notes.push('no flows: every gravity weight is 0 or every router is isolated');
  const scale =
    unitTotal === 0 ? 0 : opts.load !== undefined ? opts.load / unitTotal : (opts.maxUtilization ?? 0.7) / busiestUnit.utilization;

  const nodes: NodeInput[] = topo.routers.map((r) => ({
    id: r.id,
    kind: 'router',
    attributes: {
      label: r.label,
      ...(r.latitude !== null ? { latitude: r.latitude } : {}),
      ...(r.longitude !== null ? { longitude: r.longitude } : {}),
      ...(r.internal !== null ? { internal: r.internal } : {}),
    },
  }));
  const slo = opts.linkSlo ?? { utilization: 0.9, errorRate: 0.001, window: 60 };
  for (const l of infos) {
    for (const [a, b] of [[l.source, l.target], [l.target, l.source]] as const) {
      const mean = packetBits / l.capacity;
      nodes.push({
        id: `${a}->${b}#${l.k}`,
        kind: 'link',
        replicas: 1,
        servers: 1,
        queue: opts.bufferPackets ?? 1000,
        service: opts.serviceModel === 'deterministic' ? { type: 'deterministic', value: mean } : { type: 'exponential', mean },
        delay: l.delay,
        slo,
        attributes: {
          link: l.key, capacity: l.capacity, capacitySource: l.capacitySource,
          ...(l.distanceKm !== null ? { distanceKm: +l.distanceKm.toFixed(3) } : {}),
          ...(l.label !== null ? { label: l.label } : {}),
        },
      });
    }
  }
  const entries: EntryInput[] = [];
  for (const [o, list] of flows) {
    const rate = list.reduce((s, f) => s + f.demand, 0) * scale;
    entries.push({
      id: `from-${o}`,
      node: o,
      rate,
      paths: list.map((f) => ({ id: f.id, path: f.path, weight: f.demand })),
    });
  }
  const report: NetworkImportReport = {
    network: topo.name,
    routers: topo.routers.length,
    links: infos.length,
    stations: infos.length * 2,
    parallelLinks: infos.filter((l) => l.k > 0).length,
    components,
    ...cap,
    flows: flowCount,
    flowsSplit,
    flowsNotSplit,
    load: unitTotal * scale,
    busiest: { station: busiestUnit.station, utilization: busiestUnit.utilization * scale },
    notes,
  };
  const input: TwinInput = {
    name: topo.name,
    description: `Network twin of ${topo.name} (${topo.file}): ${report.routers} routers, ${report.links} links, gravity traffic ${report.load.toFixed(1)} packets/s`,
    nodes,
    entries,
  };
  return { input, report };
}

/** Reads a Topology Zoo GraphML file and returns the validated twin, its file object and the import report. */
export async function importZooTwin(file: string, opts: NetworkOptions = {}): Promise<{ twin: Twin; input: TwinInput; report: NetworkImportReport }> {
  const topo = await readZooGraphml(file);
  const { input, report } = networkTwinInput(topo, opts);
  const twin = twinFromObject(input, { source: file, warnings: report.notes });
  return { twin, input, report };
}
