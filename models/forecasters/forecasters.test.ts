import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seasonalSeries } from '../test-support.js';
import { ets, fitEtsParams } from './ets.js';
import { mstl } from './mstl.js';
import { isExplosive, sarima } from './sarima.js';
import { seasonalNaive } from './snaive.js';
import type { FitContext } from './types.js';

const M = 24;
const ctx = (h: number, period = M): FitContext => ({ period, extraPeriods: [], horizon: h, seed: 1 });
const truth = (i: number) => 50 + 10 * Math.sin((2 * Math.PI * i) / M);

function maxAbsDiff(a: ArrayLike<number>, f: (k: number) => number): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) d = Math.max(d, Math.abs(a[k]! - f(k)));
  return d;
}

test('seasonal naive repeats the last season exactly, and its error trajectories are exact', () => {
  const y = Float64Array.from({ length: 5 * M }, (_, i) => truth(i) + (i >= 4 * M ? 3 : 0));
  const model = seasonalNaive.fit(y, ctx(30));
  const p = model.point(30);
  // Step k repeats y[n - M + ((k - 1) mod M)].
  assert.ok(maxAbsDiff(p, (k) => y[y.length - M + (k % M)]!) < 1e-12);
  const traj = model.errorTrajectories!(M, 1000)!;
  // The origin just before the level shift of 3 sees every error equal to 3.
  const atShift = traj[traj.length - 1 - (4 * M - 1 - (M - 1))]!;
  assert.ok(maxAbsDiff(atShift, () => 3) < 1e-9);
});

test('ETS recovers a noisy seasonal shape and keeps the seasonal term', () => {
  const n = 20 * M;
  const y = seasonalSeries(n, M, 'ets-shape', { noise: 0.5, ar: 0.2 });
  const p = fitEtsParams(y, M);
  assert.ok(p.gamma > 0 || p.alpha < 0.5, `parameters ${JSON.stringify(p)}`);
  const model = ets.fit(y, ctx(M));
  const f = model.point(M);
  assert.ok(maxAbsDiff(f, (k) => truth(n + k)) < 2.5, `ETS forecast off the true shape by ${maxAbsDiff(f, (k) => truth(n + k))}`);
  // Without the season the same data cannot be forecast as well.
  const flat = ets.fit(y, ctx(M, 1)).point(M);
  assert.ok(maxAbsDiff(flat, (k) => truth(n + k)) > 5);
});

test('ETS follows a trend with a damped trend term', () => {
  const y = Float64Array.from({ length: 200 }, (_, i) => 10 + 0.5 * i);
  const f = ets.fit(y, ctx(5, 1)).point(5);
  assert.ok(f[0]! > y[199]! && f[4]! > f[0]!, `trend lost: ${Array.from(f)}`);
});

test('SARIMA (CSS, seasonal difference) recovers the seasonal shape and gives growing sd', () => {
  const n = 20 * M;
  const y = seasonalSeries(n, M, 'sarima-shape', { noise: 0.5, ar: 0.5 });
  const model = sarima.fit(y, ctx(M));
  const m = model;
  assert.is(m.name, 'sarima');
  const f = m.point(M);
  assert.ok(maxAbsDiff(f, (k) => truth(n + k)) < 3, `SARIMA off by ${maxAbsDiff(f, (k) => truth(n + k))}`);
  const sd = m.sd!(M);
  assert.ok(sd[M - 1]! >= sd[0]! && sd[0]! > 0);
});

test('SARIMA falls back to seasonal naive when the fit fails, and says so; explosive forecasts are caught', () => {
  const y = Float64Array.from({ length: 2 * M + 1 }, (_, i) => i % 5);
  const model = sarima.fit(y, ctx(M));
  assert.is(model.name, 'snaive (fallback from sarima)');
  assert.ok(model.notes.some((n) => /SARIMA failed \(Series too short.*seasonal naive used instead/.test(n)), model.notes.join('|'));
  assert.ok(isExplosive([1, 2, 1e6], [1, 1, 1], 3, 0, 10));
  assert.ok(isExplosive([1, 2, 3], [1, 1, Number.POSITIVE_INFINITY], 3, 0, 10));
  assert.ok(isExplosive([1, Number.NaN, 3], [1, 1, 1], 3, 0, 10));
  assert.not.ok(isExplosive([1, 2, 3], [1, 2, 3], 3, 0, 10));
});

test('MSTL (augurs WASM) recovers the seasonal shape', () => {
  const n = 20 * M;
  const y = seasonalSeries(n, M, 'mstl-shape', { noise: 0.5, ar: 0.2 });
  const m = mstl.fit(y, ctx(M));
  const f = m.point(M);
  assert.ok(maxAbsDiff(f, (k) => truth(n + k)) < 2.5, `MSTL off by ${maxAbsDiff(f, (k) => truth(n + k))}`);
  assert.ok(m.sd!(M)[0]! > 0);
});

test.run();
