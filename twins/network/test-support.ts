/** Small routed networks written inline for the network tests. */
import type { NetworkInput, NodeInput, TwinInput } from '../definition/input.js';
import type { Twin } from '../definition/types.js';
import { routedLoads } from './loads.js';

/** Five routers: A-B, B-C, A-D, D-C, C-E, full duplex; one-way delays in ms per link. */
export const FIVE_LINKS: readonly [string, string, number][] = [['A', 'B', 1], ['B', 'C', 1], ['A', 'D', 1.5], ['D', 'C', 1.2], ['C', 'E', 1]];

/**
 * A twin file object: routers (sorted), one station per link direction
 * (`a->b#k`, k counting links between the same two routers; mean service
 * `service` s, or the link's own 4th field), the network rules, and entries.
 */
export function routedTwin(links: readonly (readonly [string, string, number, number?])[], network: Omit<NetworkInput, 'links'>, entries: TwinInput['entries'], service = 0.001): TwinInput {
  const routers = [...new Set(links.flatMap(([a, b]) => [a, b]))].sort();
  const nodes: NodeInput[] = routers.map((id) => ({ id, kind: 'router' }));
  const dirs: NetworkInput['links'] = [];
  const count = new Map<string, number>();
  for (const [a, b, ms, own] of links) {
    const pair = [a, b].sort().join('|');
    const k = count.get(pair) ?? 0;
    count.set(pair, k + 1);
    for (const [x, y] of [[a, b], [b, a]] as const) {
      nodes.push({ id: `${x}->${y}#${k}`, kind: 'link', servers: 1, service: { type: 'exponential', mean: own ?? service }, delay: ms / 1000 });
      dirs.push({ station: `${x}->${y}#${k}`, from: x, to: y });
    }
  }
  return { name: 'routed', nodes, entries, network: { ...network, links: dirs } };
}

/** A square A-B-C-D (1 ms a side) with the diagonal A-C (1.5 ms): every hand-routed case of the metric and scenario tests. */
export const SQUARE: readonly [string, string, number][] = [['A', 'B', 1], ['B', 'C', 1], ['C', 'D', 1], ['D', 'A', 1], ['A', 'C', 1.5]];

/** Sets `metric` on the named link directions of a twin file object (in place; returns it). */
export function withMetrics(input: TwinInput, metrics: Readonly<Record<string, number>>): TwinInput {
  for (const l of input.network!.links) if (Object.hasOwn(metrics, l.station)) l.metric = metrics[l.station]!;
  return input;
}

/** The choice set at router u for destination d: station ids and shares (12 decimals). */
export function choicesAt(twin: Twin, u: string, d: string): [string, number][] {
  const net = twin.network!;
  const R = net.routers.length;
  const set = net.nextHop[net.routerOf[twin.indexOf.get(d)!]! * R + net.routerOf[twin.indexOf.get(u)!]!]!;
  if (set < 0) return [];
  const out: [string, number][] = [];
  let prev = 0;
  for (let j = net.choiceStart[set]!; j < net.choiceStart[set + 1]!; j++) {
    out.push([twin.nodes[net.choiceStation[j]!]!.id, +(net.choiceCum[j]! - prev).toFixed(12)]);
    prev = net.choiceCum[j]!;
  }
  return out;
}

/** Closed-form offered load (packets/s, 9 decimals) per link station id, for `rate` packets/s leaving each router that has an entry. */
export function loadsById(twin: Twin, rate: number): Record<string, number> {
  const net = twin.network!;
  const origin = new Float64Array(net.routers.length);
  for (const e of twin.entries) if (net.routerOf[e.node]! >= 0) origin[net.routerOf[e.node]!] = rate;
  const { station } = routedLoads(net, origin, twin.nodes.length);
  const out: Record<string, number> = {};
  for (const n of twin.nodes) if (n.kind === 'link') out[n.id] = +station[n.index]!.toFixed(9);
  return out;
}
