/**
 * The downstream calls of one request, with the twin's semantics
 * (twins/definition/types.ts CallEdge, twins/flow/model.ts):
 *  - call groups run one after the other; the calls of a group in parallel;
 *  - per call edge, the number of calls is floor(m) + Bernoulli(frac m)
 *    ('rounded') or Poisson(m) ('poisson'); several calls on one edge go one
 *    after the other ('sequential', one lane) or all at once ('parallel',
 *    one lane each);
 *  - each call is an attempt with the caller's deadline (timeout * k) and, on
 *    an error or a timeout, up to `max` retries after
 *    backoff * k * 2^(retry-1) * U(1 - jitter, 1 + jitter);
 *  - a failed optional call is ignored (its lane goes on); a failed mandatory
 *    call fails the request at once (fail fast): the caller stops its other
 *    lanes (no further attempts or retries) and answers an error, while
 *    attempts already sent keep running at the callees, as in the twin;
 *  - async calls are sent once and not waited for.
 */
import type { PlannedCall } from '../../twins/shadow/plan-types.js';
import type { Rng } from '../../engine/rng.js';
import type { AttemptOutcome } from './emulator-http-client.js';

export interface CallEnvironment {
  /** Time-dilation factor: production seconds * k * 1000 = shadow ms. */
  readonly k: number;
  /** Draws of call counts. */
  readonly countRng: Rng;
  /** Draws of retry jitter. */
  readonly jitterRng: Rng;
  /** Sends one attempt to `to` with a deadline in shadow ms (null = none). */
  attempt(to: string, deadlineMs: number | null): Promise<AttemptOutcome>;
  /** Waits shadow ms (backoff). */
  sleep(ms: number): Promise<void>;
  /** Told of every attempt's outcome (metrics). */
  onAttempt?(to: string, outcome: AttemptOutcome, retry: number): void;
}

export function callCount(call: Pick<PlannedCall, 'meanCalls' | 'count'>, rng: Rng): number {
  const m = call.meanCalls;
  if (call.count === 'rounded') {
    const whole = Math.floor(m);
    return whole + (rng() < m - whole ? 1 : 0);
  }
  // Poisson by inversion, as the twin draws it: means per request are small.
  let n = 0;
  let p = Math.exp(-m);
  let cdf = p;
  const u = rng();
  while (u > cdf && n < 1000) {
    n++;
    p *= m / n;
    cdf += p;
  }
  return n;
}

/** Backoff before retry `retry` (1..max), shadow ms. */
export function backoffMs(call: PlannedCall, retry: number, k: number, rng: Rng): number {
  const r = call.retries!;
  const u = 1 + r.jitter * (2 * rng() - 1);
  return Math.max(0, r.backoff * k * 1000 * 2 ** (retry - 1) * u);
}

/** Shared by the lanes of one request: set once a mandatory call has failed. */
interface FailFast {
  failed: boolean;
}

/** One call with its retries; true when an attempt succeeded. */
async function callWithRetries(env: CallEnvironment, call: PlannedCall, ff: FailFast): Promise<boolean> {
  const deadline = call.timeout === null ? null : call.timeout * env.k * 1000;
  const max = call.retries?.max ?? 0;
  for (let retry = 0; ; retry++) {
    const outcome = await env.attempt(call.to, deadline);
    env.onAttempt?.(call.to, outcome, retry);
    if (outcome === 'ok') return true;
    if (retry >= max || ff.failed) return false;
    await env.sleep(backoffMs(call, retry + 1, env.k, env.jitterRng));
    if (ff.failed) return false;
  }
}

/** A lane: `n` calls one after the other; false when a mandatory call failed. */
async function lane(env: CallEnvironment, call: PlannedCall, n: number, ff: FailFast): Promise<boolean> {
  for (let i = 0; i < n; i++) {
    if (ff.failed) return false;
    const ok = await callWithRetries(env, call, ff);
    if (!ok && !call.optional) return false;
  }
  return true;
}

/** Runs one group; resolves false as soon as a mandatory call fails, true when every lane is done. */
function runGroup(env: CallEnvironment, calls: readonly PlannedCall[], ff: FailFast): Promise<boolean> {
  const lanes: Promise<boolean>[] = [];
  for (const call of calls) {
    const n = callCount(call, env.countRng);
    if (n === 0) continue;
    if (call.mode === 'async') {
      for (let i = 0; i < n; i++) void env.attempt(call.to, null).then((o) => env.onAttempt?.(call.to, o, 0));
    } else if (call.fanout === 'parallel') {
      for (let i = 0; i < n; i++) lanes.push(lane(env, call, 1, ff));
    } else {
      lanes.push(lane(env, call, n, ff));
    }
  }
  if (lanes.length === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    let pending = lanes.length;
    for (const l of lanes) {
      void l.then((ok) => {
        if (ff.failed) return;
        if (!ok) {
          ff.failed = true;
          resolve(false);
        } else if (--pending === 0) resolve(true);
      });
    }
  });
}

/** Runs the request's call groups in order; false when a mandatory call failed. */
export async function runCallGroups(env: CallEnvironment, groups: ReadonlyArray<{ readonly calls: readonly PlannedCall[] }>): Promise<boolean> {
  const ff: FailFast = { failed: false };
  for (const g of groups) {
    if (!(await runGroup(env, g.calls, ff))) return false;
  }
  return true;
}
