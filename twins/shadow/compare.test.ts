import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareShadow, relativeStandardError, simToRealError, type MeasuredNode, type PredictedNode } from './compare.js';

const predicted: PredictedNode = { id: 'a', throughput: 10, utilization: 0.5, meanLatency: 0.02, p50: 0.015, p95: 0.05 };

function measured(responses: number, throughput: number): MeasuredNode {
  return { id: 'a', available: true, productionSeconds: responses / throughput, responses, throughput, busyWorkers: 2, meanLatency: 0.02, p50: 0.015, p95: 0.05 };
}

const run = (m: MeasuredNode) => compareShadow({ k: 1, nodes: [{ id: 'a', workers: 4 }], measured: new Map([['a', m]]), predicted: new Map([['a', predicted]]) });

test('a 12 % throughput gap over 80 responses is within the noise (±22 %): inconclusive, not a pass and not a failure', () => {
  const c = run(measured(80, 8.8));
  const t = c.nodes[0]!.figures!.throughput;
  assert.is(t.verdict, 'inconclusive');
  assert.ok(Math.abs(t.noise! - 2 / Math.sqrt(80)) < 1e-12);
  assert.not.ok(c.pass);
  assert.match(c.nodes[0]!.notes.join(' '), /within the noise of 80 responses/);
  assert.is(simToRealError(c), 0, 'noise is not evidence against the twin (latency matched exactly)');
});

test('the same gap over 10,000 responses is off; within tolerance is ok', () => {
  const off = run(measured(10_000, 8.8));
  assert.is(off.nodes[0]!.figures!.throughput.verdict, 'off');
  assert.ok(Math.abs(simToRealError(off)! - 0.12) < 1e-9);
  const ok = run(measured(80, 9.8));
  assert.is(ok.nodes[0]!.figures!.throughput.verdict, 'ok');
  assert.ok(ok.pass);
});

test('standard errors: Poisson counts, lognormal cv from p50 and p95, quantiles', () => {
  assert.is(relativeStandardError('throughput', 100, null, null), 0.1);
  // p95/p50 = e^1.6449: sigma 1, cv = sqrt(e - 1).
  assert.ok(Math.abs(relativeStandardError('meanLatency', 100, 1, Math.exp(1.6449))! - Math.sqrt(Math.E - 1) / 10) < 1e-9);
  assert.is(relativeStandardError('p95', 0, null, null), null);
});

test.run();
