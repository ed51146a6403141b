/**
 * The file form of a normalized twin: a TwinInput (with the rate profiles it
 * names) that `twinFromObject` turns back into the same twin, so that a twin
 * changed in memory (scenario deltas, later mitigations) can be checked with
 * exactly the rules of a twin file. Values are written in base units
 * (seconds, bytes); call edges carry their resolved timeout and retries and
 * their group name, so grouping and deadlines survive; path weights are the
 * paths' probabilities (re-normalized on reading, which may round in the
 * last bit).
 */
import type { CallEdgeInput, DistributionInput, EdgeInput, EntryInput, NetworkInput, NodeInput, TwinInput } from './input.js';
import type { RateProfile } from './normalize.js';
import type { DistributionSpec, NetworkSpec, Twin, TwinEntry, TwinNode } from './types.js';

export interface TwinFileForm {
  readonly input: TwinInput;
  /** The profiles the entries name (pass as `profiles` to twinFromObject). */
  readonly profiles: ReadonlyMap<string, RateProfile>;
}

function distributionInput(d: DistributionSpec): DistributionInput {
  return d.type === 'empirical' ? { type: 'empirical', values: [...d.values] } : { ...d };
}

function nodeInput(n: TwinNode): NodeInput {
  const out: NodeInput = { id: n.id, kind: n.kind, replicas: n.replicas, servers: n.servers, delay: n.delay };
  if (n.queue !== null) out.queue = n.queue;
  if (n.service !== null) out.service = distributionInput(n.service);
  if (n.timeout !== null) out.timeout = n.timeout;
  if (n.retries !== null) out.retries = { ...n.retries };
  if (n.failure !== null) out.failure = { ...n.failure };
  if (n.resources !== null) out.resources = { ...n.resources };
  if (n.autoscale !== null) out.autoscale = { ...n.autoscale };
  if (n.slo !== null) {
    const s = n.slo;
    out.slo = { window: s.window, ...(s.p99 !== null ? { p99: s.p99 } : {}), ...(s.errorRate !== null ? { errorRate: s.errorRate } : {}), ...(s.utilization !== null ? { utilization: s.utilization } : {}) };
  }
  if (Object.keys(n.attributes).length > 0) out.attributes = { ...n.attributes };
  return out;
}

function edgeInputs(twin: Twin, n: TwinNode): EdgeInput[] {
  const id = (i: number): string => twin.nodes[i]!.id;
  const routes: EdgeInput[] = n.routes.map((r) => ({ type: 'route', from: n.id, to: id(r.to), probability: r.probability }));
  const calls: EdgeInput[] = n.callGroups.flatMap((g) =>
    g.calls.map((c) => {
      const e: CallEdgeInput = { type: 'call', from: n.id, to: id(c.to), mode: c.mode, mean: c.meanCalls, count: c.count, fanout: c.fanout, group: g.name, optional: c.optional };
      if (c.timeout !== null) e.timeout = c.timeout;
      if (c.retries !== null) e.retries = { ...c.retries };
      return e;
    }),
  );
  return [...routes, ...calls];
}

function entryInput(twin: Twin, e: TwinEntry, index: number, profiles: Map<string, RateProfile>): EntryInput {
  const out: EntryInput = { id: e.id, node: twin.nodes[e.node]!.id, process: e.process };
  const a = e.arrival;
  if (a.kind === 'constant') out.rate = a.rate;
  else if (a.kind === 'forecast') Object.assign(out, { forecast: { node: a.node, metric: a.metric }, scale: a.scale });
  else {
    // Keyed by entry, so two entries never share a profile by accident of naming.
    const key = `entries[${index}]:${a.file}`;
    profiles.set(key, { file: a.file, times: a.times, rates: a.rates });
    Object.assign(out, { profile: key, scale: a.scale, interpolation: a.interpolation });
  }
  if (e.paths !== null) out.paths = e.paths.map((p) => ({ id: p.id, path: Array.from(p.nodes, (i) => twin.nodes[i]!.id), weight: p.probability }));
  return out;
}

/** A routed network's rules; matrix traffic is written as its rows (also how a scenario's changed rules are rebuilt, twins/network/rebuild.ts). */
export function networkInput(spec: NetworkSpec): NetworkInput {
  const t = spec.traffic;
  return {
    metric: spec.metric, ecmp: spec.ecmp, parallel: spec.parallel,
    links: spec.links.map((l) => ({ ...l })),
    traffic: t.kind === 'gravity' ? { gravity: { weights: typeof t.weights === 'string' ? t.weights : { ...t.weights } } } : { rows: t.rows.map((r) => [r[0], r[1], r[2]]) },
  };
}

export function twinToInput(twin: Twin): TwinFileForm {
  const profiles = new Map<string, RateProfile>();
  const input: TwinInput = {
    name: twin.name,
    description: twin.description,
    nodes: twin.nodes.map(nodeInput),
    edges: twin.nodes.flatMap((n) => edgeInputs(twin, n)),
    entries: twin.entries.map((e, i) => entryInput(twin, e, i, profiles)),
  };
  if (twin.network) input.network = networkInput(twin.network.spec);
  return { input, profiles };
}
