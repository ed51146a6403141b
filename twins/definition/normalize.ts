/**
 * From a schema-valid TwinInput to the frozen Twin: defaults applied, units
 * converted, ids resolved to indices, routes and call groups assembled, and the
 * semantic rules checked (unknown and duplicate ids, route sums, fixed paths,
 * sync-call cycles, routing traps). All problems are reported together.
 */
import { Problems, type Locator, type PathSegments } from './errors.js';
import * as F from './fields.js';
import type { CallEdgeInput, EntryInput, NodeInput, TwinInput } from './input.js';
import type { ArrivalSpec, CallEdge, CallGroup, FlowPath, RouteEdge, Twin, TwinEntry, TwinNode } from './types.js';
import { routeTraps, syncCallCycles, syncCycleMessage, reachableFromEntries, buildTwinGraph, deepestSyncChain } from './graph.js';
import { LIMITS } from '../../engine/limits.js';
import { buildNetwork } from '../network/build.js';
import { checkPathSteps, linkTopology } from '../network/fixed-paths.js';
import { cutOffWarnings } from '../network/demand.js';
import { routedLoads } from '../network/loads.js';
import type { MatrixRow } from '../network/matrix.js';

/** A rate profile already read from its CSV (twins/definition/profile.ts). */
export interface RateProfile {
  readonly file: string;
  readonly times: Float64Array;
  readonly rates: Float64Array;
}

export interface NormalizeOptions {
  /** File or importer name, for messages and Twin.source. */
  readonly source: string;
  /** Line numbers for problems, when the reader has them. */
  readonly locate?: Locator;
  /** Profiles by the string written in `entries[i].profile`. */
  readonly profiles?: ReadonlyMap<string, RateProfile>;
  /** Extra warnings to carry (e.g. from an importer). */
  readonly warnings?: readonly string[];
  /** Rows of the routed network's `traffic.matrix` file, read by loadTwinFile. */
  readonly matrix?: readonly MatrixRow[];
}

const EPS = 1e-9;

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o) && !ArrayBuffer.isView(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

interface NodeDraft {
  base: Omit<TwinNode, 'routes' | 'routeTotal' | 'callGroups'>;
  routes: { key: string; to: number; probability: number; edge: number }[];
  groups: Map<string, CallEdge[]>;
}

function buildNode(p: Problems, input: NodeInput, defaults: TwinInput['defaults'], index: number): NodeDraft['base'] | null {
  const f = { ...(defaults ?? {}), ...input };
  const at = (k: string): PathSegments => ['nodes', index, k];
  // Values coming from `defaults` are reported at the defaults' path.
  const src = (k: keyof typeof f): PathSegments => (k in input ? at(k) : ['defaults', k]);
  const before = p.size;
  const kind = f.kind ?? 'service';
  let service = null;
  if (f.service) service = F.distribution(p, src('service'), f.service);
  else if (kind !== 'router') p.at(at('service'), `required (a service-time distribution; only routers may omit it)`);
  const delay = f.delay === undefined ? 0 : F.duration(p, src('delay'), f.delay, 'nonneg');
  const timeout = f.timeout === undefined ? null : F.duration(p, src('timeout'), f.timeout, 'positive');
  const retries = f.retries === undefined ? null : F.retries(p, src('retries'), f.retries);
  const failure = f.failure === undefined ? null : F.failure(p, src('failure'), f.failure);
  const resources = f.resources === undefined ? null : F.resources(p, src('resources'), f.resources);
  const autoscale = f.autoscale === undefined ? null : F.autoscale(p, src('autoscale'), f.autoscale);
  const slo = f.slo === undefined ? null : F.slo(p, src('slo'), f.slo);
  const replicas = f.replicas ?? (autoscale ? autoscale.min : 1);
  if (autoscale && (replicas < autoscale.min || replicas > autoscale.max)) {
    p.at(src('replicas'), `expected replicas within autoscale [${autoscale.min}, ${autoscale.max}], got ${replicas}`);
  }
  if (p.size > before || delay === null) return null;
  return {
    index, id: input.id, kind, replicas, servers: f.servers ?? 1, queue: f.queue ?? null, service, delay,
    timeout, retries, failure, resources, autoscale, slo, attributes: { ...(f.attributes ?? {}) },
  };
}

function buildCall(p: Problems, e: CallEdgeInput, i: number, key: string, to: number, callee: NodeInput | undefined, calleeDraft: NodeDraft | undefined): CallEdge | null {
  const at = (k: string): PathSegments => ['edges', i, k];
  const timeout = e.timeout !== undefined ? F.duration(p, at('timeout'), e.timeout, 'positive') : calleeDraft?.base.timeout ?? null;
  const retries = e.retries !== undefined ? F.retries(p, at('retries'), e.retries) : calleeDraft?.base.retries ?? null;
  if ((e.timeout !== undefined && timeout === null) || (e.retries !== undefined && retries === null) || !callee) return null;
  return {
    key, to, mode: e.mode ?? 'sync', meanCalls: e.mean ?? e.probability ?? 0, count: e.count ?? 'rounded',
    fanout: e.fanout ?? 'sequential', optional: e.optional ?? false, timeout, retries,
  };
}

function buildArrival(p: Problems, e: EntryInput, i: number, profiles: ReadonlyMap<string, RateProfile> | undefined): ArrivalSpec | null {
  const at = (k: string): PathSegments => ['entries', i, k];
  if (e.interpolation !== undefined && e.profile === undefined) p.at(at('interpolation'), 'only allowed with `profile`');
  const scale = e.scale ?? 1;
  if (e.rate !== undefined) {
    if (e.scale !== undefined) p.at(at('scale'), 'not allowed with `rate` (write the scaled rate)');
    return { kind: 'constant', rate: e.rate };
  }
  if (e.profile !== undefined) {
    const prof = profiles?.get(e.profile);
    if (!prof) {
      p.at(at('profile'), `rate profile ${JSON.stringify(e.profile)} was not loaded (read the twin with loadTwinFile, or pass options.profiles)`);
      return null;
    }
    return { kind: 'profile', file: prof.file, times: prof.times, rates: prof.rates, interpolation: e.interpolation ?? 'step', scale };
  }
  return { kind: 'forecast', node: e.forecast?.node ?? e.node, metric: e.forecast?.metric ?? 'rate', scale };
}

export function normalizeTwin(input: TwinInput, opts: NormalizeOptions): Twin {
  const p = new Problems(opts.locate);
  const indexOf = new Map<string, number>();
  input.nodes.forEach((n, i) => {
    const first = indexOf.get(n.id);
    if (first !== undefined) p.at(['nodes', i, 'id'], `duplicate id ${JSON.stringify(n.id)} (first at nodes[${first}])`);
    else indexOf.set(n.id, i);
  });
  const drafts: (NodeDraft | undefined)[] = input.nodes.map((n, i) => {
    if (indexOf.get(n.id) !== i) return undefined;
    const base = buildNode(p, n, input.defaults, i);
    return base ? { base, routes: [], groups: new Map() } : undefined;
  });

  const resolve = (path: PathSegments, id: string, what: string): number | undefined => {
    const k = indexOf.get(id);
    if (k === undefined) p.at(path, `unknown node id ${JSON.stringify(id)} (${what})`);
    return k;
  };

  // Edges: keys `${from}->${to}#k`, k counting edges with the same endpoints in file order.
  const pairCount = new Map<string, number>();
  const routeEdgeOf = new Map<number, number[]>();
  (input.edges ?? []).forEach((e, i) => {
    const from = resolve(['edges', i, 'from'], e.from, 'edge source');
    const to = resolve(['edges', i, 'to'], e.to, 'edge target');
    const pair = `${e.from}->${e.to}`;
    const k = pairCount.get(pair) ?? 0;
    pairCount.set(pair, k + 1);
    const key = `${pair}#${k}`;
    if (from === undefined || to === undefined) return;
    const d = drafts[from];
    if (!d) return;
    if (e.type === 'route') {
      d.routes.push({ key, to, probability: e.probability, edge: i });
      routeEdgeOf.set(from, [...(routeEdgeOf.get(from) ?? []), i]);
    } else {
      if (d.base.service === null) {
        p.at(['edges', i, 'from'], `${JSON.stringify(e.from)} is a pass-through router (no service): it has no worker to make calls`);
        return;
      }
      const call = buildCall(p, e, i, key, to, input.nodes[to], drafts[to]);
      if (!call) return;
      const group = e.group === undefined ? `#${i}` : String(e.group);
      const list = d.groups.get(group);
      if (list) list.push(call);
      else d.groups.set(group, [call]);
    }
  });

  for (const [from, edges] of routeEdgeOf) {
    const total = edges.reduce((s, i) => s + (input.edges![i] as { probability: number }).probability, 0);
    if (total > 1 + EPS) {
      p.at(['edges', edges[edges.length - 1]!, 'probability'], `route probabilities out of ${JSON.stringify(input.nodes[from]!.id)} sum to ${+total.toFixed(9)} (edges ${edges.map((i) => `[${i}]`).join(', ')}): expected at most 1`);
    }
  }

  // Entries.
  // Only fixed paths need it; a routed backbone's thousands of links go without.
  const topology = input.entries.some((e) => (e.paths?.length ?? 0) > 0) ? linkTopology(input) : null;
  const entryIds = new Map<string, number>();
  const perNode = new Map<string, number>();
  const entries: TwinEntry[] = [];
  input.entries.forEach((e, i) => {
    const node = resolve(['entries', i, 'node'], e.node, 'entry node');
    const k = perNode.get(e.node) ?? 0;
    perNode.set(e.node, k + 1);
    const id = e.id ?? `${e.node}#${k}`;
    const first = entryIds.get(id);
    if (first !== undefined) p.at(['entries', i, 'id'], `duplicate entry id ${JSON.stringify(id)} (first at entries[${first}])`);
    else entryIds.set(id, i);
    // forecast.node names a series of the forecast (often a telemetry source, not a twin node): bindForecast checks it against the bundle.
    const arrival = buildArrival(p, e, i, opts.profiles);
    let paths: FlowPath[] | null = null;
    if (e.paths) {
      const total = e.paths.reduce((s, q) => s + q.weight, 0);
      let cum = 0;
      paths = e.paths.map((q, j) => {
        const at: PathSegments = ['entries', i, 'paths', j, 'path'];
        const idx = q.path.map((nid, m) => resolve([...at, m], nid, 'path node') ?? -1);
        if (q.path[0] !== e.node) p.at([...at, 0], `expected the path to start at the entry node ${JSON.stringify(e.node)}, got ${JSON.stringify(q.path[0])}`);
        for (let m = 1; m < q.path.length; m++) if (q.path[m] === q.path[m - 1]) p.at([...at, m], `node ${JSON.stringify(q.path[m])} repeated back to back`);
        if (topology) checkPathSteps(q.path, at, topology, p);
        cum += q.weight / total;
        return { id: q.id ?? `${id}/${j}`, nodes: Int32Array.from(idx), probability: q.weight / total, cumulative: j === e.paths!.length - 1 ? 1 : cum };
      });
    }
    if (node !== undefined && arrival) entries.push({ id, node, arrival, process: e.process ?? 'poisson', paths });
  });

  p.throwIfAny(opts.source);

  const nodes: TwinNode[] = drafts.map((d) => {
    let cum = 0;
    const total = d!.routes.reduce((s, r) => s + r.probability, 0);
    // A sum within rounding of 1 is 1: no job leaks out through float error.
    const snap = Math.abs(total - 1) <= EPS;
    const routes: RouteEdge[] = d!.routes.map((r, j) => {
      cum += r.probability;
      const last = j === d!.routes.length - 1;
      return { key: r.key, to: r.to, probability: r.probability, cumulative: last && snap ? 1 : Math.min(cum, 1) };
    });
    if (snap) cum = 1;
    const callGroups: CallGroup[] = [...d!.groups].map(([name, calls]) => ({ name, calls }));
    return { ...d!.base, routes, routeTotal: Math.min(cum, 1), callGroups };
  });
  const twin: Twin = {
    name: input.name, source: opts.source, description: input.description ?? '', nodes, indexOf, entries, warnings: [],
  };

  // Graph rules.
  const keyToEdge = new Map<string, number>();
  for (const d of drafts) for (const r of d!.routes) keyToEdge.set(r.key, r.edge);
  const edgeOfCall = (from: string, to: string): PathSegments => {
    const i = (input.edges ?? []).findIndex((e) => e.type === 'call' && (e.mode ?? 'sync') === 'sync' && e.from === from && e.to === to);
    return ['edges', i];
  };
  const cycles = syncCallCycles(twin);
  for (const cyc of cycles) {
    p.at(edgeOfCall(cyc[cyc.length - 1]!, cyc[0]!), syncCycleMessage(cyc));
  }
  if (cycles.length === 0) {
    const chain = deepestSyncChain(twin);
    if (chain.length > LIMITS.syncCallDepth) {
      p.at(['nodes', indexOf.get(chain[0]!)!], `a chain of ${chain.length} nested sync calls starts here (${chain.slice(0, 3).join(' -> ')} -> ... -> ${chain[chain.length - 1]}): over the limit of ${LIMITS.syncCallDepth} (docs/limits.md); make some calls async`);
    }
  }
  const g = buildTwinGraph(twin);
  for (const id of routeTraps(twin, g)) {
    p.at(['nodes', indexOf.get(id)!], `jobs routed to ${JSON.stringify(id)} can never leave: every route sequence from it returns with probability 1 (some node on the cycle needs route probabilities summing below 1)`);
  }
  p.throwIfAny(opts.source);

  const warnings = [...(opts.warnings ?? [])];
  const seen = reachableFromEntries(twin, g);
  let network: Twin['network'];
  if (input.network) {
    const built = buildNetwork(input.network, nodes, indexOf, p, opts.matrix ?? null);
    p.throwIfAny(opts.source);
    network = built!.routing;
    warnings.push(...built!.warnings);
    // Routed entries: an origin router without paths needs a destination; what its packets reach counts as reached.
    const originRate = new Float64Array(network.routers.length);
    const cutOff = new Set(built!.cutOff);
    entries.forEach((e, i) => {
      const o = network!.routerOf[e.node]!;
      if (e.paths !== null || o < 0) return;
      // A router the traffic rule gives no destination is a mistake; one cut off by the topology (a link down) is a state, warned of.
      if (network!.destStart[o + 1] === network!.destStart[o] && !cutOff.has(o)) p.at(['entries', i, 'node'], `router ${JSON.stringify(nodes[e.node]!.id)} has no destination under network.traffic: its packets could go nowhere`);
      originRate[o] = 1;
    });
    warnings.push(...cutOffWarnings(entries, network, built!.cutOff, nodes));
    p.throwIfAny(opts.source);
    const loads = routedLoads(network, originRate, nodes.length);
    loads.station.forEach((v, i) => { if (v > 0) { seen.add(nodes[i]!.id); seen.add(nodes[network!.linkTo[i]!]!.id); } });
  }
  const unreachable = nodes.filter((n) => !seen.has(n.id)).map((n) => n.id);
  if (unreachable.length > 0) warnings.push(`${unreachable.length} node(s) receive no traffic from any entry: ${unreachable.join(', ')}`);
  return deepFreeze({ ...twin, warnings, ...(network ? { network } : {}) });
}
