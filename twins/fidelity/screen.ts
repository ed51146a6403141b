/**
 * The analytic screen of multi-fidelity simulation (docs/fidelity.md): per
 * node, the arrival rate at a high load (forecast quantile, or nominal rate
 * times a margin), the worker holding time (own service plus the mean
 * response of its sync callees, callees first), and the M/G/c figures at
 * that rate. A node is *safe* when it is far from every way of failing the
 * simulator knows: utilisation and P(wait) low, its queue practically never
 * full, its estimated p99 response well inside its SLO and its callers'
 * timeouts, its memory well inside the limit. The screen is conservative on
 * purpose (parallel calls counted as sequential, the wait's tail widened):
 * a node it lets through is simulated in full, one it screens wrongly would
 * bias its callers.
 */
import { jacksonThroughputs } from '../../engine/queueing-theory.js';
import { calleesFirst } from '../calibrate/calibrate.js';
import type { CallEdge, Twin } from '../definition/types.js';
import { mgc, moments, quantile99 } from './mgc.js';

export interface ScreenOptions {
  /** Largest utilisation (λH/c at the high load) a safe node may have. */
  readonly rhoMax: number;
  /** Largest Erlang C P(wait) a safe node may have. */
  readonly pWaitMax: number;
  /** A safe node's estimated p99 response stays below this share of its p99 SLO and of every deadline its callers set. */
  readonly tailShare: number;
  /** Largest estimated P(an arrival finds the queue full). */
  readonly overflowMax: number;
}

export const DEFAULT_SCREEN: ScreenOptions = { rhoMax: 0.5, pWaitMax: 0.2, tailShare: 0.5, overflowMax: 1e-6 };

export interface NodeScreen {
  readonly id: string;
  /** Arrival rate at the high load, requests/s. */
  readonly lambda: number;
  /** Mean worker holding time, seconds. */
  readonly holding: number;
  readonly rho: number;
  readonly pWait: number;
  /** Estimated mean and p99 response time, seconds. */
  readonly responseMean: number;
  readonly response99: number;
  /** Safe on its own figures. */
  readonly safe: boolean;
  /** Why it is safe, or the first check it failed. */
  readonly reason: string;
}

export interface ScreenResult {
  readonly nodes: readonly NodeScreen[];
  /** Safe, and every node it calls (sync or async, transitively) safe too: what may be screened out. */
  readonly closedSafe: readonly boolean[];
}

/** Per-node arrival rates from per-entry rates: λ = γ + Mᵀλ, M = calls per request plus route probabilities. */
export function nodeRates(twin: Twin, entryRates: readonly number[]): number[] {
  const n = twin.nodes.length;
  const external = new Array<number>(n).fill(0);
  twin.entries.forEach((e, k) => {
    const rate = entryRates[k]!;
    if (e.paths) for (const p of e.paths) for (const v of p.nodes) external[v]! += rate * p.probability;
    else external[e.node]! += rate;
  });
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const node of twin.nodes) {
    for (const g of node.callGroups) for (const c of g.calls) m[node.index]![c.to]! += c.meanCalls;
    for (const r of node.routes) m[node.index]![r.to]! += r.probability;
  }
  return jacksonThroughputs(external, m);
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const ms = (s: number) => (Number.isFinite(s) ? `${(s * 1000).toFixed(1)} ms` : 'unbounded');

/** Calls per request used for tails: the most a rounded count makes, a Poisson count's mean + 3 sd. */
function tailCalls(c: CallEdge): number {
  return c.count === 'poisson' ? c.meanCalls + 3 * Math.sqrt(c.meanCalls) : Math.ceil(c.meanCalls);
}

export function screenTwin(twin: Twin, entryRates: readonly number[], options: ScreenOptions = DEFAULT_SCREEN): ScreenResult {
  const n = twin.nodes.length;
  let lambda: number[];
  try {
    lambda = nodeRates(twin, entryRates);
  } catch {
    // Traffic equations without a solution (calls that multiply forever): nothing can be screened.
    lambda = new Array<number>(n).fill(Infinity);
  }
  // Deadlines callers put on each node: edge overrides, and the node's own for entries.
  const deadline = new Array<number>(n).fill(Infinity);
  for (const node of twin.nodes) for (const g of node.callGroups) for (const c of g.calls) if (c.mode === 'sync' && c.timeout !== null) deadline[c.to] = Math.min(deadline[c.to]!, c.timeout);
  for (const e of twin.entries) if (twin.nodes[e.node]!.timeout !== null) deadline[e.node] = Math.min(deadline[e.node]!, twin.nodes[e.node]!.timeout!);
  const routed = new Array<boolean>(n).fill(false);
  for (const node of twin.nodes) if (node.routes.length > 0) { routed[node.index] = true; for (const r of node.routes) routed[r.to] = true; }
  for (const e of twin.entries) if (e.paths) for (const p of e.paths) for (const v of p.nodes) routed[v] = true;

  const out = new Array<NodeScreen>(n);
  for (const i of calleesFirst(twin)) {
    const node = twin.nodes[i]!;
    const own = node.service ? moments(node.service) : { mean: 0, cs2: 0 };
    let holding = own.mean, holding99 = node.service ? quantile99(node.service) : 0;
    for (const g of node.callGroups) for (const c of g.calls) {
      if (c.mode !== 'sync') continue;
      const callee = out[c.to];
      // A callee not yet known sits on a sync cycle, which twin validation refuses: count it as unbounded.
      holding += c.meanCalls * (callee ? callee.responseMean : Infinity);
      holding99 += tailCalls(c) * (callee ? callee.response99 : Infinity);
    }
    const c = node.service ? node.replicas * node.servers : Infinity;
    const f = Number.isFinite(c) ? mgc(lambda[i]!, holding, c, own.cs2) : mgc(0, holding, 1, 0);
    const responseMean = f.wq + holding + node.delay;
    const response99 = f.waitQuantile(0.99) + holding99 + node.delay;
    const rhoLimit = Math.min(options.rhoMax, node.slo?.utilization != null ? 0.75 * node.slo.utilization : Infinity);
    const overflow = node.queue === null ? 0 : f.pWait * f.rho ** node.queue;
    const inFlight = node.resources ? (lambda[i]! * responseMean) / node.replicas : 0;
    const why: string[] = [];
    if (!Number.isFinite(lambda[i]!)) why.push('its arrival rate has no finite solution');
    if (routed[i]) why.push('routes and fixed paths are always simulated in full');
    if (f.rho > rhoLimit) why.push(`utilisation ${fmt(f.rho)} > ${fmt(rhoLimit)}`);
    if (f.pWait > options.pWaitMax) why.push(`P(wait) ${fmt(f.pWait, 3)} > ${options.pWaitMax}`);
    if (overflow > options.overflowMax) why.push(`P(queue full) ~ ${overflow.toExponential(1)} > ${options.overflowMax}`);
    if (node.slo?.p99 != null && response99 > options.tailShare * node.slo.p99) why.push(`estimated p99 ${ms(response99)} > ${options.tailShare} x SLO p99 ${ms(node.slo.p99)}`);
    if (response99 > options.tailShare * deadline[i]!) why.push(`estimated p99 ${ms(response99)} > ${options.tailShare} x caller deadline ${ms(deadline[i]!)}`);
    if (node.resources && node.resources.memBase + node.resources.memPerInFlight * (inFlight + 5 * Math.sqrt(inFlight) + 1) > 0.8 * node.resources.memLimit) why.push('memory within 20 % of its limit');
    out[i] = {
      id: node.id, lambda: lambda[i]!, holding, rho: f.rho, pWait: f.pWait, responseMean, response99,
      safe: why.length === 0,
      reason: why.length === 0 ? `utilisation ${fmt(f.rho)}, P(wait) ${fmt(f.pWait, 3)}, estimated p99 ${ms(response99)} at ${fmt(lambda[i]!, 1)} req/s` : why[0]!,
    };
  }
  return { nodes: out, closedSafe: closedSafe(twin, out.map((s) => s.safe)) };
}

/** Safe nodes whose every callee (transitively, sync and async) is safe: a fixpoint that drops a node with an unsafe callee. */
export function closedSafe(twin: Twin, safe: readonly boolean[]): boolean[] {
  const ok = [...safe];
  for (let changed = true; changed;) {
    changed = false;
    for (const node of twin.nodes) {
      if (!ok[node.index]) continue;
      if (node.callGroups.some((g) => g.calls.some((c) => !ok[c.to]))) { ok[node.index] = false; changed = true; }
    }
  }
  return ok;
}
