/**
 * A network twin from a topology (Topology Zoo GraphML, read by graphml.ts, or
 * a generated backbone, twins/network/generate.ts). Rules (docs/twin-spec.md,
 * "Network twins"):
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
 *  - routing and traffic are written as rules, not paths: the twin's
 *    `network` section lists the link directions, the routing rule (shortest
 *    paths by propagation delay plus 1 us per hop, or by hops; parallel links
 *    split by capacity or the best only; optional ECMP) and the gravity rule
 *    (demand(i, j) proportional to w_i * w_j); the forwarding tables are built
 *    when the twin is read (twins/network/). Every origin router is one entry
 *    whose rate is its routable demand, scaled so the total is `load`
 *    packets/s or the busiest link direction reaches `maxUtilization`.
 *  - Pairs without a route (a disconnected topology) are counted, named and
 *    their demand reported as unroutable.
 *
 * One job per file: zoo-options.ts (options and their check), links.ts
 * (capacity and delay), components.ts (connected components); this file
 * assembles the twin file object and the report, using the loader's own
 * network builder to scale the traffic.
 */
import { LIMITS } from '../../engine/limits.js';
import { Problems, TwinSpecError } from '../definition/errors.js';
import type { EntryInput, NetworkInput, NodeInput, TwinInput } from '../definition/input.js';
import { twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { buildNetwork, type NetworkNode } from '../network/build.js';
import { pairWeights } from '../network/demand.js';
import { routedLoads } from '../network/loads.js';
import { routerComponents } from './components.js';
import type { ZooTopology } from './graphml.js';
import { readZooGraphml } from './graphml.js';
import { linkInfos, type DelayRule, type FallbackRule, type LinkInfo } from './links.js';
import { checkNetworkOptions, routerIdList, unknownWeightIds, type NetworkOptions } from './zoo-options.js';

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
  /** Propagation delay given to those links, s, and why (0 when no link has a length). */
  readonly fallbackDelay: number;
  readonly delayRule: DelayRule;
  /** Ordered router pairs with demand and a route. */
  readonly flows: number;
  /** Ordered router pairs with demand but no route (other components), their demand (packets/s, not offered) and the first few. */
  readonly unroutablePairs: number;
  readonly unroutableLoad: number;
  readonly unroutableExamples: readonly string[];
  /** Total offered (routable) load, packets/s. */
  readonly load: number;
  /** The busiest link direction at that load. */
  readonly busiest: { readonly station: string; readonly utilization: number };
  readonly notes: readonly string[];
}

/** x rounded down to `digits` significant digits (a bound to stay under). */
function floorSignificant(x: number, digits = 3): number {
  const unit = 10 ** (Math.floor(Math.log10(x)) - digits + 1);
  return Number((Math.floor(x / unit * (1 - 1e-12)) * unit).toPrecision(digits));
}

/**
 * The offered load gives an origin router an entry rate over
 * LIMITS.entryRate. Entry rates are proportional to `load`, to
 * `maxUtilization` and to 1 / `packetBytes` (the same utilization with bigger
 * packets is fewer packets), so the error carries the bounds that fit; the
 * command words them as flags, naming the default when the user gave none.
 */
export class OfferedLoadError extends TwinSpecError {
  constructor(
    file: string,
    /** What scaled the load: a given total (`load`) or the busiest link's utilization (`maxUtilization`, default 0.7). */
    readonly scaledBy: { readonly option: 'load' | 'maxUtilization'; readonly value: number; readonly given: boolean },
    readonly packetBytes: { readonly value: number; readonly given: boolean },
    readonly entry: string,
    readonly rate: number,
    /** Largest value of the scaling option that fits, and (for maxUtilization) the smallest packet size that does. */
    readonly fits: { readonly scaledBy: number; readonly packetBytes: number | null },
  ) {
    const bound = `${scaledBy.option} ${fits.scaledBy} or lower${fits.packetBytes !== null ? `, or packetBytes ${fits.packetBytes} or more` : ''}`;
    super(file, [{ path: `options.${scaledBy.option}`, message: `${scaledBy.given ? '' : 'the default '}${scaledBy.option} ${scaledBy.value} gives entry ${entry} ${Math.round(rate)} packets/s, over the limit of ${LIMITS.entryRate} packets/s per router (docs/limits.md): give ${bound}` }]);
  }
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

/** Service time of a link direction: packet bits / capacity. */
function linkService(l: LinkInfo, packetBits: number, opts: NetworkOptions): { type: 'exponential'; mean: number } | { type: 'deterministic'; value: number } {
  const mean = packetBits / l.capacity;
  return opts.serviceModel === 'deterministic' ? { type: 'deterministic', value: mean } : { type: 'exponential', mean };
}

const directions = (l: LinkInfo): [string, string][] => [[l.source, l.target], [l.target, l.source]];

/** Two stations per link (one per direction): service = packet bits / capacity, delay = propagation; the shared fields sit in `defaults`. */
function linkStations(infos: readonly LinkInfo[], packetBits: number, opts: NetworkOptions): NodeInput[] {
  const nodes: NodeInput[] = [];
  for (const l of infos) {
    for (const [a, b] of directions(l)) {
      nodes.push({
        id: `${a}->${b}#${l.k}`,
        service: linkService(l, packetBits, opts),
        delay: l.delay,
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

/** What the network builder needs of the nodes, in the same order as the twin's. */
function networkNodes(topo: ZooTopology, infos: readonly LinkInfo[], packetBits: number, opts: NetworkOptions): NetworkNode[] {
  const out: NetworkNode[] = topo.routers.map((r, index) => ({ index, id: r.id, kind: 'router', delay: 0, service: null, servers: 1, replicas: 1 }));
  for (const l of infos) {
    for (const [a, b] of directions(l)) {
      out.push({ index: out.length, id: `${a}->${b}#${l.k}`, kind: 'link', delay: l.delay, service: linkService(l, packetBits, opts), servers: 1, replicas: 1 });
    }
  }
  return out;
}

/** Builds the twin file object (TwinInput) and a report; validate it with twinFromObject. Throws TwinSpecError on bad options. */
export function networkTwinInput(topo: ZooTopology, opts: NetworkOptions = {}): { input: TwinInput; report: NetworkImportReport } {
  checkNetworkOptions(opts, topo.file);
  if (typeof opts.weights === 'object') {
    // Checked here, by router id, so the problem is the option's (options.weights.<id>) with a hint, not the generated network section's.
    const unknown = unknownWeightIds(opts.weights, topo.routers);
    if (unknown.length > 0) {
      const p = new Problems();
      for (const u of unknown) p.at(['options', 'weights', u.id], `unknown router id ${JSON.stringify(u.id)}${u.hint}; the routers are ${routerIdList(topo.routers)}`);
      p.throwIfAny(topo.file);
    }
  }
  const notes = [...topo.notes];
  const packetBits = (opts.packetBytes ?? 1500) * 8;
  const { infos, ...cap } = linkInfos(topo, opts, notes);
  const components = routerComponents(topo);
  if (components.length > 1) notes.push(`${components.length} connected components (sizes ${components.map((c) => c.length).join(', ')}): traffic only between routers of the same component`);
  const network: NetworkInput = {
    metric: opts.pathMetric ?? 'delay',
    ecmp: opts.ecmp ?? false,
    parallel: opts.parallel ?? 'split',
    links: infos.flatMap((l) => directions(l).map(([a, b]) => ({ station: `${a}->${b}#${l.k}`, from: a, to: b }))),
    traffic: { gravity: { weights: opts.weights === undefined ? 'uniform' : typeof opts.weights === 'string' ? opts.weights : { ...opts.weights } } },
  };

  // The tables the loader will build, to scale the gravity demand and name the busiest link.
  const nodes = networkNodes(topo, infos, packetBits, opts);
  const indexOf = new Map(nodes.map((n) => [n.id, n.index]));
  const p = new Problems();
  const built = buildNetwork(network, nodes, indexOf, p, null);
  p.throwIfAny(topo.file);
  const net = built!.routing;
  const R = net.routers.length;
  const w = pairWeights(net.spec, built!.links, net.routerOf, indexOf, nodes, p)!;
  const unitRate = new Float64Array(R);
  let unitTotal = 0;
  let unroutableUnit = 0;
  let flows = 0;
  const unroutableExamples: string[] = [];
  for (let o = 0; o < R; o++) {
    for (let d = 0; d < R; d++) {
      const v = w[o * R + d]!;
      if (!(v > 0)) continue;
      if (net.nextHop[d * R + o]! >= 0) { unitRate[o]! += v; flows++; }
      else { unroutableUnit += v; if (unroutableExamples.length < 20) unroutableExamples.push(`${nodes[net.routers[o]!]!.id} -> ${nodes[net.routers[d]!]!.id}`); }
    }
    unitTotal += unitRate[o]!;
  }
  const loads = routedLoads(net, unitRate, nodes.length);
  let busiestUnit = { station: '', utilization: 0 };
  for (let i = R; i < nodes.length; i++) {
    const u = loads.station[i]! * (packetBits / infos[(i - R) >> 1]!.capacity);
    if (u > busiestUnit.utilization) busiestUnit = { station: nodes[i]!.id, utilization: u };
  }
  const scale = unitTotal === 0 ? 0 : opts.load !== undefined ? opts.load / unitTotal : (opts.maxUtilization ?? 0.7) / busiestUnit.utilization;
  if (unitTotal === 0) notes.push('no traffic: every gravity weight is 0 or every router is isolated');
  // Unroutable pairs: the loader's own warning names them (twin.warnings); the report adds their packets/s.
  const entries: EntryInput[] = [];
  for (let o = 0; o < R; o++) if (unitRate[o]! > 0) entries.push({ id: `from-${nodes[net.routers[o]!]!.id}`, node: nodes[net.routers[o]!]!.id, rate: unitRate[o]! * scale });
  // Checked here, not left to the loader's `entries[i].rate` maximum: the loader cannot say that the rates come from an option (often
  // a default the user never typed) nor how far to turn it down.
  let topOrigin = -1;
  for (let o = 0; o < R; o++) if (unitRate[o]! > 0 && (topOrigin < 0 || unitRate[o]! > unitRate[topOrigin]!)) topOrigin = o;
  const topRate = topOrigin < 0 ? 0 : unitRate[topOrigin]! * scale;
  if (topRate > LIMITS.entryRate) {
    const factor = topRate / LIMITS.entryRate;
    const byLoad = opts.load !== undefined;
    const value = byLoad ? opts.load! : opts.maxUtilization ?? 0.7;
    const bytes = opts.packetBytes ?? 1500;
    throw new OfferedLoadError(
      topo.file,
      { option: byLoad ? 'load' : 'maxUtilization', value, given: byLoad || opts.maxUtilization !== undefined },
      { value: bytes, given: opts.packetBytes !== undefined },
      `from-${nodes[net.routers[topOrigin]!]!.id}`,
      topRate,
      // A given load is in packets/s: the packet size does not change it.
      { scaledBy: floorSignificant(value / factor), packetBytes: byLoad ? null : Math.ceil(bytes * factor * (1 + 1e-12)) },
    );
  }

  const report: NetworkImportReport = {
    network: topo.name,
    routers: topo.routers.length,
    links: infos.length,
    stations: infos.length * 2,
    parallelLinks: infos.filter((l) => l.k > 0).length,
    components,
    ...cap,
    flows,
    unroutablePairs: net.unroutablePairs,
    unroutableLoad: unroutableUnit * scale,
    unroutableExamples,
    load: unitTotal * scale,
    busiest: { station: busiestUnit.station, utilization: busiestUnit.utilization * scale },
    notes,
  };
  const slo = opts.linkSlo ?? { utilization: 0.9, errorRate: 0.001, window: 60 };
  const input: TwinInput = {
    name: topo.name,
    // A generated topology's "file" is already a parenthesised note.
    description: `Network twin of ${topo.name} ${topo.file.startsWith('(') ? topo.file : `(${topo.file})`}: ${report.routers} routers, ${report.links} links, gravity traffic ${report.load.toFixed(1)} packets/s`,
    defaults: { kind: 'link', replicas: 1, servers: 1, queue: opts.bufferPackets ?? 1000, slo },
    nodes: [...routerNodes(topo), ...linkStations(infos, packetBits, opts)],
    entries,
    network,
  };
  return { input, report };
}

/** The validated twin of a topology already read (or generated), its file object and the import report. */
export function networkTwin(topo: ZooTopology, opts: NetworkOptions = {}): { twin: Twin; input: TwinInput; report: NetworkImportReport } {
  const { input, report } = networkTwinInput(topo, opts);
  const twin = twinFromObject(input, { source: topo.file, warnings: report.notes });
  return { twin, input, report };
}

/** Reads a Topology Zoo GraphML file and returns the validated twin, its file object and the import report. */
export async function importZooTwin(file: string, opts: NetworkOptions = {}): Promise<{ twin: Twin; input: TwinInput; report: NetworkImportReport }> {
  return networkTwin(await readZooGraphml(file), opts);
}
