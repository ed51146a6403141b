import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { standardNormal } from '../../engine/distributions.js';
import { createStream } from '../../engine/rng.js';
import type { ForecastBundle } from '../../models/forecast.js';
import type { ResultNode, SimulationSummary } from '../shadow/result.js';
import { driftAnomalies, exhaustionAnomalies, riskAnomalies, shadowAnomalies } from './detect.js';

function node(id: string, pFail: { mean: number; lo: number; hi: number }, mainCondition: string | null): ResultNode {
  return { id, pFail, failures: 0, replications: 100, mainCondition, timeToFailure: mainCondition ? { p10: 60, p50: 300, p90: 900 } : null, latency: { p50: null, p95: null, p99: null }, figures: {} };
}

const summary: SimulationSummary = {
  format: 'shadowcast-simulation/1',
  run: { twin: 'shop', source: 'x', seed: 1, replications: 100, horizon: 1800, warmup: 0, confidence: 0.95, windowSeconds: 60, forecast: null, state: null, scenario: null, twinHash: null },
  nodes: [
    node('frontend', { mean: 0, lo: 0, hi: 0.037 }, null),
    node('recommendation', { mean: 0.2, lo: 0.13, hi: 0.29 }, 'queue'),
    node('cart', { mean: 0.02, lo: 0.005, hi: 0.07 }, 'latency'),
  ],
  entries: [],
};

test('risk: the P(fail) upper bound against the threshold, critical when the lower bound reaches it too', () => {
  const a = riskAnomalies(summary.nodes, { threshold: 0.05 });
  assert.equal(a.map((x) => [x.id, x.severity]), [['risk:recommendation:queue', 'critical'], ['risk:cart:latency', 'warning']]);
  const ev = a[0]!.evidence;
  assert.ok(ev.source === 'risk' && ev.threshold === 0.05 && ev.timeToFailure?.p50 === 300);
  assert.equal(riskAnomalies(summary.nodes, { threshold: 0.3 }), []);
  // frontend's upper bound 3.7 % reaches a 3 % threshold even with no failure seen
  assert.ok(riskAnomalies(summary.nodes, { threshold: 0.03 }).some((x) => x.id === 'risk:frontend:fail'));
});

/** 10 paths × 5 steps: memory climbing to its limit 100 in paths 0..k-1 at step (p+1) (1-based), flat 50 otherwise. */
function bundle(crossing: number): ForecastBundle {
  const paths = new Float32Array(10 * 5).fill(50);
  for (let p = 0; p < crossing; p++) for (let k = p % 5; k < 5; k++) paths[p * 5 + k] = 100;
  return { startMs: 0, stepMs: 60_000, steps: 5, paths: 10, seed: 1, series: [
    { node: 'db', metric: 'memory', model: 'x', limit: 100, quantiles: new Map(), paths, notes: [] },
    { node: 'db', metric: 'rate', model: 'x', quantiles: new Map(), paths: new Float32Array(50), notes: [] },
  ] };
}

test('exhaustion: crossing probability with its Wilson bound, time to the limit among crossing paths', () => {
  const a = exhaustionAnomalies(bundle(5));
  assert.is(a.length, 1);
  assert.is(a[0]!.id, 'exhaustion:db:memory');
  assert.is(a[0]!.severity, 'critical');
  const ev = a[0]!.evidence;
  assert.ok(ev.source === 'exhaustion');
  if (ev.source !== 'exhaustion') return;
  assert.is(ev.probability, 0.5);
  // crossing steps 0..4 (0-based) -> 60..300 s; type-7 quantiles 84, 180, 276 s
  assert.equal(ev.timeToLimit, { p10: 84, p50: 180, p90: 276 });
  // no crossing among 10 paths: Wilson upper bound 0.28 still reaches 5 %, so 10 paths cannot clear it
  const none = exhaustionAnomalies(bundle(0));
  assert.is(none.length, 1);
  assert.is(none[0]!.severity, 'warning');
  assert.ok(none[0]!.evidence.source === 'exhaustion' && none[0]!.evidence.timeToLimit === null);
  assert.equal(exhaustionAnomalies(bundle(0), { threshold: 0.3 }), []);
});

function normals(rep: number, name: string, n: number, mean: number, sd: number): number[] {
  const rng = createStream(3, rep, name);
  return Array.from({ length: n }, () => mean + sd * standardNormal(rng));
}

test('shadow: a fail in the bad direction is an anomaly; inconclusive and improvements are reported, not raised', () => {
  const prod = normals(0, 'prod', 120, 0.2, 0.02);
  const judged = shadowAnomalies([
    { node: 'cart', metric: 'latency_p99', baseline: prod, candidate: normals(0, 'slow', 120, 0.3, 0.02), bad: 'increase' },
    { node: 'cart', metric: 'cpu', baseline: prod, candidate: normals(0, 'fast', 120, 0.1, 0.02), bad: 'increase' },
    { node: 'cart', metric: 'rate', baseline: prod, candidate: normals(0, 'few', 20, 0.4, 0.02) },
    { node: 'cart', metric: 'memory', baseline: prod, candidate: normals(0, 'same', 120, 0.2, 0.02) },
  ]);
  assert.equal(judged.map((j) => [j.evidence.verdict, j.anomaly?.id ?? null]), [
    ['fail', 'shadow:cart:latency_p99'], ['fail', null], ['inconclusive', null], ['pass', null],
  ]);
  assert.is(judged[0]!.anomaly!.severity, 'critical'); // +50 % against a 10 % band
});

test('drift: production against the forecast paths at the same steps', () => {
  const steps = 60;
  const nPaths = 20;
  const paths = new Float32Array(nPaths * steps);
  const rng = createStream(4, 0, 'paths');
  for (let i = 0; i < paths.length; i++) paths[i] = 10 + standardNormal(rng);
  const b: ForecastBundle = { startMs: 1_000_000, stepMs: 60_000, steps, paths: nPaths, seed: 4, series: [{ node: 'api', metric: 'rate', model: 'x', quantiles: new Map(), paths, notes: [] }] };
  const times = Array.from({ length: steps }, (_, k) => 1_000_000 + k * 60_000);
  const onTrack = normals(1, 'obs', steps, 10, 1);
  const doubled = normals(1, 'obs', steps, 20, 1);
  const judged = driftAnomalies(b, [
    { node: 'api', metric: 'rate', times, values: onTrack },
    { node: 'api', metric: 'rate', times, values: doubled },
    { node: 'api', metric: 'rate', times: times.slice(0, 30), values: doubled.slice(0, 30) },
    { node: 'other', metric: 'rate', times, values: doubled },
  ]);
  assert.is(judged.length, 3, 'a series the forecast lacks is skipped');
  assert.equal(judged.map((j) => j.evidence.verdict), ['pass', 'fail', 'inconclusive']);
  assert.is(judged[1]!.anomaly!.id, 'drift:api:rate');
  assert.is(judged[1]!.evidence.n.baseline + judged[1]!.evidence.outliersRemoved.baseline, steps * nPaths);
});

test.run();
