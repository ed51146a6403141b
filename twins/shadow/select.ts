/**
 * Differential duplication: which nodes of the twin become real processes
 * (duplicate), which are answered by the stub process (stub) and which are
 * left out (omit), each with its reasons (docs/shadow.md, "Which nodes").
 *
 *  - critical: P(fail) upper bound >= θ(f);
 *  - support: within d(f) hops of a critical node (any edge, either direction);
 *  - entry path: nodes on a directed path from an entry's node to a
 *    duplicated node, so that the entry's traffic reaches it through the same
 *    calls as in production (a stub answers, it does not forward);
 *  - stub: a callee of a duplicated node that is not duplicated itself;
 *  - omit: everything else.
 * Every step is monotone in f (θ decreases, d grows, closures of larger sets
 * are larger), so a higher fidelity duplicates a superset of the nodes.
 * Budget trimming (`excluded`) is the only thing that removes a node.
 */
import { buildTwinGraph, neighbourhood, reachable, type TwinGraph } from '../definition/graph.js';
import type { Twin } from '../definition/types.js';
import { depth, threshold } from './fidelity.js';
import type { NodeAction, PFailInterval } from './plan-types.js';

export interface Selection {
  readonly threshold: number;
  readonly depth: number;
  /** Node ids, in twin order. */
  readonly critical: readonly string[];
  /** Support nodes (not critical) within the depth, before any exclusion, in twin order. */
  readonly support: readonly string[];
  readonly action: ReadonlyMap<string, NodeAction>;
  readonly reasons: ReadonlyMap<string, readonly string[]>;
  /** Critical or support nodes removed by `excluded` and not brought back as an entry path. */
  readonly excluded: readonly string[];
}

const fmt = (x: number) => Number(x.toPrecision(3)).toString();

export function describePFail(p: PFailInterval | null, theta: number): string {
  if (!p) return 'no P(fail) in the simulation result';
  return `P(fail) ${fmt(p.mean)} [${fmt(p.lo)}, ${fmt(p.hi)}] ${p.hi >= theta ? '>=' : '<'} θ ${fmt(theta)}`;
}

/** Multi-source breadth-first distances (either direction, any edge) with the seed each node was reached from. */
function distancesFrom(g: TwinGraph, seeds: readonly string[], maxDepth: number): Map<string, { hops: number; from: string }> {
  const out = new Map<string, { hops: number; from: string }>();
  let frontier = seeds.slice();
  for (const s of seeds) out.set(s, { hops: 0, from: s });
  for (let d = 1; d <= maxDepth && frontier.length > 0; d++) {
    const next: string[] = [];
    for (const v of frontier) {
      const from = out.get(v)!.from;
      g.forEachNeighbor(v, (w) => {
        if (!out.has(w)) {
          out.set(w, { hops: d, from });
          next.push(w);
        }
      });
    }
    frontier = next;
  }
  return out;
}

/**
 * `pFail`: per node id (nodes absent count as never critical). `excluded`:
 * critical or support nodes the budget removed (they come back only when
 * another duplicated node needs them on an entry path).
 */
export function selectNodes(twin: Twin, pFail: ReadonlyMap<string, PFailInterval>, f: number, excluded: ReadonlySet<string> = new Set(), g: TwinGraph = buildTwinGraph(twin)): Selection {
  const theta = threshold(f);
  const d = depth(f);
  const ids = twin.nodes.map((n) => n.id);
  const criticalSet = new Set(ids.filter((id) => (pFail.get(id)?.hi ?? -1) >= theta));
  const critical = ids.filter((id) => criticalSet.has(id));
  const near = neighbourhood(g, critical, d);
  const support = ids.filter((id) => near.has(id) && !criticalSet.has(id));
  const seeds = new Set(ids.filter((id) => near.has(id) && !excluded.has(id)));

  // Entry paths: forward-reachable from the entry's node and backward-reachable from a seed.
  const toSeeds = reachable(g, seeds, () => true, 'in');
  const pathOf = new Map<string, string[]>();
  for (const e of twin.entries) {
    const start = twin.nodes[e.node]!.id;
    const fromEntry = reachable(g, [start]);
    for (const id of ids) {
      if (fromEntry.has(id) && toSeeds.has(id) && !seeds.has(id)) pathOf.set(id, [...(pathOf.get(id) ?? []), e.id]);
    }
  }
  const duplicated = new Set([...seeds, ...pathOf.keys()]);

  const callersOf = new Map<string, string[]>();
  for (const n of twin.nodes) {
    if (!duplicated.has(n.id)) continue;
    for (const grp of n.callGroups) {
      for (const c of grp.calls) {
        const to = twin.nodes[c.to]!.id;
        if (duplicated.has(to)) continue;
        const list = callersOf.get(to) ?? [];
        if (!list.includes(n.id)) list.push(n.id);
        callersOf.set(to, list);
      }
    }
  }

  const dist = distancesFrom(g, critical, d);
  const action = new Map<string, NodeAction>();
  const reasons = new Map<string, string[]>();
  for (const n of twin.nodes) {
    const id = n.id;
    const why = [describePFail(pFail.get(id) ?? null, theta) + (criticalSet.has(id) ? ': critical' : '')];
    const hop = dist.get(id);
    if (hop && hop.hops > 0) why.push(`support: ${hop.hops} hop${hop.hops === 1 ? '' : 's'} from critical ${hop.from} (d(f) = ${d})`);
    if (excluded.has(id) && near.has(id)) why.push('budget: dropped, lowest risk first');
    const paths = pathOf.get(id);
    if (paths) why.push(`on the entry path of ${paths.join(', ')}: carries its traffic to the duplicated nodes`);
    if (duplicated.has(id)) {
      action.set(id, 'duplicate');
      if (n.routes.length > 0) why.push(`its routing after service (${n.routes.map((r) => `${twin.nodes[r.to]!.id} ${fmt(r.probability)}`).join(', ')}) is not emulated: the emulator follows calls only`);
    } else if (callersOf.has(id)) {
      action.set(id, 'stub');
      why.push(`callee of ${callersOf.get(id)!.join(', ')}: answered by the stub process`);
    } else {
      action.set(id, 'omit');
      if (!near.has(id)) why.push(d === 0 ? 'not critical (d(f) = 0: no support set)' : `not within ${d} hop${d === 1 ? '' : 's'} of a critical node`);
      why.push('no duplicated node calls it');
    }
    reasons.set(id, why);
  }
  return {
    threshold: theta,
    depth: d,
    critical,
    support,
    action,
    reasons,
    excluded: ids.filter((id) => excluded.has(id) && near.has(id) && !duplicated.has(id)),
  };
}

/** Ids with action `duplicate`, in twin order. */
export function duplicatedIds(twin: Twin, s: Selection): string[] {
  return twin.nodes.map((n) => n.id).filter((id) => s.action.get(id) === 'duplicate');
}
