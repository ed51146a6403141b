/** The small fits calibration is built from, on inputs with exact answers. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fitLognormalQuantiles, lognormalQuantile, MIN_SIGMA } from './lognormal.js';
import { fitLine } from './regression.js';
import { callMoments } from './service-time.js';
import { fitWorkers } from './workers.js';
import type { TelemetryGrid } from './grid.js';
import { comparePrediction } from './predict.js';

test('a lognormal comes back exactly from its own p90/p95/p99', () => {
  const points = [0.9, 0.95, 0.99].map((q) => ({ q, value: lognormalQuantile(0.04, 0.7, q) }));
  const fit = fitLognormalQuantiles(points);
  assert.ok(Math.abs(fit.mean - 0.04) < 1e-9, `mean ${fit.mean}`);
  assert.ok(Math.abs(fit.cv - 0.7) < 1e-9, `cv ${fit.cv}`);
  assert.ok(fit.rmseLog < 1e-9);
});

test('quantiles from one histogram bucket give a narrow lognormal, not a degenerate one', () => {
  const fit = fitLognormalQuantiles([{ q: 0.9, value: 0.005 }, { q: 0.95, value: 0.005 }, { q: 0.99, value: 0.005 }]);
  assert.is(fit.sigma, MIN_SIGMA);
});

test('CPU against rate: slope and intercept, NaN where nothing pairs', () => {
  const rate = [1, 2, NaN, 4, 5];
  const cpu = rate.map((r) => 0.1 + 0.02 * r);
  const line = fitLine(rate, cpu);
  assert.ok(Math.abs(line.slope - 0.02) < 1e-12 && Math.abs(line.intercept - 0.1) < 1e-12);
  assert.is(line.n, 4);
  assert.ok(Number.isNaN(fitLine([1], [2]).slope));
});

test('calls by moments: m E[R] and m Var[R] + f(1 - f) E[R]^2', () => {
  const m = callMoments([{ meanCalls: 1.5, child: { mean: 0.01, variance: 1e-4 } }]);
  assert.ok(Math.abs(m.mean - 0.015) < 1e-15);
  assert.ok(Math.abs(m.variance - (1.5e-4 + 0.25 * 1e-4)) < 1e-15);
});

test('workers: saturation first, then the CPU limit, never below 1.5 x the peak concurrency', () => {
  const base = { before: 8, replicas: 1, held: 0.1, heldFitted: true, peakRate: 10, saturatedRates: [] as number[], cpu: null };
  const reasons: string[] = [];
  assert.equal(fitWorkers({ ...base, saturatedRates: [40, 50, 60] }, reasons), { before: 8, after: 5, method: 'saturation' });
  assert.equal(fitWorkers({ ...base, cpu: { perRequest: 0.01, idle: 0, r2: 0.9, limit: 2 } }, reasons), { before: 8, after: 20, method: 'cpu-limit' });
  assert.equal(fitWorkers({ ...base, peakRate: 100, cpu: { perRequest: 0.01, idle: 0, r2: 0.9, limit: 0.1 } }, reasons), { before: 8, after: 15, method: 'cpu-limit' });
  const kept = fitWorkers({ ...base, heldFitted: false, saturatedRates: [40, 50, 60] }, reasons);
  assert.is(kept.method, 'kept');
  assert.match(reasons.join('\n'), /no fitted response time/);
});

test('the check: mean throughput error with its counting noise; latency only over windows with enough measured requests', () => {
  const grid = (rate: number[], p95: number[]): TelemetryGrid => ({
    start: 0, step: 60, length: rate.length,
    services: [{ id: 's', rate: Float64Array.from(rate), cpu: new Float64Array(rate.length).fill(NaN), cpuLimit: null, latency: [{ q: 0.95, values: Float64Array.from(p95) }] }],
  });
  // Window 2 has 3 requests (0.05 req/s x 60 s): below 5, its 1 s latency is left out.
  const measured = grid([1, 1, 0.05, 1], [0.1, 0.1, 1, 0.1]);
  const predicted = grid([1.1, 1.1, 0.05, 1.1], [0.12, 0.12, 0.12, 0.12]);
  const c = comparePrediction(measured, predicted).services[0]!;
  assert.ok(Math.abs(c.throughput.error - (3.35 / 3.05 - 1)) < 1e-12, `throughput error ${c.throughput.error}`);
  assert.ok(Math.abs(c.throughput.noise - 1.96 / Math.sqrt(183)) < 1e-12);
  assert.equal(c.latency.map((l) => [l.windows, l.measured]), [[3, 0.1]]);
  assert.ok(Math.abs(c.latency[0]!.error - 0.2) < 1e-12);
});

test.run();
