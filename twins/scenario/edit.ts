/**
 * The structural change a list of (checked) deltas makes to a twin. Node and
 * entry order are kept, so random streams (named by node and entry ids) stay
 * aligned and two variants can be compared with common random numbers. The
 * input twin is not changed. A routed network's tables are rebuilt with the
 * loader's builder when its rules change (linkDown, linkUp, linkMetric) or a link
 * station's capacity does; a downed link's station stays, and gets nothing.
 */
import type { DistributionSpec, RetryPolicy, RouteEdge, ScaleChange, Twin, TwinEntry, TwinNode } from '../definition/types.js';
import { rebuildNetwork } from '../network/rebuild.js';
import { editNetworkSpec, isLinkDelta, linkDeltaTime } from './network-ops.js';
import type { ScenarioDelta } from './types.js';

/** A service-time distribution with every time multiplied by f (shape parameters kept). */
export function scaleDistribution(d: DistributionSpec, f: number): DistributionSpec {
  switch (d.type) {
    case 'exponential': return { type: 'exponential', mean: d.mean * f };
    case 'deterministic': return { type: 'deterministic', value: d.value * f };
    case 'uniform': return { type: 'uniform', min: d.min * f, max: d.max * f };
    case 'normal': return { type: 'normal', mean: d.mean * f, sd: d.sd * f };
    case 'lognormal': return 'p50' in d ? { type: 'lognormal', p50: d.p50 * f, p99: d.p99 * f } : { type: 'lognormal', mean: d.mean * f, cv: d.cv };
    case 'gamma': return 'shape' in d ? { type: 'gamma', shape: d.shape, scale: d.scale * f } : { type: 'gamma', mean: d.mean * f, cv: d.cv };
    case 'empirical': return { type: 'empirical', values: d.values.map((v) => v * f) };
  }
}

/**
 * Route edges with new weights by target id, scaled so the total stays the
 * node's route total (the share that leaves is kept); several edges to one
 * target share its weight as their probabilities did.
 */
export function reweightRoutes(twin: Twin, node: TwinNode, weights: Readonly<Record<string, number>>): RouteEdge[] {
  const id = (e: RouteEdge): string => twin.nodes[e.to]!.id;
  const sumW = Object.values(weights).reduce((a, b) => a + b, 0);
  const perTarget = new Map<string, number>();
  for (const e of node.routes) perTarget.set(id(e), (perTarget.get(id(e)) ?? 0) + e.probability);
  let cumulative = 0;
  return node.routes.map((e) => {
    const within = perTarget.get(id(e))! > 0 ? e.probability / perTarget.get(id(e))! : 1 / node.routes.filter((f) => f.to === e.to).length;
    const probability = (node.routeTotal * (Object.hasOwn(weights, id(e)) ? weights[id(e)]! : 0) * within) / sumW;
    cumulative += probability;
    return { ...e, probability, cumulative };
  });
}

/** Applies the deltas in order; node and entry references must exist (check.ts). */
export function editTwin(twin: Twin, deltas: readonly ScenarioDelta[]): Twin {
  let nodes: TwinNode[] = [...twin.nodes];
  let entries: TwinEntry[] = [...twin.entries];
  const edit = (id: string, f: (n: TwinNode) => Partial<TwinNode>) => {
    const i = twin.indexOf.get(id)!;
    nodes[i] = { ...nodes[i]!, ...f(nodes[i]!) };
  };
  /** Sets a field on every call edge into node i (the callee's defaults were resolved into the edges at load). */
  const editCallsTo = (i: number, patch: { timeout?: number | null; retries?: RetryPolicy | null }) => {
    nodes = nodes.map((n) => ({
      ...n,
      callGroups: n.callGroups.map((g) => ({ ...g, calls: g.calls.map((c) => (c.to === i ? { ...c, ...patch } : c)) })),
    }));
  };
  for (const d of deltas) {
    switch (d.op) {
      case 'replicas':
        if ((d.at ?? 0) > 0) {
          const change: ScaleChange = { at: d.at!, replicas: d.replicas };
          // Kept in time order (stable for equal times: list order), as the model schedules them.
          edit(d.node, (n) => ({ scaleChanges: [...(n.scaleChanges ?? []), change].sort((a, b) => a.at - b.at) }));
        } else edit(d.node, () => ({ replicas: d.replicas }));
        break;
      case 'shedOptional': edit(d.node, () => ({ shedOptional: { probability: d.probability ?? 1, at: d.at ?? 0 } })); break;
      case 'routeWeights': edit(d.node, (n) => ({ routes: reweightRoutes(twin, n, d.weights) })); break;
      case 'circuitBreaker': {
        const to = twin.indexOf.get(d.to)!;
        const circuitBreaker = { failureRatio: d.failureRatio, window: d.window, minCalls: d.minCalls, openFor: d.openFor, at: d.at ?? 0 };
        edit(d.node, (n) => ({ callGroups: n.callGroups.map((g) => ({ ...g, calls: g.calls.map((c) => (c.to === to ? { ...c, circuitBreaker } : c)) })) }));
        break;
      }
      case 'rateLimit':
        entries = entries.map((e): TwinEntry => (e.id === d.entry ? { ...e, rateLimit: { rate: d.rate, burst: d.burst, at: d.at ?? 0 } } : e));
        break;
      case 'servers': edit(d.node, () => ({ servers: d.servers })); break;
      case 'queue': edit(d.node, () => ({ queue: d.capacity })); break;
      case 'serviceScale': edit(d.node, (n) => ({ service: n.service ? scaleDistribution(n.service, d.factor) : null })); break;
      case 'autoscale': edit(d.node, () => ({ autoscale: d.autoscale })); break;
      case 'memLimit': edit(d.node, (n) => ({ resources: n.resources ? { ...n.resources, memLimit: d.memLimit } : null })); break;
      case 'timeout': edit(d.node, () => ({ timeout: d.timeout })); editCallsTo(twin.indexOf.get(d.node)!, { timeout: d.timeout }); break;
      case 'retries': edit(d.node, () => ({ retries: d.retries })); editCallsTo(twin.indexOf.get(d.node)!, { retries: d.retries }); break;
      case 'loadScale':
        entries = entries.map((e): TwinEntry => {
          if (d.entry !== undefined && e.id !== d.entry) return e;
          const a = e.arrival;
          const arrival = a.kind === 'constant' ? { ...a, rate: a.rate * d.factor } : { ...a, scale: a.scale * d.factor };
          return { ...e, arrival };
        });
        break;
    }
  }
  const net = twin.network;
  if (!net) return { ...twin, nodes, entries };
  // A routed network's tables follow its rules and its link stations' capacities (the split over parallel links).
  const linkDeltas = deltas.filter(isLinkDelta);
  const touchesLink = deltas.some((d) => 'node' in d && net.linkTo[twin.indexOf.get(d.node)!]! >= 0);
  if (linkDeltas.length === 0 && !touchesLink) return { ...twin, nodes, entries };
  const { network, warnings } = rebuildNetwork(twin, nodes, editNetworkSpec(net.spec, linkDeltas.filter((d) => linkDeltaTime(d) === 0)));
  // Timed link changes: from each time on, the tables of every link change up to then (editNetworkSpec: in time order).
  const times = [...new Set(linkDeltas.map(linkDeltaTime).filter((t) => t > 0))].sort((a, b) => a - b);
  const timed = times.map((at) => ({ at, built: rebuildNetwork(twin, nodes, editNetworkSpec(net.spec, linkDeltas.filter((d) => linkDeltaTime(d) <= at))) }));
  // A warning of the network holds from the time it first appears until a later change clears it (a linkUp).
  const startWarnings = warnings.map((w) => {
    const until = timed.find((t) => !t.built.warnings.includes(w))?.at;
    return until !== undefined ? `until ${until} s: ${w}` : w;
  });
  const spans: string[] = [];
  timed.forEach(({ at, built }, i) => {
    const before = i === 0 ? warnings : timed[i - 1]!.built.warnings;
    for (const w of built.warnings) {
      if (before.includes(w)) continue;
      const until = timed.slice(i + 1).find((t) => !t.built.warnings.includes(w))?.at;
      spans.push(`from ${at} s${until !== undefined ? ` to ${until} s` : ''}: ${w}`);
    }
  });
  return {
    ...twin, nodes, entries, network, warnings: [...startWarnings, ...spans],
    ...(timed.length > 0 ? { networkChanges: timed.map(({ at, built }) => ({ at, routing: built.network })) } : {}),
  };
}
