/**
 * Behaviours of the request-flow model against values computed by hand:
 * a sync call chain, retry amplification under timeouts, availability under
 * crash/restart, OOM crashes, predictive state transfer, forecast paths.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mmc } from '../../engine/queueing-theory.js';
import { assertCovers } from '../../engine/test-support.js';
import type { ForecastBundle } from '../../models/forecast.js';
import { stateFromObject } from '../state.js';
import { runTwinReplication, simulateChunk } from './simulate.js';
import { twinOf } from './test-twins.js';

test('sync call chain: caller sojourn = own service + callee M/M/2 sojourn', () => {
  const twin = twinOf({
    nodes: [
      { id: 'caller', kind: 'service', replicas: 1, servers: 1000, service: { type: 'deterministic', value: 0.01 } },
      { id: 'callee', kind: 'service', replicas: 1, servers: 2, service: { type: 'exponential', mean: 1 } },
    ],
    edges: [{ type: 'call', from: 'caller', to: 'callee', mean: 1 }],
    entries: [{ id: 'in', node: 'caller', rate: 1.6 }],
  });
  const s = simulateChunk(twin, { horizon: 100_000, reportWindow: 100_000, warmup: 3_000, seed: 11 }, 0, 12);
  const exact = 0.01 + mmc(1.6, 1, 2).w;
  assertCovers('caller sojourn', s.nodes[0]!.metrics.meanLatency, exact);
  assertCovers('callee sojourn', s.nodes[1]!.metrics.meanLatency, mmc(1.6, 1, 2).w);
});

test('timeouts with retries amplify the callee load by 1 + p + p², and p³ of requests fail', () => {
  // Callee without queueing (ample workers): an attempt times out when its Exp(1) service exceeds 1 s, p = e^-1.
  const twin = twinOf({
    nodes: [
      { id: 'caller', kind: 'service', replicas: 1, servers: 10000, service: { type: 'deterministic', value: 0.001 } },
      { id: 'callee', kind: 'service', replicas: 1, servers: 10000, service: { type: 'exponential', mean: 1 }, timeout: '1s', retries: { max: 2, backoff: 0, jitter: 0 } },
    ],
    edges: [{ type: 'call', from: 'caller', to: 'callee', mean: 1 }],
    entries: [{ id: 'in', node: 'caller', rate: 20 }],
  });
  const s = simulateChunk(twin, { horizon: 4_000, reportWindow: 4_000, warmup: 100, seed: 12 }, 0, 10);
  const p = Math.exp(-1);
  const caller = s.nodes[0]!.metrics, callee = s.nodes[1]!.metrics;
  assertCovers('attempts per call', callee.arrivals.map((a, i) => a / caller.arrivals[i]!), 1 + p + p * p);
  assertCovers('attempts timed out', callee.timeouts.map((t, i) => t / callee.arrivals[i]!), p);
  assertCovers('caller error rate', caller.errorRate, p ** 3, { maxRelHalfWidth: 0.05 });
  // Timed-out attempts keep running: every attempt's full service is busy time (λ·1.503·1 s over 10000 workers).
  assertCovers('callee busy workers', callee.utilization.map((u) => u * 10000), 20 * (1 + p + p * p));
  assert.ok(callee.wasted.every((w) => w > 0), 'answers arriving after the timeout are counted as wasted work');
});

test('crash/restart: availability = mtbf / (mtbf + mttr), and requests find it down that share of the time', () => {
  const twin = twinOf({
    nodes: [{ id: 'svc', kind: 'service', replicas: 1, servers: 10, service: { type: 'deterministic', value: 0.001 }, failure: { mtbf: '100s', mttr: '25s' } }],
    entries: [{ id: 'in', node: 'svc', rate: 2 }],
  });
  const s = simulateChunk(twin, { horizon: 200_000, reportWindow: 200_000, seed: 13 }, 0, 10);
  const m = s.nodes[0]!.metrics;
  assertCovers('replicas up', m.meanReplicas, 100 / 125);
  assertCovers('requests refused', m.errorRate, 25 / 125, { maxRelHalfWidth: 0.05 });
  assert.ok(m.crashes.every((c) => Math.abs(c - 200_000 / 125) < 5 * Math.sqrt(200_000 / 125)), `crashes ${m.crashes}`);
});

test('OOM: in-flight memory over the limit crashes the replica for the restart time; a higher limit does not', () => {
  const node = (limit: string) => ({
    id: 'svc', kind: 'service', replicas: 1, servers: 2, queue: 100, service: { type: 'exponential', mean: 0.1 },
    resources: { cores: 2, cpuPerRequest: 0.01, memBase: '100Mi', memPerInFlight: '10Mi', memLimit: limit },
  });
  const entries = [{ id: 'in', node: 'svc', rate: 18 }];
  const settings = { horizon: 3_000, reportWindow: 3_000, seed: 14 };
  const tight = simulateChunk(twinOf({ nodes: [node('155Mi')], entries }), settings, 0, 4);
  const loose = simulateChunk(twinOf({ nodes: [node('10Gi')], entries }), settings, 0, 4);
  const m = tight.nodes[0]!.metrics;
  for (let r = 0; r < 4; r++) {
    assert.ok(m.ooms[r]! > 0, 'six requests in flight (160Mi) pass the 155Mi limit');
    assert.is(tight.nodes[0]!.condition[r], 'oom');
    // Each OOM takes the only replica away for 30 s (no failure model: the OOM restart time).
    const down = 3_000 * (1 - m.meanReplicas[r]!);
    assert.ok(down <= m.ooms[r]! * 30 + 1e-6 && down >= (m.ooms[r]! - 1) * 30, `down ${down} s for ${m.ooms[r]} OOMs`);
    assert.ok(m.peakMemory[r]! > 155 * 2 ** 20);
    assert.is(loose.nodes[0]!.metrics.ooms[r], 0);
    assert.is(loose.nodes[0]!.metrics.meanReplicas[r], 1);
  }
});

test('predictive state transfer: a snapshot queue is there at the start and drains at rate μ − λ', () => {
  const twin = twinOf({
    nodes: [{ id: 'q', kind: 'service', replicas: 1, servers: 1, service: { type: 'exponential', mean: 1 } }],
    entries: [{ id: 'in', node: 'q', rate: 0.5 }],
  });
  const state = stateFromObject({ format: 'shadowcast-state/1', takenAt: '2026-11-24T00:00:00Z', nodes: { q: { replicasUp: 1, busy: 1, queue: 60 } } }, twin, 'snapshot');
  const settings = { horizon: 600, reportWindow: 20, seed: 15 };
  const warm = simulateChunk(twin, { ...settings, state }, 0, 20);
  const cold = simulateChunk(twin, settings, 0, 20);
  const firstWindow = (s: typeof warm) => s.nodes[0]!.windows.meanQueue.filter((_, i) => i % s.windows === 0);
  const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // 60 waiting, draining at about 0.5/s: about 55 on average over the first 20 s.
  assert.ok(Math.abs(meanOf(firstWindow(warm)) - 55) < 4, `warm start first-window queue ${meanOf(firstWindow(warm))}`);
  assert.ok(meanOf(firstWindow(cold)) < 2, `cold start first-window queue ${meanOf(firstWindow(cold))}`);
  // After ~120 s (60 / 0.5) plus slack, the backlog is gone.
  const late = warm.nodes[0]!.windows.meanQueue.filter((_, i) => i % warm.windows === 20);
  assert.ok(meanOf(late) < 3, `queue after 400 s: ${meanOf(late)}`);
});

test('forecast-driven entry: replication i follows sample path i', () => {
  const steps = 24, stepMs = 60_000;
  const paths = new Float32Array(2 * steps);
  paths.fill(2, 0, steps);
  paths.fill(10, steps);
  const bundle: ForecastBundle = {
    startMs: Date.parse('2026-11-24T00:00:00Z'), stepMs, steps, paths: 2, seed: 1,
    series: [{ node: 'api', metric: 'rate', model: 'test', quantiles: new Map(), paths, notes: [] }],
  };
  const twin = twinOf({
    nodes: [{ id: 'api', kind: 'service', replicas: 1, servers: 100, service: { type: 'exponential', mean: 0.01 } }],
    entries: [{ id: 'in', node: 'api', forecast: { node: 'api', metric: 'rate' } }],
  });
  const horizon = (steps - 1) * 60;
  for (let rep = 0; rep < 4; rep++) {
    const m = runTwinReplication(twin, { horizon, reportWindow: horizon, seed: 16, forecast: bundle }, rep);
    const expected = (rep % 2 === 0 ? 2 : 10) * horizon;
    const got = m.entries[0]!.arrivals;
    assert.ok(Math.abs(got - expected) < 5 * Math.sqrt(expected), `replication ${rep}: ${got} arrivals, expected ${expected}`);
  }
});


test("Little's law holds at every node of the shop: time in node (queue + workers) = sum of response times", async () => {
  const { loadTwinFile } = await import('../definition/load.js');
  const { exampleFile } = await import('../examples/paths.js');
  const twin = await loadTwinFile(exampleFile('shop.yaml'));
  const horizon = 300;
  const m = runTwinReplication(twin, { horizon, reportWindow: horizon, seed: 17 }, 0);
  for (const rt of m.nodes) {
    const o = rt.obs;
    const inNode = (o.busyArea + o.queueArea) / horizon;
    const viaLatency = o.hist.sum / horizon;
    // Only requests still in flight at the horizon differ: a fraction of a percent.
    assert.ok(Math.abs(inNode - viaLatency) <= 0.01 * inNode + 1e-3, `${rt.node.id}: L ${inNode} vs λW ${viaLatency}`);
    assert.ok(o.hist.count > 100, `${rt.node.id} has traffic`);
  }
});

test('autoscaling: HPA settles at work / target replicas, new ones serve only after startup, and it scales down', () => {
  // 2.4 s of work arrives per second on 1-worker replicas; target 0.6, from 1 replica at the start.
  const twin = (rate: number, replicas: number, process: 'poisson' | 'deterministic', service: Record<string, unknown>) => twinOf({
    nodes: [{ id: 'api', kind: 'service', replicas, servers: 1, service, autoscale: { target: 0.6, min: 1, max: 10, period: '15s', startup: '30s' } }],
    entries: [{ id: 'in', node: 'api', rate, process }],
  });
  // Deterministic load: utilization is exact, so the controller must converge to 2.4 / 0.6 = 4 replicas.
  const exact = simulateChunk(twin(2.4, 1, 'deterministic', { type: 'deterministic', value: 1 }), { horizon: 2_400, reportWindow: 2_400, warmup: 1_200, seed: 18 }, 0, 1);
  assert.ok(Math.abs(exact.nodes[0]!.metrics.meanReplicas[0]! - 4) < 0.02, `deterministic load: ${exact.nodes[0]!.metrics.meanReplicas[0]} replicas`);
  // Poisson load: ceil() and the 10 % band bias upward; the rules bound the mean by
  // work / (1.1 target) = 3.64 and ceil(work / (0.9 target)) + 1 = 6.
  const noisy = simulateChunk(twin(2.4, 1, 'poisson', { type: 'exponential', mean: 1 }), { horizon: 3_600, reportWindow: 3_600, warmup: 1_200, seed: 18 }, 0, 6);
  for (const r of noisy.nodes[0]!.metrics.meanReplicas) assert.ok(r >= 3.64 && r <= 6, `poisson load: ${r} replicas`);
  // The first 30 s (startup) have one replica only, however hard it is pushed.
  const first = simulateChunk(twin(2.4, 1, 'poisson', { type: 'exponential', mean: 1 }), { horizon: 30, reportWindow: 30, seed: 18 }, 0, 3);
  for (const r of first.nodes[0]!.metrics.meanReplicas) assert.is(r, 1);
  // A light load drains back towards the minimum, one replica per period.
  const down = simulateChunk(twin(0.2, 6, 'poisson', { type: 'exponential', mean: 1 }), { horizon: 1_800, reportWindow: 1_800, warmup: 900, seed: 19 }, 0, 4);
  for (const r of down.nodes[0]!.metrics.meanReplicas) assert.ok(r < 1.6, `replicas at light load: ${r}`);
});

test.run();
