/**
 * Connected components of a topology's router multigraph
 * (graphology-components), largest first, ties by the first router's file
 * order: reported by the importers, and what a disconnected network's
 * unroutable pairs come from.
 */
import { MultiUndirectedGraph } from 'graphology';
import { connectedComponents } from 'graphology-components';
import type { ZooTopology } from './graphml.js';

export function routerComponents(topo: ZooTopology): string[][] {
  const multi = new MultiUndirectedGraph();
  for (const r of topo.routers) multi.addNode(r.id);
  for (const l of topo.links) multi.addEdgeWithKey(l.key, l.source, l.target);
  const order = new Map(topo.routers.map((r, i) => [r.id, i]));
  return connectedComponents(multi).sort((a, b) => b.length - a.length || order.get(a[0]!)! - order.get(b[0]!)!);
}
