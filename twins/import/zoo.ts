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
 *
 * One job per file: zoo-options.ts (options and their check), links.ts
 * (capacity and delay), zoo-routing.ts (components, shortest paths, parallel
 * links), gravity.ts (flows and load scaling); this file assembles the twin
 * file object (routers, link stations, entries) and the report.
 */
import type { EntryInput, NodeInput, TwinInput } from '../definition/input.js';
import { twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import type { ZooTopology } from './graphml.js';
import { readZooGraphml } from './graphml.js';
import { gravityFlows, gravityScale, MAX_VARIANTS, type GravityFlows } from './gravity.js';
import { linkInfos, type FallbackRule, type LinkInfo } from './links.js';
import { checkNetworkOptions, type NetworkOptions } from './zoo-options.js';
import { zooRouting } from './zoo-routing.js';

export { haversine } from './links.js';
export type { NetworkOptions } from './zoo-options.js';

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

/** Routers: pass-through nodes (no service), with the GraphML label and coordinates as attributes. */
function routerNodes(topo: ZooTopology): NodeInput[] {
  return topo.routers.map((r) => ({
    id: r.id,
    kind: 'router',
    attributes: {
      label: r.label,
      ...(r.latitude !== null ? { latitude: r.latitude } : {}),
      ...(r.longitude !== null ? { longitude: r.longitude } : {}),
      ...(r.internal !== null ? { internal: r.internal } : {}),
    },
  }));
}

/** Two stations per link (one per direction): one server, a tail-drop buffer, service = packet bits / capacity, delay = propagation. */
function linkStations(infos: readonly LinkInfo[], packetBits: number, opts: NetworkOptions): NodeInput[] {
  const slo = opts.linkSlo ?? { utilization: 0.9, errorRate: 0.001, window: 60 };
  const nodes: NodeInput[] = [];
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
  return nodes;
}

/** One entry per origin router: its flows' total rate, each job picks one path variant by demand. */
function originEntries(flows: GravityFlows, scale: number): EntryInput[] {
  const entries: EntryInput[] = [];
  for (const [o, list] of flows.byOrigin) {
    const rate = list.reduce((s, f) => s + f.demand, 0) * scale;
    entries.push({
      id: `from-${o}`,
      node: o,
      rate,
      paths: list.map((f) => ({ id: f.id, path: f.path, weight: f.demand })),
    });
  }
  return entries;
}

/** Builds the twin file object (TwinInput) and a report; validate it with twinFromObject. Throws TwinSpecError on bad options. */
export function networkTwinInput(topo: ZooTopology, opts: NetworkOptions = {}): { input: TwinInput; report: NetworkImportReport } {
  checkNetworkOptions(opts, topo.file);
  const notes = [...topo.notes];
  const packetBits = (opts.packetBytes ?? 1500) * 8;
  const { infos, ...cap } = linkInfos(topo, opts, notes);
  const routing = zooRouting(topo, infos, opts.pathMetric ?? 'delay');
  const { components } = routing;
  if (components.length > 1) notes.push(`${components.length} connected components (sizes ${components.map((c) => c.length).join(', ')}): flows only between routers of the same component`);
  const flows = gravityFlows(topo, routing, opts);
  const { scale, busiestUnit } = gravityScale(flows, infos, packetBits, opts);
  if (flows.flowsNotSplit > 0) notes.push(`${flows.flowsNotSplit} flow(s) cross so many parallel links that splitting would give more than ${MAX_VARIANTS} path variants: they take the best link of each hop`);
  if (flows.unitTotal === 0) notes.push('no flows: every gravity weight is 0 or every router is isolated');

  const report: NetworkImportReport = {
    network: topo.name,
    routers: topo.routers.length,
    links: infos.length,
    stations: infos.length * 2,
    parallelLinks: infos.filter((l) => l.k > 0).length,
    components,
    ...cap,
    flows: flows.flows,
    flowsSplit: flows.flowsSplit,
    flowsNotSplit: flows.flowsNotSplit,
    load: flows.unitTotal * scale,
    busiest: { station: busiestUnit.station, utilization: busiestUnit.utilization * scale },
    notes,
  };
  const input: TwinInput = {
    name: topo.name,
    description: `Network twin of ${topo.name} (${topo.file}): ${report.routers} routers, ${report.links} links, gravity traffic ${report.load.toFixed(1)} packets/s`,
    nodes: [...routerNodes(topo), ...linkStations(infos, packetBits, opts)],
    entries: originEntries(flows, scale),
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
