/**
 * The twin as a graphology graph, for algorithms: cycles of sync calls,
 * reachability from the entries, jobs trapped by routing, neighbourhoods (for
 * the shadow's dependency radius). Built fresh on demand: the Twin itself
 * stays immutable.
 */
import { MultiDirectedGraph } from 'graphology';
import type { Twin } from './types.js';

export interface TwinGraphNode {
  readonly index: number;
  readonly kind: string;
}

export interface TwinGraphEdge {
  /** route: probabilistic routing; call: RPC; path: consecutive nodes of an entry's fixed path. */
  readonly type: 'route' | 'call' | 'path';
  readonly mode?: 'sync' | 'async';
  readonly probability?: number;
  readonly meanCalls?: number;
}

export type TwinGraph = MultiDirectedGraph<TwinGraphNode, TwinGraphEdge>;

/** Node keys are node ids; edge keys are the twin's edge keys (`a->b#k`), path edges `a->b#path`. */
export function buildTwinGraph(twin: Twin): TwinGraph {
  const g: TwinGraph = new MultiDirectedGraph<TwinGraphNode, TwinGraphEdge>();
  for (const n of twin.nodes) g.addNode(n.id, { index: n.index, kind: n.kind });
  for (const n of twin.nodes) {
    for (const r of n.routes) g.addDirectedEdgeWithKey(r.key, n.id, twin.nodes[r.to]!.id, { type: 'route', probability: r.probability });
    for (const grp of n.callGroups) {
      for (const c of grp.calls) g.addDirectedEdgeWithKey(c.key, n.id, twin.nodes[c.to]!.id, { type: 'call', mode: c.mode, meanCalls: c.meanCalls });
    }
  }
  for (const e of twin.entries) {
    for (const p of e.paths ?? []) {
      for (let i = 1; i < p.nodes.length; i++) {
        const a = twin.nodes[p.nodes[i - 1]!]!.id;
        const b = twin.nodes[p.nodes[i]!]!.id;
        const key = `${a}->${b}#path`;
        if (!g.hasEdge(key)) g.addDirectedEdgeWithKey(key, a, b, { type: 'path' });
      }
    }
  }
  return g;
}

/** Ids reachable from `start` following edges accepted by `follow` (start included). */
export function reachable(g: TwinGraph, start: Iterable<string>, follow: (e: TwinGraphEdge) => boolean = () => true, direction: 'out' | 'in' = 'out'): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  for (const s of stack) seen.add(s);
  while (stack.length > 0) {
    const v = stack.pop()!;
    const visit = (_e: string, attr: TwinGraphEdge, src: string, dst: string): void => {
      const w = direction === 'out' ? dst : src;
      if (follow(attr) && !seen.has(w)) {
        seen.add(w);
        stack.push(w);
      }
    };
    if (direction === 'out') g.forEachOutEdge(v, visit);
    else g.forEachInEdge(v, visit);
  }
  return seen;
}

/** Nodes the entries can reach through routes, calls and fixed paths. */
export function reachableFromEntries(twin: Twin, g: TwinGraph = buildTwinGraph(twin)): Set<string> {
  return reachable(g, twin.entries.map((e) => twin.nodes[e.node]!.id));
}

/**
 * Cycles of sync calls (each a list of node ids, first = last omitted), found
 * by depth-first search in node order, so the report is deterministic. A sync
 * cycle would hold workers forever: a call graph needs none.
 */
export function syncCallCycles(twin: Twin): string[][] {
  // Sync targets of each node, in edge order.
  const targets = twin.nodes.map((node) => node.callGroups.flatMap((g) => g.calls.filter((c) => c.mode === 'sync').map((c) => c.to)));
  return directedCycles(targets).map((cyc) => cyc.map((i) => twin.nodes[i]!.id));
}

/** The message of a sync-call cycle, for the twin loader and the call-graph importer alike. */
export function syncCycleMessage(ids: readonly string[]): string {
  return `sync calls form a cycle: ${[...ids, ids[0]].join(' -> ')} (a call graph needs none; make one call async or remove it)`;
}

/**
 * Cycles of a directed graph given by the targets of each vertex (vertex
 * numbers, first = last omitted), each set of vertices once, by depth-first
 * search from each vertex in order. Shared by syncCallCycles and the
 * call-graph importer, which reports a cycle at the call that closes it.
 */
export function directedCycles(targets: readonly (readonly number[])[]): number[][] {
  const n = targets.length;
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const cycles: number[][] = [];
  const found = new Set<string>();
  // Iterative depth-first search (a call chain can be thousands deep): the path, and the next edge of each node on it.
  const path: number[] = [];
  const next: number[] = [];
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    state[root] = 1;
    path.push(root);
    next.push(0);
    while (path.length > 0) {
      const v = path[path.length - 1]!;
      const k = next[next.length - 1]!;
      if (k >= targets[v]!.length) {
        state[v] = 2;
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = k + 1;
      const w = targets[v]![k]!;
      if (state[w] === 1) {
        const cyc = path.slice(path.indexOf(w));
        const sig = [...cyc].sort((a, b) => a - b).join(',');
        if (!found.has(sig)) {
          found.add(sig);
          cycles.push(cyc);
        }
      } else if (state[w] === 0) {
        state[w] = 1;
        path.push(w);
        next.push(0);
      }
    }
  }
  return cycles;
}

/**
 * The longest chain of nested sync calls (node ids from the caller down),
 * for a twin without sync cycles. Iterative, memoised: chains can be
 * thousands deep.
 */
export function deepestSyncChain(twin: Twin): string[] {
  const n = twin.nodes.length;
  const targets = twin.nodes.map((node) => node.callGroups.flatMap((g) => g.calls.filter((c) => c.mode === 'sync').map((c) => c.to)));
  const depth = new Int32Array(n).fill(-1); // nodes on the longest chain from here, -1 = not yet known
  const below = new Int32Array(n).fill(-1); // next node on that chain
  for (let root = 0; root < n; root++) {
    const stack = [root];
    while (stack.length > 0) {
      const v = stack[stack.length - 1]!;
      if (depth[v]! >= 0) {
        stack.pop();
        continue;
      }
      const pending = targets[v]!.filter((w) => depth[w] === -1);
      if (pending.length > 0 && depth[v] !== -2) {
        depth[v] = -2; // callees pushed once (the twin has no sync cycle: none of them is an ancestor)
        stack.push(...pending);
        continue;
      }
      let best = 1;
      for (const w of targets[v]!) {
        if (depth[w]! + 1 > best) [best, below[v]] = [depth[w]! + 1, w];
      }
      depth[v] = best;
      stack.pop();
    }
  }
  let start = 0;
  for (let v = 1; v < n; v++) if (depth[v]! > depth[start]!) start = v;
  const chain: string[] = [];
  for (let v = start; v >= 0 && chain.length <= n; v = below[v]!) chain.push(twin.nodes[v]!.id);
  return chain;
}

/**
 * Nodes that jobs can reach by routing (from entries without fixed paths) but
 * from which no route sequence leads out of the system: jobs there circulate
 * forever. A node lets jobs out when its route probabilities sum below 1.
 */
export function routeTraps(twin: Twin, g: TwinGraph = buildTwinGraph(twin)): string[] {
  const starts = new Set<string>();
  for (const e of twin.entries) if (e.paths === null) starts.add(twin.nodes[e.node]!.id);
  // Call targets also route their jobs after service (a call's job leaves where its routes end).
  for (const n of twin.nodes) for (const grp of n.callGroups) for (const c of grp.calls) starts.add(twin.nodes[c.to]!.id);
  const isRoute = (e: TwinGraphEdge): boolean => e.type === 'route' && (e.probability ?? 0) > 0;
  const routed = reachable(g, starts, isRoute);
  const exits = twin.nodes.filter((n) => n.routeTotal < 1 - 1e-9).map((n) => n.id);
  const canExit = reachable(g, exits, isRoute, 'in');
  return twin.nodes.filter((n) => routed.has(n.id) && !canExit.has(n.id)).map((n) => n.id);
}

/** Ids within `depth` hops of `ids` (both directions, every edge type), the seeds included. */
export function neighbourhood(g: TwinGraph, ids: Iterable<string>, depth: number): Set<string> {
  let frontier = [...ids];
  const seen = new Set(frontier);
  for (let d = 0; d < depth && frontier.length > 0; d++) {
    const next: string[] = [];
    for (const v of frontier) {
      g.forEachNeighbor(v, (w) => {
        if (!seen.has(w)) {
          seen.add(w);
          next.push(w);
        }
      });
    }
    frontier = next;
  }
  return seen;
}
