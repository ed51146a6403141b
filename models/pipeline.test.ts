import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { summariseBacktests } from './backtest.js';
import { calibrationFactor, conformalFactor, coverageAt, MIN_CALIBRATION_POINTS, MIN_FACTOR } from './calibrate.js';
import type { HeldOutPoint } from './calibrate.js';
import { backtestAll, forecastAll } from './fit-pool.js';
import { REQUIRED_QUANTILES } from './forecast.js';
import { maseScale, pinballLoss, scoreWindow } from './metrics.js';
import { forecastHistory } from './pipeline.js';
import type { SeriesHistory } from './pipeline.js';
import { seasonalSeries } from './test-support.js';

const STEP = 300_000; // 5 minutes: daily period 288
const history = (values: Float64Array, node = 'svc', metric = 'cpu'): SeriesHistory => ({ node, metric, stepMs: STEP, startMs: 0, values, allowNegative: false, notes: [] });

test('metrics: a perfect forecast scores 0, pinball is the textbook check-function', () => {
  const actual = Float64Array.from([1, 2, 3]);
  const q = new Map([0.025, ...REQUIRED_QUANTILES, 0.975].map((l) => [l, actual] as const));
  const s = scoreWindow(actual, q, 1);
  assert.is(s.mase, 0);
  assert.is(s.pinball, 0);
  assert.is(s.cover80, 1);
  assert.ok(Math.abs(pinballLoss(0.9, 10, 8) - 1.8) < 1e-12);
  assert.ok(Math.abs(pinballLoss(0.9, 8, 10) - 0.2) < 1e-12);
  assert.is(maseScale([1, 3, 1, 3], 1), 2);
  // Lag-2 differences are all 0: the scale falls back to the mean level (2) rather than dividing by 0.
  assert.is(maseScale([1, 3, 1, 3], 2), 2);
});

/** 2000 held-out points with N(0,1) errors whose intervals claim an sd of `claimedSd`. */
function normalPoints(claimedSd: number): HeldOutPoint[] {
  const z80 = 1.2815515655446004, z95 = 1.959963984540054;
  const points: HeldOutPoint[] = [];
  let u = 0.5;
  for (let i = 0; i < 2000; i++) {
    u = (u + 0.6180339887498949) % 1;
    // Inverse-CDF draws on a low-discrepancy grid: exactly normal quantiles, no randomness.
    const e = Math.sqrt(2) * erfinv(2 * u - 1);
    points.push({ actual: e, median: 0, lo80: -claimedSd * z80, hi80: claimedSd * z80, lo95: -claimedSd * z95, hi95: claimedSd * z95 });
  }
  return points;
}

test('calibration: intervals half as wide as needed get a factor near 2', () => {
  const points = normalPoints(0.5);
  const before = coverageAt(points, 1);
  assert.ok(before.c80 < 0.6 && before.c95 < 0.7);
  const c = calibrationFactor(points);
  assert.ok(Math.abs(c.c80 - 2) < 0.15 && Math.abs(c.c95 - 2) < 0.15, `factor ${JSON.stringify(c)}`);
  const after = coverageAt(points, c);
  assert.ok(Math.abs(after.c80 - 0.8) < 0.04 && Math.abs(after.c95 - 0.95) < 0.03, JSON.stringify(after));
  assert.equal(calibrationFactor(points.slice(0, 10)), { c80: 1, c95: 1 });
});

test('calibration: intervals twice as wide as needed are shrunk no further than MIN_FACTOR', () => {
  const points = normalPoints(2);
  const c = calibrationFactor(points);
  // The conformal factor alone would be ~0.5; the bound keeps it at MIN_FACTOR (pulled a little towards 1 by n/(n+48)).
  for (const f of [c.c80, c.c95]) assert.ok(f >= MIN_FACTOR && f < 0.9, `factor ${JSON.stringify(c)}`);
  const after = coverageAt(points, c);
  assert.ok(after.c80 > 0.9 && after.c95 > 0.99, JSON.stringify(after));
});

test('calibration: the conformal rule covers at least the level on the held-out points', () => {
  // Heavy-tailed errors (a t-like mix) against normal-looking intervals: the 95 % band needs more widening than the 80 % one.
  const points: HeldOutPoint[] = [];
  let u = 0.25;
  for (let i = 0; i < 500; i++) {
    u = (u + 0.6180339887498949) % 1;
    const e = Math.sqrt(2) * erfinv(2 * u - 1) * (i % 10 === 0 ? 4 : 1);
    points.push({ actual: e, median: 0, lo80: -1.28, hi80: 1.28, lo95: -1.96, hi95: 1.96 });
  }
  const c = calibrationFactor(points);
  const w = points.length / (points.length + MIN_CALIBRATION_POINTS);
  const full = { c80: 1 + (c.c80 - 1) / w, c95: 1 + (c.c95 - 1) / w };
  const after = coverageAt(points, full);
  assert.ok(after.c80 >= 0.8 && after.c80 < 0.82 && after.c95 >= 0.95 && after.c95 < 0.97, JSON.stringify({ c, full, after }));
  assert.ok(c.c95 > c.c80, 'the tails need more');
  assert.is(conformalFactor([3, 1, 2, 5, 4], 0.5), 3);
});

function erfinv(x: number): number {
  // Giles' approximation refined by two Newton steps: accurate to ~1e-12 here.
  const w = -Math.log((1 - x) * (1 + x));
  let p: number;
  if (w < 5) {
    const t = w - 2.5;
    p = 2.81022636e-08; for (const c of [3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * t;
  } else {
    const t = Math.sqrt(w) - 3;
    p = -0.000200214257; for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * t;
  }
  let y = p * x;
  for (let k = 0; k < 2; k++) {
    const err = erf(y) - x;
    y -= err / ((2 / Math.sqrt(Math.PI)) * Math.exp(-y * y));
  }
  return y;
}

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26 is too coarse for Newton; use a series / continued fraction split.
  const s = Math.sign(x), a = Math.abs(x);
  if (a < 2.5) {
    let sum = a, term = a;
    for (let n = 1; n < 60; n++) { term *= (-a * a) / n; sum += term / (2 * n + 1); }
    return (s * 2 * sum) / Math.sqrt(Math.PI);
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
  return s * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f));
}

test('backtest on synthetic seasonal series: ETS beats seasonal naive, 80/95 % intervals cover within tolerance', async () => {
  const series = Array.from({ length: 6 }, (_, i) => history(seasonalSeries(288 * 9, 288, `cal-${i}`, { noise: 1, ar: 0.6, amplitude: 8 }), `s${i}`));
  const results = await backtestAll(series, { model: 'auto', horizon: 24, paths: 50, seed: 3, windows: 8 }, { workers: 2 });
  const sum = summariseBacktests(results);
  assert.ok(sum.relativeMase < 0.9, `auto/snaive MASE ${sum.relativeMase}`);
  assert.ok(Math.abs(sum.model.cover80 - 0.8) < 0.08, `80 % coverage ${sum.model.cover80}`);
  assert.ok(Math.abs(sum.model.cover95 - 0.95) < 0.05, `95 % coverage ${sum.model.cover95}`);
});

test('results are identical for 0, 1 and 2 workers', async () => {
  const series = Array.from({ length: 5 }, (_, i) => history(seasonalSeries(288 * 3, 288, `det-${i}`), `d${i}`));
  const opts = { model: 'auto' as const, horizon: 12, paths: 20, seed: 9 };
  const [a, b, c] = [await forecastAll(series, opts, { workers: 0 }), await forecastAll(series, opts, { workers: 1 }), await forecastAll(series, opts, { workers: 2 })];
  for (let i = 0; i < series.length; i++) {
    assert.equal(Array.from(a[i]!.series.paths), Array.from(b[i]!.series.paths));
    assert.equal(Array.from(a[i]!.series.paths), Array.from(c[i]!.series.paths));
    assert.equal(Array.from(a[i]!.series.quantiles.get(0.9)!), Array.from(c[i]!.series.quantiles.get(0.9)!));
  }
  const other = await forecastAll(series.slice(0, 1), { ...opts, seed: 10 }, { workers: 0 });
  assert.not.equal(Array.from(other[0]!.series.paths), Array.from(a[0]!.series.paths));
});

test('paths keep the correlation across series: co-moving series get co-moving paths', async () => {
  // b = 2 a + 5 on the same noise; c has its own noise.
  const a = seasonalSeries(288 * 4, 288, 'xs-a', { noise: 2, ar: 0.8 });
  const b = a.map((v) => 2 * v + 5);
  const c = seasonalSeries(288 * 4, 288, 'xs-c', { noise: 2, ar: 0.8 });
  const opts = { model: 'ets' as const, horizon: 12, paths: 200, seed: 7 };
  const [ra, rb, rc] = await forecastAll([history(a, 'a'), history(b, 'b'), history(c, 'c')], opts, { workers: 0 });
  const last = (r: typeof ra) => Array.from({ length: 200 }, (_, p) => r!.series.paths[p * 12 + 11]!);
  const corr = (x: number[], y: number[]) => {
    const mx = x.reduce((s, v) => s + v, 0) / x.length, my = y.reduce((s, v) => s + v, 0) / y.length;
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < x.length; i++) { sxy += (x[i]! - mx) * (y[i]! - my); sxx += (x[i]! - mx) ** 2; syy += (y[i]! - my) ** 2; }
    return sxy / Math.sqrt(sxx * syy);
  };
  assert.ok(corr(last(ra), last(rb)) > 0.9, `a-b ${corr(last(ra), last(rb))}`);
  assert.ok(Math.abs(corr(last(ra), last(rc))) < 0.3, `a-c ${corr(last(ra), last(rc))}`);
});

test('short series: a model needing two seasons falls back and says so', async () => {
  const y = seasonalSeries(300, 288, 'short');
  const r = await forecastHistory(history(y), { model: 'ets', horizon: 12, paths: 10, seed: 1 });
  assert.ok(r.series.notes.some((n) => /shorter than two daily seasons \(576\): non-seasonal model/.test(n)), r.series.notes.join('|'));
  const s = await forecastHistory(history(y), { model: 'sarima', horizon: 12, paths: 10, seed: 1, period: 288 });
  assert.ok(s.series.notes.some((n) => /shorter than two seasons of 288/.test(n)), s.series.notes.join('|'));
  const tiny = await forecastHistory(history(Float64Array.from([1, 2, 3, 2, 1])), { model: 'ets', horizon: 4, paths: 10, seed: 1 });
  assert.match(tiny.series.model, /snaive \(fallback from ets\)/);
  assert.ok(tiny.series.notes.some((n) => /too short for ets/.test(n)));
  assert.ok(tiny.series.notes.some((n) => /uncalibrated intervals/.test(n)));
  for (const q of REQUIRED_QUANTILES) assert.ok(tiny.series.quantiles.get(q)!.every(Number.isFinite));
  try {
    await forecastHistory(history(Float64Array.from([1, 2, 3, 2, 1])), { model: 'ets', horizon: 6, paths: 10, seed: 1 });
    assert.unreachable('a horizon longer than the history was accepted');
  } catch (e) {
    assert.match((e as Error).message, /series svc\/cpu: a horizon of 6 steps is longer than its history of 5 points/);
  }
});

test('constant series: the constant, no spread, and a note', async () => {
  const r = await forecastHistory(history(new Float64Array(600).fill(7)), { model: 'auto', horizon: 6, paths: 5, seed: 1 });
  assert.is(r.series.model, 'constant');
  assert.ok(r.series.paths.every((v) => v === 7));
  assert.ok(r.series.notes.some((n) => /constant series/.test(n)));
});

test('quantiles are ordered and non-negative metrics stay at or above 0; rates are modelled in log space', async () => {
  const y = seasonalSeries(288 * 3, 288, 'rate', { level: 3, amplitude: 2.5, noise: 1 }).map((v) => Math.max(0, v));
  const r = await forecastHistory(history(y, 'api', 'rate'), { model: 'auto', horizon: 24, paths: 50, seed: 1 });
  assert.ok(r.series.notes.some((n) => /log1p space/.test(n)));
  const levels = [...r.series.quantiles.keys()].sort((a, b) => a - b);
  for (let k = 0; k < 24; k++) {
    for (let i = 1; i < levels.length; i++) assert.ok(r.series.quantiles.get(levels[i]!)![k]! >= r.series.quantiles.get(levels[i - 1]!)![k]! - 1e-9);
  }
  assert.ok(r.series.paths.every((v) => v >= 0));
});

test.run();
