import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplicaState, Replica } from './records.js';
import { callCount, desiredReplicas, drainCandidate, leastInFlight, retryDelay } from './policies.js';

const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) < 1e-12, `${what}: got ${got}, want ${want}`);

function replicas(spec: Array<[ReplicaState, number]>): Replica[] {
  return spec.map(([state, inFlight], i) => {
    const r = new Replica(i, 0);
    r.state = state;
    r.inFlight = inFlight;
    return r;
  });
}

test('leastInFlight: fewest in flight among Up replicas, ties to the lowest index', () => {
  const reps = replicas([[ReplicaState.Up, 3], [ReplicaState.Down, 0], [ReplicaState.Up, 1], [ReplicaState.Draining, 0], [ReplicaState.Up, 1]]);
  assert.is(leastInFlight(reps)!.id, 2);
  assert.is(leastInFlight(replicas([[ReplicaState.Starting, 0], [ReplicaState.Gone, 0]])), null);
  assert.is(leastInFlight([]), null);
});

test('drainCandidate: fewest in flight among Up replicas, ties to the highest index', () => {
  const reps = replicas([[ReplicaState.Up, 1], [ReplicaState.Up, 4], [ReplicaState.Up, 1], [ReplicaState.Draining, 0]]);
  assert.is(drainCandidate(reps)!.id, 2);
  assert.is(drainCandidate(replicas([[ReplicaState.Draining, 0]])), null);
});

test('retryDelay: backoff x 2^(attempt-1), jitter factor 1 + jitter(2u - 1), never negative', () => {
  close(retryDelay(0.05, 0.5, 1, 0.5), 0.05, 'u = 0.5 is the centre');
  close(retryDelay(0.05, 0.5, 3, 0), 0.1, '0.05 x 4 x 0.5');
  close(retryDelay(0.1, 0.5, 2, 0.75), 0.25, '0.1 x 2 x 1.25');
  close(retryDelay(0.2, 0, 4, 0.9), 1.6, 'no jitter: 0.2 x 8');
  assert.is(retryDelay(1, 2, 1, 0), 0, 'jitter above 1 would go negative: clamped');
});

test('callCount rounded: floor(mean) plus one when the draw falls under the fraction', () => {
  const edge = { meanCalls: 2.25, count: 'rounded' as const };
  assert.is(callCount(edge, () => 0.2), 3);
  assert.is(callCount(edge, () => 0.3), 2);
  assert.is(callCount({ meanCalls: 1, count: 'rounded' }, () => 0), 1);
});

test('callCount poisson: inversion of the Poisson(mean) CDF', () => {
  // Mean 1: CDF 0.3679, 0.7358, 0.9197, 0.9810 at k = 0..3.
  const edge = { meanCalls: 1, count: 'poisson' as const };
  assert.equal([0.3, 0.5, 0.9, 0.95, 0.99].map((u) => callCount(edge, () => u)), [0, 1, 2, 3, 4]);
});

test('desiredReplicas: ceil(ready x utilization / target) within [min, max], held inside the tolerance', () => {
  const policy = { target: 0.5, min: 3, max: 5 };
  assert.is(desiredReplicas(4, 300, 400, { ...policy, max: 10 }), 6, '4 x 0.75 / 0.5');
  assert.is(desiredReplicas(4, 300, 400, policy), 5, 'clamped to max');
  assert.is(desiredReplicas(4, 80, 400, policy), 3, 'ceil(4 x 0.2 / 0.5) = 2, raised to min');
  assert.is(desiredReplicas(4, 104, 200, policy), 4, 'ratio 1.04 is within 10 %');
  assert.is(desiredReplicas(4, 122, 200, { ...policy, max: 10 }), 5, 'ratio 1.22: ceil(4.88)');
  assert.is(desiredReplicas(0, 0, 0, policy), 3, 'nothing ready: min');
  assert.is(desiredReplicas(2, 0, 0, { ...policy, min: 1, max: 10 }), 4, 'no capacity measured counts as saturated: 2 x 1 / 0.5');
});

test.run();
