/**
 * A layered ("Sugiyama-style") layout of a topology for the risk map: callers
 * to the left of callees. Cycles are broken at their DFS back edges, each node
 * sits one layer right of its furthest caller (longest path), and nodes within
 * a layer are ordered by the barycentre of their neighbours, which untangles
 * most crossings of call graphs. graphology holds the graph (no layout
 * package is among the kept dependencies); the result depends only on the
 * input, node order included, so the report is reproducible.
 */
import { DirectedGraph } from 'graphology';
import type { ReportTopology } from '../../nightly/report-data.js';

export interface PlacedNode {
  readonly id: string;
  /** Layer (0 = no callers) and rank within the layer, centred on 0. */
  readonly x: number;
  readonly y: number;
}

export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  readonly x: number;
  readonly y: number;
  readonly x2: number;
  readonly y2: number;
}

export interface LayeredLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly layers: number;
  /** Nodes in the most populated layer. */
  readonly widest: number;
}

/** Sweeps of barycentre ordering (down then up each); a few suffice for service graphs. */
const SWEEPS = 4;

function buildGraph(topology: Pick<ReportTopology, 'nodes' | 'edges'>): DirectedGraph {
  const g = new DirectedGraph();
  for (const n of topology.nodes) g.mergeNode(n.id);
  for (const e of topology.edges) {
    if (e.from !== e.to && g.hasNode(e.from) && g.hasNode(e.to)) g.mergeEdge(e.from, e.to);
  }
  return g;
}

/** Edges that close a cycle in a depth-first search started from the sources, then from any node left, in input order. */
function backEdges(g: DirectedGraph, order: readonly string[]): Set<string> {
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<string>();
  const visit = (v: string): void => {
    state.set(v, 'open');
    for (const w of g.outNeighbors(v)) {
      const s = state.get(w);
      if (s === 'open') back.add(g.edge(v, w)!);
      else if (s === undefined) visit(w);
    }
    state.set(v, 'done');
  };
  for (const v of order.filter((v) => g.inDegree(v) === 0)) if (!state.has(v)) visit(v);
  for (const v of order) if (!state.has(v)) visit(v);
  return back;
}

/** Longest-path layer of every node over the acyclic part of the graph (Kahn's order, ties by input order). */
function assignLayers(g: DirectedGraph, order: readonly string[], back: Set<string>): Map<string, number> {
  const forwardIn = (v: string) => g.inEdges(v).filter((e) => !back.has(e));
  const pending = new Map(order.map((v) => [v, forwardIn(v).length]));
  const layer = new Map<string, number>(order.map((v) => [v, 0]));
  const ready = order.filter((v) => pending.get(v) === 0);
  for (let i = 0; i < ready.length; i++) {
    const v = ready[i]!;
    for (const e of g.outEdges(v)) {
      if (back.has(e)) continue;
      const w = g.target(e);
      layer.set(w, Math.max(layer.get(w)!, layer.get(v)! + 1));
      const left = pending.get(w)! - 1;
      pending.set(w, left);
      if (left === 0) ready.push(w);
    }
  }
  return layer;
}

/** Reorders each layer by the mean rank of its neighbours in the adjacent layer; nodes without such neighbours keep their place. */
function sweep(g: DirectedGraph, layers: string[][], down: boolean): void {
  const rank = new Map<string, number>();
  layers.forEach((l) => l.forEach((v, i) => rank.set(v, i)));
  const range = down ? layers.map((_, i) => i).slice(1) : layers.map((_, i) => i).reverse().slice(1);
  for (const li of range) {
    const adjacent = new Set(layers[down ? li - 1 : li + 1]);
    const keyed = layers[li]!.map((v, i) => {
      const ns = (down ? g.inNeighbors(v) : g.outNeighbors(v)).filter((w) => adjacent.has(w));
      const key = ns.length ? ns.reduce((s, w) => s + rank.get(w)!, 0) / ns.length : i;
      return { v, key, i };
    });
    keyed.sort((a, b) => a.key - b.key || a.i - b.i);
    layers[li] = keyed.map((k) => k.v);
    layers[li]!.forEach((v, i) => rank.set(v, i));
  }
}

export function layeredLayout(topology: Pick<ReportTopology, 'nodes' | 'edges'>): LayeredLayout {
  const g = buildGraph(topology);
  const order = g.nodes();
  const layerOf = assignLayers(g, order, backEdges(g, order));
  const count = Math.max(0, ...layerOf.values()) + (order.length ? 1 : 0);
  const layers: string[][] = Array.from({ length: count }, () => []);
  for (const v of order) layers[layerOf.get(v)!]!.push(v);
  for (let s = 0; s < SWEEPS; s++) {
    sweep(g, layers, true);
    sweep(g, layers, false);
  }
  const pos = new Map<string, PlacedNode>();
  layers.forEach((l, x) => l.forEach((id, i) => pos.set(id, { id, x, y: i - (l.length - 1) / 2 })));
  const edges = g.mapEdges((_e, _a, from, to) => {
    const a = pos.get(from)!;
    const b = pos.get(to)!;
    return { from, to, x: a.x, y: a.y, x2: b.x, y2: b.y };
  });
  return { nodes: order.map((v) => pos.get(v)!), edges, layers: count, widest: Math.max(0, ...layers.map((l) => l.length)) };
}
