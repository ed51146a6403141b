/**
 * The catalogue of strategy actions the generator knows, one entry per
 * action: which nodes it applies to (the node at risk, its sync callees, its
 * callers, the nodes that route to it) and the candidates it proposes
 * there, each as parameters and the scenario deltas they compile to. The
 * entries of the newer actions (pre-warm, rate limit, reroute) are in
 * generate-timed.ts; reroute on a routed network (an IGP metric) in
 * generate-network.ts. The catalogue: docs/mitigation.md.
 */
import type { Autoscale, Twin, TwinNode } from '../definition/types.js';
import type { ScenarioDelta } from '../scenario/types.js';
import { networkReroute } from './generate-network.js';
import { prewarm, rateLimit, reroute } from './generate-timed.js';
import type { Anomaly, StrategyAction } from './types.js';

/** How a node relates to the node at risk: itself, a node it calls synchronously, a node that calls it, a node that routes jobs to it. */
export type NodeRole = 'atRisk' | 'callee' | 'caller' | 'router';

export interface GenerateLimits {
  /** Most replicas added to the node at risk (callees get +1). */
  readonly maxScaleOut: number;
  /** Most workers added per replica. */
  readonly maxScaleUp: number;
}

export const DEFAULT_LIMITS: GenerateLimits = { maxScaleOut: 3, maxScaleUp: 2 };

export interface GenerateContext {
  readonly twin: Twin;
  /** The node the anomaly is about. */
  readonly atRisk: TwinNode;
  readonly node: TwinNode;
  readonly role: NodeRole;
  readonly limits: GenerateLimits;
  /** The anomalies about the node at risk (their evidence: when it is predicted to fail). */
  readonly anomalies: readonly Anomaly[];
}

/** A candidate before it gets its id and anomalies: params in the order they appear in the id. */
export interface StrategyDraft {
  readonly action: StrategyAction;
  readonly target: string;
  readonly params: ReadonlyArray<readonly [string, number | string | boolean | null]>;
  readonly deltas: readonly ScenarioDelta[];
  readonly description: string;
  readonly reversible: boolean;
}

export interface ActionGenerator {
  readonly action: StrategyAction;
  readonly roles: readonly NodeRole[];
  generate(ctx: GenerateContext): StrategyDraft[];
}

export const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const ms = (s: number) => `${Math.round(s * 1000)}ms`;

/** Replicas r + j. Under an autoscaler the replicas must stay within its bounds, so its min is raised with them (a floor, not a one-off). */
const scaleOut: ActionGenerator = {
  action: 'scaleOut',
  roles: ['atRisk', 'callee'],
  generate({ node, role, limits }) {
    const steps = role === 'atRisk' ? limits.maxScaleOut : 1;
    const a = node.autoscale;
    return range(node.replicas + 1, node.replicas + steps).filter((r) => !a || r <= a.max).map((r) => ({
      action: 'scaleOut', target: node.id, params: [['from', node.replicas], ['replicas', r]], reversible: true,
      deltas: a && a.min < r ? [{ op: 'replicas', node: node.id, replicas: r }, { op: 'autoscale', node: node.id, autoscale: { ...a, min: r } }] : [{ op: 'replicas', node: node.id, replicas: r }],
      description: `scale ${node.id} out from ${node.replicas} to ${r} replicas${a && a.min < r ? ` (autoscaler min ${a.min} → ${r})` : ''}`,
    }));
  },
};

/** More workers per replica; a memory limit 1.5 x where the node declares resources. */
const scaleUp: ActionGenerator = {
  action: 'scaleUp',
  roles: ['atRisk'],
  generate({ node, limits }) {
    const out: StrategyDraft[] = range(node.servers + 1, node.servers + limits.maxScaleUp).map((s) => ({
      action: 'scaleUp', target: node.id, params: [['from', node.servers], ['servers', s]], reversible: true,
      deltas: [{ op: 'servers', node: node.id, servers: s }],
      description: `give ${node.id} ${s} workers per replica instead of ${node.servers}`,
    }));
    const res = node.resources;
    if (res) {
      const memLimit = Math.round(res.memLimit * 1.5);
      out.push({
        action: 'scaleUp', target: node.id, params: [['memLimit', memLimit]], reversible: true,
        deltas: [{ op: 'memLimit', node: node.id, memLimit }],
        description: `raise ${node.id}'s memory limit from ${(res.memLimit / 2 ** 20).toFixed(0)}Mi to ${(memLimit / 2 ** 20).toFixed(0)}Mi`,
      });
    }
    return out;
  },
};

/** Defaults of an autoscaler the generator adds: the frontend-like HPA of the examples. */
const NEW_AUTOSCALER = { target: 0.6, period: 15, startup: 20 } as const;

/** Add an autoscaler (target 0.6, up to maxScaleOut more replicas), or make an existing one act earlier (target −0.1) and reach further (max +2). */
const autoscale: ActionGenerator = {
  action: 'autoscale',
  roles: ['atRisk'],
  generate({ node, limits }) {
    const a = node.autoscale;
    const next: Autoscale = a
      ? { ...a, target: Math.max(0.3, Math.round((a.target - 0.1) * 100) / 100), max: a.max + 2 }
      : { ...NEW_AUTOSCALER, min: node.replicas, max: node.replicas + limits.maxScaleOut };
    if (a && next.target === a.target && next.max === a.max) return [];
    return [{
      action: 'autoscale', target: node.id, params: [['target', next.target], ['min', next.min], ['max', next.max]], reversible: true,
      deltas: [{ op: 'autoscale', node: node.id, autoscale: next }],
      description: a ? `make ${node.id}'s autoscaler act at ${next.target} (was ${a.target}) and reach ${next.max} replicas (was ${a.max})` : `give ${node.id} an autoscaler: target ${next.target}, ${next.min}..${next.max} replicas`,
    }];
  },
};

/**
 * Fewer retries of calls to a saturated node (a retry storm multiplies its
 * load exactly when it is slow): max − 1, and none. A shorter deadline (half)
 * on calls to the node at risk, so callers give up on a slow node sooner.
 */
const timeoutRetry: ActionGenerator = {
  action: 'timeoutRetry',
  roles: ['atRisk', 'callee'],
  generate({ node, role }) {
    const out: StrategyDraft[] = [];
    const r = node.retries;
    if (r && r.max > 0) {
      const fewer = r.max - 1;
      out.push({
        action: 'timeoutRetry', target: node.id, params: [['retries', fewer]], reversible: true,
        deltas: [{ op: 'retries', node: node.id, retries: fewer > 0 ? { ...r, max: fewer } : null }],
        description: fewer > 0 ? `retry calls to ${node.id} at most ${fewer} time(s) (was ${r.max})` : `stop retrying calls to ${node.id} (was ${r.max} retries)`,
      });
      if (fewer > 0) {
        out.push({
          action: 'timeoutRetry', target: node.id, params: [['retries', 0]], reversible: true,
          deltas: [{ op: 'retries', node: node.id, retries: null }],
          description: `stop retrying calls to ${node.id} (was ${r.max} retries)`,
        });
      }
    }
    if (role === 'atRisk' && node.timeout !== null) {
      const t = Math.round(node.timeout * 500) / 1000;
      if (t > 0) {
        out.push({
          action: 'timeoutRetry', target: node.id, params: [['timeout', t]], reversible: true,
          deltas: [{ op: 'timeout', node: node.id, timeout: t }],
          description: `cut the deadline of calls to ${node.id} from ${ms(node.timeout)} to ${ms(t)}`,
        });
      }
    }
    return out;
  },
};

/** The caller's calls to the node at risk. */
const callsTo = (caller: TwinNode, atRisk: TwinNode) => caller.callGroups.flatMap((g) => g.calls).filter((c) => c.to === atRisk.index);

/**
 * A caller that calls the node at risk optionally skips its optional calls
 * for half or all of its requests: load off the node at risk, at the price of
 * degraded answers (the caller's other optional calls are shed too).
 */
const shedOptional: ActionGenerator = {
  action: 'shedOptional',
  roles: ['caller'],
  generate({ node, atRisk }) {
    if (!callsTo(node, atRisk).some((c) => c.optional)) return [];
    return [0.5, 1].map((p) => ({
      action: 'shedOptional', target: node.id, params: [['probability', p]], reversible: true,
      deltas: [{ op: 'shedOptional', node: node.id, probability: p }],
      description: `${node.id} skips its optional calls (${atRisk.id} among them) for ${p * 100} % of its requests`,
    }));
  },
};

/**
 * A circuit breaker on each caller's calls to the node at risk: while half of
 * the last 10 s of calls failed (at least 20 of them), calls fail fast for
 * 30 s instead of queueing on a node that cannot keep up (a retry storm's
 * brake). Failing fast is an error for a mandatory call.
 */
const circuitBreaker: ActionGenerator = {
  action: 'circuitBreaker',
  roles: ['caller'],
  generate({ node, atRisk }) {
    if (callsTo(node, atRisk).length === 0) return [];
    return [{
      action: 'circuitBreaker', target: node.id, params: [['to', atRisk.id], ['failureRatio', 0.5], ['window', 10], ['minCalls', 20], ['openFor', 30]], reversible: true,
      deltas: [{ op: 'circuitBreaker', node: node.id, to: atRisk.id, failureRatio: 0.5, window: 10, minCalls: 20, openFor: 30 }],
      description: `a circuit breaker on ${node.id}'s calls to ${atRisk.id} (opens at 50 % failures over 10 s, 20 calls at least; open 30 s)`,
    }];
  },
};

/** In the order candidates are listed (and evaluated). */
export const ACTION_GENERATORS: readonly ActionGenerator[] = [scaleOut, scaleUp, autoscale, prewarm, timeoutRetry, shedOptional, circuitBreaker, rateLimit, reroute, networkReroute];
