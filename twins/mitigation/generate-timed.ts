/**
 * Catalogue entries that act on time, at the edge, or on routing: pre-warm
 * (the scale-out made at a time T ahead of the predicted failure instead of
 * now), a token-bucket rate limit at an entry whose traffic reaches the node
 * at risk, and reroute (move route weight away from the node at risk onto
 * the parallel routes). Each compiles to scenario deltas the twin already
 * has (docs/simulation.md, "Mitigation mechanisms"). The catalogue:
 * docs/mitigation.md.
 */
import type { Twin, TwinEntry, TwinNode } from '../definition/types.js';
import type { ActionGenerator, StrategyDraft } from './generate-actions.js';

/** Seconds of margin ahead of the predicted failure: two of the node's SLO windows (60 s without an SLO), so the new replicas have taken load before the first window that would breach. */
const prewarmLead = (node: TwinNode): number => 2 * (node.slo?.window ?? 60);

/**
 * Pre-warm: the node at risk scaled out at T = the p10 of its predicted first
 * failure (the risk anomaly's evidence) less a lead of two SLO windows, cut
 * to whole minutes: capacity for the predicted peak of risk, paid for only
 * from T on (cheaper than a scale-out now). +1 and +2 replicas (within the
 * catalogue's scale-out limit and the autoscaler's bounds). None when the
 * failure is predicted too early for a T after the start (that is a plain
 * scale-out) or not predicted at all.
 */
export const prewarm: ActionGenerator = {
  action: 'prewarm',
  roles: ['atRisk'],
  generate({ node, limits, anomalies }) {
    const p10s = anomalies.flatMap((a) => (a.evidence.source === 'risk' && a.evidence.timeToFailure ? [a.evidence.timeToFailure.p10] : []));
    if (p10s.length === 0) return [];
    const at = Math.floor((Math.min(...p10s) - prewarmLead(node)) / 60) * 60;
    if (at <= 0) return [];
    const a = node.autoscale;
    const out: StrategyDraft[] = [];
    for (let r = node.replicas + 1; r <= node.replicas + Math.min(2, limits.maxScaleOut); r++) {
      if (a && (r < a.min || r > a.max)) continue;
      out.push({
        action: 'prewarm', target: node.id, params: [['from', node.replicas], ['replicas', r], ['at', at]], reversible: true,
        deltas: [{ op: 'replicas', node: node.id, replicas: r, at }],
        description: `pre-warm ${node.id}: ${node.replicas} → ${r} replicas at ${at / 60} min, ${prewarmLead(node)} s ahead of its earliest predicted failures (p10 ${(Math.min(...p10s) / 60).toFixed(1)} min)`,
      });
    }
    return out;
  },
};

/** Nodes a job entering at `entry` can visit: its node, call edges (sync and async), route edges and fixed paths, transitively. */
export function nodesReached(twin: Twin, entry: TwinEntry): Set<number> {
  const seen = new Set<number>();
  const todo = [entry.node, ...(entry.paths ?? []).flatMap((p) => [...p.nodes])];
  while (todo.length > 0) {
    const i = todo.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    const n = twin.nodes[i]!;
    for (const g of n.callGroups) for (const c of g.calls) todo.push(c.to);
    for (const e of n.routes) todo.push(e.to);
  }
  return seen;
}

/** Time-average and peak arrival rate of an entry, or null when it comes from a forecast (the generator has no paths). */
export function rateOf(entry: TwinEntry): { mean: number; peak: number } | null {
  const a = entry.arrival;
  if (a.kind === 'constant') return { mean: a.rate, peak: a.rate };
  if (a.kind === 'forecast') return null;
  const rates = [...a.rates].map((r) => r * a.scale);
  // The profile's points weighted by the time each holds (the last point counts as much as its predecessor's span).
  let area = 0, span = 0;
  for (let k = 0; k + 1 < a.times.length; k++) {
    const dt = a.times[k + 1]! - a.times[k]!;
    area += (a.interpolation === 'step' ? rates[k]! : (rates[k]! + rates[k + 1]!) / 2) * dt;
    span += dt;
  }
  return { mean: span > 0 ? area / span : rates[0]!, peak: Math.max(...rates) };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * A token bucket at each entry whose traffic reaches the node at risk,
 * admitting the entry's mean rate (burst: one second of it), and, where its
 * profile peaks higher, 1.2 x the mean: what is over is answered at once with
 * an error at the edge instead of queueing inside. Its price is the requests
 * shed, which the evaluation counts (a strategy that fails more than 0.1 % of
 * the requests is judged worse). Entries driven by a forecast get none (the
 * generator does not see the forecast's paths).
 */
export const rateLimit: ActionGenerator = {
  action: 'rateLimit',
  roles: ['atRisk'],
  generate({ twin, atRisk }) {
    const out: StrategyDraft[] = [];
    for (const entry of twin.entries) {
      if (!nodesReached(twin, entry).has(atRisk.index)) continue;
      const r = rateOf(entry);
      if (r === null || !(r.mean > 0)) continue;
      const limits = r.peak > 1.2 * r.mean ? [round1(1.2 * r.mean), round1(r.mean)] : [round1(r.mean)];
      for (const rate of limits) {
        const burst = Math.max(1, Math.round(rate));
        out.push({
          action: 'rateLimit', target: entry.id, params: [['rate', rate], ['burst', burst]], reversible: true,
          deltas: [{ op: 'rateLimit', entry: entry.id, rate, burst }],
          description: `admit at most ${rate} req/s at entry ${entry.id} (burst ${burst}), shedding the rest at the edge, to keep load off ${atRisk.id}`,
        });
      }
    }
    return out;
  },
};

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * A node that routes jobs to the node at risk and to other nodes sends it
 * half, or none, of its present share; the other routes take the rest in
 * their present proportions (the route total, and so the share of jobs that
 * leave, is unchanged).
 */
export const reroute: ActionGenerator = {
  action: 'reroute',
  roles: ['router'],
  generate({ twin, node, atRisk }) {
    const weights = new Map<string, number>();
    for (const e of node.routes) {
      const id = twin.nodes[e.to]!.id;
      weights.set(id, (weights.get(id) ?? 0) + e.probability);
    }
    const away = weights.get(atRisk.id) ?? 0;
    const others = [...weights].filter(([id, w]) => id !== atRisk.id && w > 0);
    if (away <= 0 || others.length === 0) return [];
    return [0.5, 0].map((share) => {
      const next = Object.fromEntries([...weights].map(([id, w]) => [id, round6(id === atRisk.id ? w * share : w)]));
      return {
        action: 'reroute', target: node.id, params: [['away', atRisk.id], ['share', share]], reversible: true,
        deltas: [{ op: 'routeWeights', node: node.id, weights: next }],
        description: share === 0
          ? `${node.id} stops routing to ${atRisk.id}: its ${(100 * away).toFixed(0)} % go to ${others.map(([id]) => id).join(', ')}`
          : `${node.id} routes ${(100 * away * share).toFixed(0)} % to ${atRisk.id} instead of ${(100 * away).toFixed(0)} %; ${others.map(([id]) => id).join(', ')} take the rest`,
      };
    });
  },
};
