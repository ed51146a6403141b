import { test } from 'uvu';
import * as assert from 'uvu/assert';
import seedrandom from 'seedrandom';
import { exhaustionOf, firstCrossings, wilson } from './exhaustion.js';
import type { ForecastBundle, ForecastSeries } from './forecast.js';

function bundleOf(paths: Float32Array, nPaths: number, steps: number, limit: number): { bundle: ForecastBundle; series: ForecastSeries } {
  const series: ForecastSeries = { node: 'db', metric: 'memory_pct', model: 'test', limit, quantiles: new Map(), paths, notes: [] };
  return { bundle: { startMs: 1_000_000, stepMs: 60_000, steps, paths: nPaths, seed: 0, series: [series] }, series };
}

test('ramps with known slopes: the crossing probability and times are exact', () => {
  // Path p grows by p per step from 0: it reaches 100 at step ceil(100 / p) (1-based), within 10 steps iff p >= 10.
  const nPaths = 40, steps = 10;
  const paths = new Float32Array(nPaths * steps);
  for (let p = 0; p < nPaths; p++) for (let k = 0; k < steps; k++) paths[p * steps + k] = p * (k + 1);
  const { bundle, series } = bundleOf(paths, nPaths, steps, 100);
  const e = exhaustionOf(bundle, series)!;
  assert.is(e.probability, 30 / 40);
  // Crossing steps sorted: p = 39..20 cross at step ceil(100/p): 3 (p>=34), 4 (25..33), 5 (20..24), ...
  const expected = Array.from({ length: nPaths }, (_, p) => (p >= 10 ? Math.ceil(100 / p) : Infinity)).sort((a, b) => a - b);
  const at = (q: number) => expected[Math.max(0, Math.ceil(q * nPaths) - 1)]!;
  assert.is(e.stepQuantiles['0.1'], at(0.1));
  assert.is(e.stepQuantiles['0.5'], at(0.5));
  assert.is(e.timeQuantiles['0.5'], 1_000_000 + (at(0.5) - 1) * 60_000);
  // 0-based first indices: p = 9 never (90 < 100), p = 10 and 11 at index 9, p = 12 at index 8.
  assert.equal(firstCrossings(paths, nPaths, steps, 100).slice(9, 13), [Infinity, 9, 9, 8]);
});

test('a random walk: the share of paths crossing matches the reflection principle', () => {
  // Gaussian random walk from 0, sd 1 per step, 100 steps, limit 10: P(max >= 10) ~ 2 P(S_100 >= 10) = 2 (1 - Phi(1)) = 0.3173
  // (slightly less in discrete time). 4000 paths: standard error 0.0074.
  const nPaths = 4000, steps = 100;
  const rng = seedrandom('walk');
  const paths = new Float32Array(nPaths * steps);
  for (let p = 0; p < nPaths; p++) {
    let x = 0;
    for (let k = 0; k < steps; k++) {
      x += Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-300))) * Math.cos(2 * Math.PI * rng());
      paths[p * steps + k] = x;
    }
  }
  const { bundle, series } = bundleOf(paths, nPaths, steps, 10);
  const e = exhaustionOf(bundle, series)!;
  // Discrete-time correction (Siegmund): the effective barrier is 10 + 0.5826 -> 2 (1 - Phi(1.0583)) = 0.2899.
  assert.ok(Math.abs(e.probability - 0.2899) < 0.025, `P = ${e.probability}`);
  assert.ok(e.interval[0] < e.probability && e.interval[1] > e.probability);
  assert.is(e.stepQuantiles['0.5'], null);
});

test('no limit, no report; Wilson interval ends are exact at 0 and n', () => {
  const s: ForecastSeries = { node: 'a', metric: 'rate', model: 't', quantiles: new Map(), paths: new Float32Array(4), notes: [] };
  assert.is(exhaustionOf({ startMs: 0, stepMs: 1, steps: 2, paths: 2, seed: 0, series: [s] }, s), undefined);
  assert.is(wilson(0, 50)[0], 0);
  assert.is(wilson(50, 50)[1], 1);
  const [lo, hi] = wilson(10, 100);
  assert.ok(Math.abs(lo - 0.0552) < 1e-3 && Math.abs(hi - 0.1744) < 1e-3);
});

test.run();
