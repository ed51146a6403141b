/**
 * The decision rules of the request-flow model, apart from the event
 * plumbing: which replica takes a request, how long a client waits before a
 * retry, how many calls a request makes on an edge, and how many replicas
 * the autoscaler wants. Each is a pure function of its arguments (draws come
 * in as a uniform or an Rng), so it can be checked against hand-worked values.
 */
import type { Rng } from '../../engine/index.js';
import type { Autoscale, CallEdge } from '../definition/types.js';
import { ReplicaState, type Replica } from './records.js';

/** HPA's default tolerance: no change while |utilization/target − 1| is within it. */
export const AUTOSCALE_TOLERANCE = 0.1;

/** Least requests in flight among replicas taking work (Up); ties go to the lowest index; null when none is up. */
export function leastInFlight(replicas: readonly Replica[]): Replica | null {
  let best: Replica | null = null;
  for (const rep of replicas) {
    if (rep.state !== ReplicaState.Up) continue;
    if (best === null || rep.inFlight < best.inFlight) best = rep;
  }
  return best;
}

/**
 * The replica to drain on a scale-down: the Up replica with the least work in
 * flight, ties to the highest index (the newest, so long-lived replicas stay).
 */
export function drainCandidate(replicas: readonly Replica[]): Replica | null {
  let victim: Replica | null = null;
  for (const rep of replicas) if (rep.state === ReplicaState.Up && (victim === null || rep.inFlight <= victim.inFlight)) victim = rep;
  return victim;
}

/**
 * Wait before retry number `attempt` (1, 2, ...): exponential backoff
 * `backoff × 2^(attempt−1)`, scaled by a jitter factor uniform in
 * [1 − jitter, 1 + jitter] from the uniform draw `u` in [0, 1). Never negative.
 */
export function retryDelay(backoff: number, jitter: number, attempt: number, u: number): number {
  return Math.max(0, backoff * 2 ** (attempt - 1) * (1 + jitter * (2 * u - 1)));
}

/**
 * Calls one request makes on `edge`: its mean rounded at random (floor, plus
 * one with probability of the fractional part), or Poisson with that mean.
 */
export function callCount(edge: Pick<CallEdge, 'meanCalls' | 'count'>, rng: Rng): number {
  const m = edge.meanCalls;
  if (edge.count === 'rounded') {
    const whole = Math.floor(m);
    return whole + (rng() < m - whole ? 1 : 0);
  }
  // Poisson by inversion: means per request are small.
  let k = 0, p = Math.exp(-m), cdf = p;
  const u = rng();
  while (u > cdf && k < 1000) { k++; p *= m / k; cdf += p; }
  return k;
}

/**
 * HPA: desired = ceil(ready × utilization / target), kept at `ready` while the
 * ratio is within the tolerance, and clamped to [min, max]. Utilization is
 * busy-worker seconds over worker-capacity seconds in the last period; with no
 * capacity measured it counts as 1 (saturated), and with no replica ready the
 * answer is `min`.
 */
export function desiredReplicas(ready: number, busyArea: number, capacityArea: number, policy: Pick<Autoscale, 'target' | 'min' | 'max'>): number {
  const utilization = capacityArea > 0 ? busyArea / capacityArea : 1;
  let desired = ready === 0 ? policy.min : Math.ceil(ready * (utilization / policy.target));
  if (ready > 0 && Math.abs(utilization / policy.target - 1) <= AUTOSCALE_TOLERANCE) desired = ready;
  return Math.min(policy.max, Math.max(policy.min, desired));
}
