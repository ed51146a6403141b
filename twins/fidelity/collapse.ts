/**
 * The reduced twin of multi-fidelity simulation (pure). Screened subtrees
 * stop being simulated visit by visit:
 *
 * - A call group of a node simulated in full whose calls all go to screened
 *   nodes is *inlined*: its duration (per call edge: the count drawn as the
 *   simulator draws it, the callee's measured response times summed or, for
 *   a parallel fan-out, their maximum, capped at the call's deadline; the
 *   group's maximum over its edges) is added to the caller's own service
 *   time, which becomes an `empirical` sample of own work plus inlined
 *   groups (own work as its stratified quantiles, so its mean and tail
 *   are kept exactly). The worker is held as long as before, without calls.
 * - Async calls to screened nodes are dropped (nobody waits for them, and
 *   the screened nodes' figures come from the pilot).
 * - A screened node still reached (an entry's node, or a sync call in a
 *   group it shares with a node simulated in full) becomes a delay station:
 *   its measured response time as an `empirical` service, effectively
 *   unbounded workers, no queue, no calls. It keeps its replicas and crash
 *   model; its SLO, autoscaler, memory and mitigation settings go.
 */
import { createStream, type Rng } from '../../engine/rng.js';
import type { CallEdge, CallGroup, Twin, TwinNode } from '../definition/types.js';
import { stratified } from './quantile.js';

/** Workers per replica of a delay station: "unbounded" within docs/limits.md's bound (100 000). */
export const DELAY_STATION_SERVERS = 10_000;

/** Values of a response-time sample taken from a histogram. */
export const RESPONSE_SAMPLE_SIZE = 1000;

/** Values of an inlined caller's service-time sample. */
export const INLINE_SAMPLE_SIZE = 4000;

function delayStation(node: TwinNode, values: readonly number[]): TwinNode {
  // Mitigation fields are dropped by leaving them out (absent, not undefined: the twin's hash convention).
  const { shedOptional: _shed, scaleChanges: _scale, ...rest } = node;
  return Object.freeze({
    ...rest,
    servers: DELAY_STATION_SERVERS,
    queue: null,
    service: Object.freeze({ type: 'empirical' as const, values: Object.freeze([...values]) }),
    delay: 0,
    resources: null,
    autoscale: null,
    slo: null,
    callGroups: Object.freeze([]),
    attributes: Object.freeze({ ...node.attributes, fidelity: 'delay station (screened)' }),
  });
}

/** Knuth's Poisson sampler (inlined means are small). */
function poisson(mean: number, rng: Rng): number {
  const limit = Math.exp(-mean);
  let k = 0, p = rng();
  while (p > limit) { k++; p *= rng(); }
  return k;
}

function callCount(edge: CallEdge, rng: Rng): number {
  if (edge.count === 'poisson') return poisson(edge.meanCalls, rng);
  const whole = Math.floor(edge.meanCalls);
  return whole + (rng() < edge.meanCalls - whole ? 1 : 0);
}

function edgeDuration(edge: CallEdge, values: readonly number[], rng: Rng): number {
  const n = callCount(edge, rng);
  let total = 0;
  for (let k = 0; k < n; k++) {
    const r = Math.min(values[Math.floor(rng() * values.length)]!, edge.timeout ?? Infinity);
    total = edge.fanout === 'parallel' ? Math.max(total, r) : total + r;
  }
  return total;
}

export interface CollapseOptions {
  /** Seed of the inlined samples (the transform is a function of the twin, the samples and this). */
  readonly seed: number | string;
}

/**
 * `responses.get(i)`: node i's response-time sample (seconds). Screened
 * nodes without one had no traffic in the pilot: a response of 0.
 */
export function collapseTwin(twin: Twin, screened: readonly boolean[], responses: ReadonlyMap<number, readonly number[]>, options: CollapseOptions): Twin {
  const sample = (i: number): readonly number[] => responses.get(i) ?? [0];
  const reached = new Array<boolean>(twin.nodes.length).fill(false);
  for (const e of twin.entries) reached[e.node] = true;
  const nodes: TwinNode[] = twin.nodes.map((node) => {
    if (screened[node.index]) return node;
    if (node.routes.length > 0) return node;
    const kept: CallGroup[] = [];
    const inlined: CallEdge[][] = [];
    for (const g of node.callGroups) {
      const calls = g.calls.filter((c) => !(c.mode === 'async' && screened[c.to]));
      if (calls.length === 0) continue;
      if (calls.every((c) => screened[c.to])) inlined.push(calls);
      else {
        for (const c of calls) if (screened[c.to]) reached[c.to] = true;
        kept.push(calls.length === g.calls.length ? g : Object.freeze({ ...g, calls: Object.freeze(calls) }));
      }
    }
    if (kept.length === node.callGroups.length && inlined.length === 0) return node;
    let service = node.service;
    if (inlined.length > 0 && node.service !== null) {
      const rng = createStream(options.seed, 0, `fidelity:inline:${node.id}`);
      // Own work stratified (its mean and tail exact), the inlined calls drawn at random beside it.
      const own = stratified(node.service, INLINE_SAMPLE_SIZE);
      const values = own.map((ownTime) => {
        let t = ownTime;
        for (const calls of inlined) {
          let group = 0;
          for (const c of calls) group = Math.max(group, edgeDuration(c, sample(c.to), rng));
          t += group;
        }
        return t;
      });
      service = Object.freeze({ type: 'empirical' as const, values: Object.freeze(values) });
    } else if (inlined.length > 0) {
      // A pass-through node cannot hold the inlined time: keep those groups as calls (to delay stations).
      for (const calls of inlined) { kept.push(Object.freeze({ name: `inlined-${kept.length}`, calls: Object.freeze(calls) })); for (const c of calls) reached[c.to] = true; }
    }
    return Object.freeze({ ...node, service, callGroups: Object.freeze(kept), attributes: Object.freeze({ ...node.attributes, ...(inlined.length && node.service ? { fidelity: `${inlined.length} call group(s) to screened nodes inlined` } : {}) }) });
  });
  for (let i = 0; i < nodes.length; i++) {
    if (screened[i] && reached[i] && sample(i).some((v) => v > 0)) nodes[i] = delayStation(twin.nodes[i]!, sample(i));
    else if (screened[i]) nodes[i] = Object.freeze({ ...twin.nodes[i]!, callGroups: Object.freeze([]), slo: null });
  }
  return Object.freeze({ ...twin, source: `${twin.source} (screened: ${screened.filter(Boolean).length} node(s))`, nodes: Object.freeze(nodes) });
}
