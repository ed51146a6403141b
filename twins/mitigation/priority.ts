/**
 * Where a candidate budget goes first. Nodes at risk are taken most likely
 * first; among equally likely ones, the probable cause before its symptoms:
 *  - a node failing on its own resources (oom, saturation, overflow, cpu)
 *    before one failing on latency or errors, which a slow or failing callee
 *    passes up the call graph;
 *  - then a node that another node at risk calls (directly or not) before
 *    that caller: the caller's errors are often the callee's failure.
 * Strategies are then interleaved across the nodes (the first strategy of
 * each, then the second of each, ...), so a budget of 3 candidates over 3
 * nodes tries one fix per node instead of three fixes of the first one.
 */
import type { Twin } from '../definition/types.js';
import type { Anomaly, Strategy } from './types.js';

/** Conditions a node reaches by itself; latency and errors are what its callers also show when it fails. */
const OWN_CAUSE = new Set(['oom', 'saturation', 'overflow', 'cpu']);

const riskOf = (a: Anomaly): number => (a.evidence.source === 'risk' ? a.evidence.pFail.mean : 0);
const causeRank = (a: Anomaly): number => {
  if (a.evidence.source !== 'risk') return 0;
  const c = a.evidence.condition;
  return c !== null && OWN_CAUSE.has(c) ? 0 : c === null ? 2 : 1;
};

/** Ids of the nodes `id` calls, directly or through others (sync or async). */
function downstream(twin: Twin, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const i = twin.indexOf.get(stack.pop()!);
    if (i === undefined) continue;
    for (const g of twin.nodes[i]!.callGroups) {
      for (const c of g.calls) {
        const to = twin.nodes[c.to]!.id;
        if (!seen.has(to)) { seen.add(to); stack.push(to); }
      }
    }
  }
  return seen;
}

/** The anomalies most likely first; ties: own-cause conditions, then callees before the at-risk nodes that call them; then as given. */
export function byLikelyCause(twin: Twin, anomalies: readonly Anomaly[]): Anomaly[] {
  const nodes = [...new Set(anomalies.map((a) => a.node))];
  // How many other at-risk nodes call this one (directly or not): the more callers at risk, the likelier it is their cause.
  const callersAtRisk = new Map(nodes.map((n) => [n, 0]));
  for (const n of nodes) for (const d of downstream(twin, n)) if (d !== n && callersAtRisk.has(d)) callersAtRisk.set(d, callersAtRisk.get(d)! + 1);
  return anomalies
    .map((a, i) => ({ a, i }))
    .sort((x, y) => riskOf(y.a) - riskOf(x.a) || causeRank(x.a) - causeRank(y.a) || callersAtRisk.get(y.a.node)! - callersAtRisk.get(x.a.node)! || x.i - y.i)
    .map((x) => x.a);
}

/** Strategies in the order a budget should take them: round-robin over the nodes they address first, in the anomalies' order. */
export function interleaveByNode(strategies: readonly Strategy[], anomalies: readonly Anomaly[]): Strategy[] {
  const nodeOf = new Map(anomalies.map((a) => [a.id, a.node]));
  const order = [...new Set(anomalies.map((a) => a.node))];
  const queues = new Map<string, Strategy[]>(order.map((n) => [n, []]));
  const rest: Strategy[] = [];
  for (const s of strategies) {
    const node = s.addresses.map((id) => nodeOf.get(id)).find((n) => n !== undefined);
    (node !== undefined ? queues.get(node)! : rest).push(s);
  }
  const out: Strategy[] = [];
  for (let k = 0; out.length + rest.length < strategies.length; k++) {
    for (const n of order) {
      const s = queues.get(n)![k];
      if (s) out.push(s);
    }
  }
  return [...out, ...rest];
}
