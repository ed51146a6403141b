/** Small routed networks written inline for the network tests. */
import type { NetworkInput, NodeInput, TwinInput } from '../definition/input.js';

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
