/**
 * Reroute on a routed network (twin.network): when the node at risk is a link
 * station, raise the IGP metric of that one direction so that the shortest
 * paths of (some of) its traffic go around it, as operators reroute by metric
 * tuning. Two candidates, each kept only if the closed-form routed load
 * (twins/network/loads.ts) on the link falls and no pair becomes unroutable:
 *  - detour: the metric just above the point where every destination it
 *    carries has a cheaper path around it (for each such destination d, the
 *    cost from its tail router u to d avoiding it, less the cost from its
 *    head router v; the largest, +1 %, rounded up to 3 significant digits).
 *    Destinations with no path around it (a bridge) stay on it.
 *  - double: twice its present metric, when that is below the detour one: a
 *    partial shift (only destinations whose detour costs less than the
 *    extra move), gentler on the links that take the traffic.
 * The Jackson-network reroute (route weights, generate-timed.ts) is separate.
 */
import type { Twin, TwinNode } from '../definition/types.js';
import { routedLoads } from '../network/loads.js';
import { rebuildNetwork } from '../network/rebuild.js';
import { shortestDistances } from '../network/routing.js';
import { editNetworkSpec } from '../scenario/network-ops.js';
import type { ActionGenerator, StrategyDraft } from './generate-actions.js';
import { rateOf } from './generate-timed.js';

/** Packets/s leaving each router: its routed entries' mean rates (an entry driven by a forecast counts 1, a relative weight). */
function originRates(twin: Twin): Float64Array {
  const net = twin.network!;
  const rate = new Float64Array(net.routers.length);
  for (const e of twin.entries) {
    const o = net.routerOf[e.node]!;
    if (o >= 0 && e.paths === null) rate[o]! += rateOf(e)?.mean ?? 1;
  }
  return rate;
}

/** x rounded up to 3 significant digits. */
function ceil3(x: number): number {
  const unit = 10 ** (Math.floor(Math.log10(x)) - 2);
  return Number((Math.ceil(x / unit - 1e-9) * unit).toPrecision(3));
}

const fmt = (x: number): string => String(Number(x.toPrecision(4)));

export const networkReroute: ActionGenerator = {
  action: 'reroute',
  roles: ['atRisk'],
  generate({ twin, atRisk }) {
    const net = twin.network;
    if (!net || net.linkTo[atRisk.index]! < 0) return [];
    const k = net.spec.links.findIndex((l) => l.station === atRisk.id);
    if (k < 0 || net.spec.links[k]!.down === true) return [];
    const base = rebuildNetwork(twin, twin.nodes, net.spec);
    const { links } = base;
    const R = links.routers;
    const u = links.from[k]!;
    const v = links.to[k]!;
    const w = links.weight[k]!;
    // Destinations whose choice set at u includes this direction.
    const carried: number[] = [];
    for (let d = 0; d < R; d++) {
      const set = net.nextHop[d * R + u]!;
      if (set < 0) continue;
      for (let j = net.choiceStart[set]!; j < net.choiceStart[set + 1]!; j++) if (net.choiceStation[j] === atRisk.index) { carried.push(d); break; }
    }
    if (carried.length === 0) return [];
    const down = Uint8Array.from(links.down ?? new Uint8Array(links.from.length));
    down[k] = 1;
    const around = shortestDistances({ ...links, down }, carried);
    let detour = 0;
    let movable = 0;
    around.forEach((dist) => {
      if (dist[u] === Infinity) return;
      movable++;
      detour = Math.max(detour, dist[u]! - dist[v]!);
    });
    if (movable === 0) return [];
    const metrics = new Map<number, string>();
    const top = ceil3(detour * 1.01);
    const double = Number((2 * w).toPrecision(6));
    if (double < top) metrics.set(double, 'double');
    metrics.set(top, 'detour');
    const rates = originRates(twin);
    const before = routedLoads(net, rates, twin.nodes.length).station;
    const out: StrategyDraft[] = [];
    for (const [metric, kind] of metrics) {
      const delta = { op: 'linkMetric' as const, station: atRisk.id, metric };
      const after = rebuildNetwork(twin, twin.nodes, editNetworkSpec(net.spec, [delta])).network;
      if (after.unroutablePairs > net.unroutablePairs) continue;
      const load = routedLoads(after, rates, twin.nodes.length).station;
      const was = before[atRisk.index]!;
      const now = load[atRisk.index]!;
      if (!(now < was * (1 - 1e-9))) continue;
      const gainers = twin.nodes
        .filter((n: TwinNode) => net.linkTo[n.index]! >= 0 && load[n.index]! > before[n.index]! * (1 + 1e-9) + 1e-12)
        .sort((a, b) => (load[b.index]! - before[b.index]!) - (load[a.index]! - before[a.index]!) || a.index - b.index)
        .slice(0, 3).map((n) => n.id);
      const why = kind === 'detour'
        ? `just above its next-best path for the ${movable} of ${carried.length} destination(s) it carries that have one`
        : 'twice its present metric (destinations with a detour cheaper than the extra move leave it)';
      out.push({
        action: 'reroute', target: atRisk.id, params: [['from', Number(w.toPrecision(6))], ['metric', metric]], reversible: true,
        deltas: [delta],
        description: `raise the IGP metric of link direction ${atRisk.id} (${twin.nodes[net.routers[u]!]!.id} → ${twin.nodes[net.routers[v]!]!.id}) from ${fmt(w)} to ${fmt(metric)}, ${why}: ` +
          `its routed load falls from ${fmt(was)} to ${fmt(now)} packets/s (closed form)${gainers.length > 0 ? `, onto ${gainers.join(', ')}` : ''}`,
      });
    }
    return out;
  },
};
