/**
 * Candidate strategies for the anomalies of a twin: each action of the
 * catalogue (generate-actions.ts) is asked for candidates on the node of each
 * anomaly, on its sync callees and on its callers, as it declares; every
 * candidate is checked by applying its deltas to the twin, and one that the
 * twin refuses is reported, not proposed. Ids are stable: the same twin and
 * anomalies give the same strategies, in the same order.
 */
import type { Twin, TwinNode } from '../definition/types.js';
import { applyScenario } from '../scenario/index.js';
import { ACTION_GENERATORS, DEFAULT_LIMITS, type ActionGenerator, type GenerateLimits, type NodeRole, type StrategyDraft } from './generate-actions.js';
import type { Anomaly, Strategy } from './types.js';

export interface GeneratedStrategies {
  readonly strategies: readonly Strategy[];
  /** Candidates the twin refused (e.g. replicas beyond the autoscaler's max), with the twin's reason. */
  readonly refused: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
}

export const strategyId = (d: Pick<StrategyDraft, 'action' | 'target' | 'params'>): string =>
  `${d.action}:${d.target}:${d.params.map(([k, v]) => `${k}=${v}`).join(',')}`;

/** Nodes the node calls synchronously, nodes that call it, and nodes that route jobs to it, in node order. */
function neighbours(twin: Twin, node: TwinNode): { callees: TwinNode[]; callers: TwinNode[]; routers: TwinNode[] } {
  const callees = new Set<number>();
  for (const g of node.callGroups) for (const c of g.calls) if (c.mode === 'sync') callees.add(c.to);
  const callers = twin.nodes.filter((n) => n.callGroups.some((g) => g.calls.some((c) => c.to === node.index)));
  const routers = twin.nodes.filter((n) => n.index !== node.index && n.routes.some((e) => e.to === node.index));
  return { callees: [...callees].sort((a, b) => a - b).map((i) => twin.nodes[i]!), callers, routers };
}

export function generateStrategies(twin: Twin, anomalies: readonly Anomaly[], limits: GenerateLimits = DEFAULT_LIMITS, generators: readonly ActionGenerator[] = ACTION_GENERATORS): GeneratedStrategies {
  const drafts = new Map<string, { draft: StrategyDraft; addresses: string[] }>();
  const atRisk = [...new Set(anomalies.map((a) => a.node))];
  for (const id of atRisk) {
    const i = twin.indexOf.get(id);
    if (i === undefined) continue;
    const node = twin.nodes[i]!;
    const own = anomalies.filter((a) => a.node === id);
    const addresses = own.map((a) => a.id);
    const { callees, callers, routers } = neighbours(twin, node);
    const targets: Array<[TwinNode, NodeRole]> = [
      [node, 'atRisk'], ...callees.map((n): [TwinNode, NodeRole] => [n, 'callee']), ...callers.map((n): [TwinNode, NodeRole] => [n, 'caller']),
      ...routers.map((n): [TwinNode, NodeRole] => [n, 'router']),
    ];
    for (const g of generators) {
      for (const [target, role] of targets) {
        if (!g.roles.includes(role)) continue;
        for (const draft of g.generate({ twin, atRisk: node, node: target, role, limits, anomalies: own })) {
          const key = strategyId(draft);
          const seen = drafts.get(key);
          if (seen) seen.addresses.push(...addresses.filter((a) => !seen.addresses.includes(a)));
          else drafts.set(key, { draft, addresses: [...addresses] });
        }
      }
    }
  }
  const strategies: Strategy[] = [];
  const refused: Array<{ id: string; reason: string }> = [];
  for (const [id, { draft, addresses }] of drafts) {
    try {
      applyScenario(twin, draft.deltas);
    } catch (e) {
      refused.push({ id, reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    strategies.push({
      id, action: draft.action, target: draft.target, params: Object.fromEntries(draft.params),
      deltas: draft.deltas, description: draft.description, reversible: draft.reversible, addresses,
    });
  }
  return { strategies, refused };
}
