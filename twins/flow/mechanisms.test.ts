/**
 * The mitigation mechanisms of the request-flow model (set by scenario
 * deltas) against values worked out by hand: token-bucket admission, shedding
 * optional calls, a circuit breaker, weighted routes, a scale change at a time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertCovers } from '../../engine/test-support.js';
import { applyScenario } from '../scenario/apply.js';
import type { ScenarioDelta } from '../scenario/types.js';
import { runTwinReplication, simulateChunk } from './simulate.js';
import { mergeChunks } from './summary.js';
import { assessRisk } from '../risk.js';
import { twinOf } from './test-twins.js';

const fast = { type: 'deterministic', value: 0.001 };

test('rate limit: deterministic arrivals at 2r through a bucket (r, b) admit b + r·T (± 1), the rest are shed', () => {
  const twin = twinOf({
    nodes: [{ id: 'api', kind: 'service', replicas: 1, servers: 100, service: fast }],
    entries: [{ id: 'in', node: 'api', rate: 20, process: 'deterministic' }],
  });
  const r = 10, b = 5, T = 100;
  const limited = applyScenario(twin, [{ op: 'rateLimit', entry: 'in', rate: r, burst: b }]);
  const m = runTwinReplication(limited, { horizon: T, reportWindow: T, seed: 1 }, 0);
  const e = m.entries[0]!;
  assert.is(e.arrivals, 20 * T, 'arrivals at 1/20, 2/20, ..., 100 s');
  const admitted = e.arrivals - e.shed;
  assert.ok(Math.abs(admitted - (b + r * T)) <= 1, `admitted ${admitted}, hand-derived ${b + r * T} ± 1`);
  assert.is(m.nodes[0]!.obs.arrivals, admitted, 'shed requests never reach the node');
  // Shed arrivals are answered at once with an error; everything admitted succeeds (the last may still be in flight).
  assert.ok(e.failed === e.shed && e.ok >= admitted - 1, `ok ${e.ok}, failed ${e.failed}, shed ${e.shed}`);
  // From t = 50 only: the first 50 s admit all 1000, then b + r·50.
  const late = applyScenario(twin, [{ op: 'rateLimit', entry: 'in', rate: r, burst: b, at: 50 }]);
  const l = runTwinReplication(late, { horizon: T, reportWindow: T, seed: 1 }, 0).entries[0]!;
  const lateAdmitted = l.arrivals - l.shed;
  assert.ok(Math.abs(lateAdmitted - (20 * 50 + b + r * 50)) <= 1, `admitted ${lateAdmitted} with the limit from 50 s`);
});

test('rate limit: the shed count reaches the chunk summary per replication, survives a merge, and the risk report gives its mean', () => {
  const twin = twinOf({
    nodes: [{ id: 'api', kind: 'service', replicas: 1, servers: 100, service: fast }],
    entries: [{ id: 'in', node: 'api', rate: 20, process: 'deterministic' }],
  });
  const limited = applyScenario(twin, [{ op: 'rateLimit', entry: 'in', rate: 10, burst: 5 }]);
  const settings = { horizon: 100, reportWindow: 100, seed: 1 };
  const shedOf = (i: number) => runTwinReplication(limited, settings, i).entries[0]!.shed;
  const merged = mergeChunks([simulateChunk(limited, settings, 0, 1), simulateChunk(limited, settings, 1, 2)]);
  assert.equal(merged.entries[0]!.shed, [shedOf(0), shedOf(1), shedOf(2)]);
  assert.ok(merged.entries[0]!.shed.every((n) => Math.abs(n - (2000 - 1005)) <= 1), `shed ${merged.entries[0]!.shed.join(', ')}`);
  const risk = assessRisk(merged);
  assert.is(risk.entries[0]!.shed.mean, (shedOf(0) + shedOf(1) + shedOf(2)) / 3);
  assert.is(risk.entries[0]!.shed.n, 3);
  // Without a rate limit nothing is shed, and the figures the summary had before are the same.
  const free = assessRisk(simulateChunk(twin, settings, 0, 2));
  assert.equal(free.entries[0]!.shed, { mean: 0, lo: 0, hi: 0, n: 2 });
});

test('shed optional calls: the callee of an optional call gets (1 − p) of its calls, the mandatory callee all of them', () => {
  const twin = twinOf({
    nodes: [
      { id: 'front', kind: 'service', replicas: 1, servers: 1000, service: fast },
      { id: 'recs', kind: 'service', replicas: 1, servers: 1000, service: fast },
      { id: 'cart', kind: 'service', replicas: 1, servers: 1000, service: fast },
    ],
    edges: [
      { type: 'call', from: 'front', to: 'recs', mean: 1, optional: true },
      { type: 'call', from: 'front', to: 'cart', mean: 1 },
    ],
    entries: [{ id: 'in', node: 'front', rate: 50 }],
  });
  const settings = { horizon: 200, reportWindow: 200, seed: 2 };
  const arrivals = (deltas: ScenarioDelta[], rep: number) => runTwinReplication(applyScenario(twin, deltas), settings, rep).nodes.map((n) => n.obs.arrivals);
  const p = 0.3;
  const ratio: number[] = [];
  for (let rep = 0; rep < 8; rep++) {
    const [front, recs, cart] = arrivals([], rep);
    const all = arrivals([{ op: 'shedOptional', node: 'front' }], rep);
    const some = arrivals([{ op: 'shedOptional', node: 'front', probability: p }], rep);
    assert.is(recs, front, 'every request calls recs once without shedding');
    assert.equal(all, [front, 0, cart], 'p = 1: recs gets nothing, front and cart exactly what they had (common random numbers)');
    assert.is(some[0], front);
    assert.is(some[2], cart);
    ratio.push(some[1]! / front!);
  }
  assertCovers('share of optional calls still made', ratio, 1 - p);
});

test('circuit breaker: a callee that always fails gets minCalls attempts, then one trial per openFor', () => {
  // Every attempt times out (1 s of work, 0.5 s deadline). Arrivals at 1, 2, ..., 100 s reach recs 0.001 s later;
  // failures land at t + 0.501. Breaker: window 10 s, minCalls 5, ratio 0.5, open 20 s.
  // Attempts at 1..5 fail, the 5th at 5.501 opens it until 25.501; 6..25 fail fast; 26 is the trial, fails at
  // 26.501, open until 46.501; trials at 47, 68, 89 (89.501 + 20 > 100). Attempts reaching recs: 5 + 4 = 9.
  const twin = twinOf({
    nodes: [
      { id: 'front', kind: 'service', replicas: 1, servers: 1000, service: fast },
      { id: 'recs', kind: 'service', replicas: 1, servers: 1000, service: { type: 'deterministic', value: 1 }, timeout: '500ms' },
    ],
    edges: [{ type: 'call', from: 'front', to: 'recs', mean: 1 }],
    entries: [{ id: 'in', node: 'front', rate: 1, process: 'deterministic' }],
  });
  const settings = { horizon: 100, reportWindow: 100, seed: 3 };
  const without = runTwinReplication(twin, settings, 0);
  // The call of the arrival at 100 s would leave front at 100.001 s, past the horizon: 99 calls in all.
  assert.is(without.nodes[1]!.obs.arrivals, 99, 'without a breaker every call reaches recs');
  const cb: ScenarioDelta = { op: 'circuitBreaker', node: 'front', to: 'recs', failureRatio: 0.5, window: 10, minCalls: 5, openFor: 20 };
  const m = runTwinReplication(applyScenario(twin, [cb]), settings, 0);
  assert.is(m.nodes[1]!.obs.arrivals, 9, 'hand count: 5 before it opens + trials at 26, 47, 68, 89');
  assert.is(m.breakers[0]!.refused, 99 - 9, 'every other call failed fast: 6..25, 27..46, 48..67, 69..88, 90..99');
  assert.is(m.breakers[0]!.opened, 5, 'at 5.501, then after each failed trial (26, 47, 68, 89)');
  // Every request answered by 100 s (arrivals 1..99) is an error: timed out, or failed fast.
  assert.is(m.entries[0]!.failed, 99);
  assert.is(m.entries[0]!.ok, 0);
  // A callee that recovers: a trial that succeeds closes the breaker.
  const healthy = runTwinReplication(applyScenario(twin, [cb, { op: 'timeout', node: 'recs', timeout: 2 }]), settings, 0);
  assert.is(healthy.breakers[0]!.opened, 0);
  assert.is(healthy.nodes[1]!.obs.arrivals, 99, 'closed breaker: all attempts go through (the last is still in front at 100 s)');
});

test('route weights: visits follow the new weights, scaled to the present route total', () => {
  const twin = twinOf({
    nodes: [
      { id: 'lb', kind: 'router' },
      { id: 'a', kind: 'service', replicas: 1, servers: 1000, service: fast },
      { id: 'b', kind: 'service', replicas: 1, servers: 1000, service: fast },
    ],
    edges: [
      { type: 'route', from: 'lb', to: 'a', probability: 0.5 },
      { type: 'route', from: 'lb', to: 'b', probability: 0.3 },
    ],
    entries: [{ id: 'in', node: 'lb', rate: 50 }],
  });
  // Weights 1 : 3 over the total 0.8: a 0.2, b 0.6, 0.2 leave.
  const moved = applyScenario(twin, [{ op: 'routeWeights', node: 'lb', weights: { a: 1, b: 3 } }]);
  assert.equal(moved.nodes[0]!.routes.map((e) => e.probability), [0.2, 0.6000000000000001]);
  const s = simulateChunk(moved, { horizon: 400, reportWindow: 400, seed: 4 }, 0, 8);
  const [lb, a, b] = s.nodes.map((n) => n.metrics.arrivals);
  assertCovers('share routed to a', a!.map((x, i) => x / lb![i]!), 0.2);
  assertCovers('share routed to b', b!.map((x, i) => x / lb![i]!), 0.6);
});

test('replicas at T: a saturated replica queues until 3 serve from T, and the queue then drains', () => {
  // Deterministic arrivals at 1.5/s, 1 s of work on 1 worker: the queue grows by 0.5/s until T = 100.
  // From T on 3 replicas serve 3/s: the backlog of ~50 drains at 1.5/s in ~34 s, then nothing waits.
  const twin = twinOf({
    nodes: [{ id: 'api', kind: 'service', replicas: 1, servers: 1, service: { type: 'deterministic', value: 1 } }],
    entries: [{ id: 'in', node: 'api', rate: 1.5, process: 'deterministic' }],
  });
  const scaled = applyScenario(twin, [{ op: 'replicas', node: 'api', replicas: 3, at: 100 }]);
  assert.is(scaled.nodes[0]!.replicas, 1, 'the start count is unchanged');
  const run = (t: typeof twin) => simulateChunk(t, { horizon: 300, reportWindow: 50, seed: 5 }, 0, 1).nodes[0]!;
  const b0 = run(twin), a0 = run(scaled);
  const before = b0.windows, after = a0.windows;
  // 1 replica for 100 s, then 3 for 200 s: 700 / 300 replicas on average.
  assert.ok(Math.abs(a0.metrics.meanReplicas[0]! - 7 / 3) < 1e-9, `mean replicas ${a0.metrics.meanReplicas}`);
  // Windows of 50 s: [0,50) [50,100) identical (same twin up to T); mean queue ≈ 0.25·t over the window.
  assert.equal(after.meanQueue.slice(0, 2), before.meanQueue.slice(0, 2));
  assert.ok(Math.abs(after.meanQueue[1]! - 0.5 * 75) < 1.5, `queue over [50,100): ${after.meanQueue[1]}`);
  // Throughput: 1/s before T (one worker saturated), 1.5/s after (all arrivals served): completions per window.
  assert.ok(Math.abs(after.throughput[1]! - 1) < 0.05, `throughput before T: ${after.throughput[1]}`);
  assert.ok(after.meanQueue[3]! < 0.01 && Math.abs(after.throughput[3]! - 1.5) < 0.05, `after T: queue ${after.meanQueue[3]}, throughput ${after.throughput[3]}`);
  assert.ok(before.meanQueue[3]! > 80, `without the change the queue keeps growing: ${before.meanQueue[3]}`);
  // Scale in at T drains like the autoscaler: 3 → 1 at 100 s with light load.
  const down = applyScenario(twinOf({
    nodes: [{ id: 'api', kind: 'service', replicas: 3, servers: 1, service: { type: 'deterministic', value: 0.1 } }],
    entries: [{ id: 'in', node: 'api', rate: 1, process: 'deterministic' }],
  }), [{ op: 'replicas', node: 'api', replicas: 1, at: 100 }]);
  const w = simulateChunk(down, { horizon: 200, reportWindow: 200, seed: 5 }, 0, 1).nodes[0]!.metrics;
  // 3 for 100 s, then 1 (a replica busy at 100 s finishes its 0.1 s first): (300 + 100) / 200 = 2, + at most 0.1·2/200.
  assert.ok(w.meanReplicas[0]! >= 2 - 1e-9 && w.meanReplicas[0]! <= 2 + 0.001, `replicas ${w.meanReplicas}`);
  assert.is(w.errorRate[0], 0, 'draining loses no request');
});

test.run();
