/**
 * The pipeline's range and fallback rules (issue 12): percentages stay in
 * [0, limit], a non-negative series is never clamped to a point at 0, a failed
 * seasonal model falls back to non-seasonal ETS with a readable reason,
 * gap-filled points are not scored, and the seasonal periods used are reported.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { forecastHistory } from './pipeline.js';
import type { SeriesHistory } from './pipeline.js';
import { seasonalSeries } from './test-support.js';

const STEP = 300_000; // 5 minutes: daily period 288, weekly 2016
const history = (values: Float64Array, metric: string, extra: Partial<SeriesHistory> = {}): SeriesHistory => ({ node: 'svc', metric, stepMs: STEP, startMs: 0, values, allowNegative: false, notes: [], ...extra });

test('a percentage near its ceiling: every quantile and path stays within [0, 100], modelled in logit space', async () => {
  const y = seasonalSeries(288 * 4, 288, 'pct', { level: 93, amplitude: 6, noise: 1.5 }).map((v) => Math.min(100, Math.max(0, v)));
  const r = await forecastHistory(history(y, 'cpu_percent'), { model: 'auto', horizon: 48, paths: 100, seed: 3 });
  assert.ok(r.series.notes.some((n) => /logit space bounded to \[0, 100\]/.test(n)), r.series.notes.join('\n'));
  for (const [, q] of r.series.quantiles) for (const v of q) assert.ok(v >= 0 && v <= 100, `quantile ${v}`);
  assert.ok(r.series.paths.every((v) => v >= 0 && v <= 100));
  // Not squashed to the ceiling: the 80 % interval keeps a width at every step.
  const lo = r.series.quantiles.get(0.1)!, hi = r.series.quantiles.get(0.9)!;
  for (let k = 0; k < 48; k++) assert.ok(hi[k]! - lo[k]! > 0.5, `step ${k}: [${lo[k]}, ${hi[k]}]`);
});

test('a percentage with its own limit is bounded by it', async () => {
  const y = seasonalSeries(288 * 4, 288, 'pct-limit', { level: 40, amplitude: 5, noise: 1 }).map((v) => Math.min(50, Math.max(0, v)));
  const r = await forecastHistory(history(y, 'disk_pct', { limit: 50 }), { model: 'ets', horizon: 24, paths: 50, seed: 1 });
  for (const [, q] of r.series.quantiles) for (const v of q) assert.ok(v <= 50, `quantile ${v}`);
});

test('a non-negative series whose linear forecast dives below 0 is refitted in log space, not clamped to [0, 0]', async () => {
  // Thousands for three days, then a steep slide in the last hours: a linear trend carries the forecast below 0.
  const base = seasonalSeries(288 * 3 + 60, 288, 'slide', { level: 3000, amplitude: 300, noise: 60 });
  const y = base.map((v, i) => (i < 288 * 3 ? v : Math.max(5, v - (i - 288 * 3) * 60)));
  const r = await forecastHistory(history(y, 'queue_depth'), { model: 'ets', horizon: 36, paths: 50, seed: 2 });
  assert.ok(r.series.notes.some((n) => /modelled in log1p space \(its linear forecast reached .* below 0\)/.test(n)), r.series.notes.join('\n'));
  const med = r.series.quantiles.get(0.5)!, lo = r.series.quantiles.get(0.1)!, hi = r.series.quantiles.get(0.9)!;
  for (let k = 0; k < 36; k++) {
    assert.ok(med[k]! > 0, `median at step ${k} is ${med[k]}`);
    assert.ok(hi[k]! > lo[k]!, `80 % interval at step ${k} is a point`);
  }
});

test('a signed metric keeps negative values', async () => {
  const y = seasonalSeries(288 * 3, 288, 'temp', { level: -5, amplitude: 8, noise: 1 });
  const r = await forecastHistory(history(y, 'temperature', { allowNegative: true }), { model: 'ets', horizon: 24, paths: 50, seed: 1 });
  assert.ok(r.series.quantiles.get(0.5)!.some((v) => v < 0));
});

test('MSTL on a series without a season falls back to non-seasonal ETS and says why', async () => {
  const y = seasonalSeries(600, 1_000_000, 'flat', { level: 20, amplitude: 0, noise: 2, ar: 0.7 });
  const r = await forecastHistory(history(y, 'cpu'), { model: 'mstl', horizon: 12, paths: 20, seed: 1, calibrate: false });
  assert.is(r.chosen, 'ets (fallback from mstl)');
  const note = r.series.notes.find((n) => /mstl failed/.test(n)) ?? '';
  assert.match(note, /no seasonal period .*: non-seasonal ETS used/);
  assert.not.match(note, /undefined/);
  assert.equal(r.series.periods, []);
});

test('gap-filled points are not scored: origins whose window is all interpolation are skipped', async () => {
  const y = seasonalSeries(288 * 4, 288, 'gaps', { level: 50, amplitude: 10, noise: 2 });
  const filled = new Uint8Array(y.length);
  // The last 48 points (two inner windows of 24) are a straight interpolated line.
  const a = y[y.length - 49]!, b = y[y.length - 1]!;
  for (let i = y.length - 48; i < y.length - 1; i++) { y[i] = a + ((b - a) * (i - (y.length - 49))) / 48; filled[i] = 1; }
  const plain = await forecastHistory(history(y, 'cpu'), { model: 'auto', horizon: 24, paths: 20, seed: 1 });
  const masked = await forecastHistory(history(y, 'cpu', { filled }), { model: 'auto', horizon: 24, paths: 20, seed: 1 });
  const origins = (notes: readonly string[]) => Number(/over (\d+) origins/.exec(notes.find((n) => /^auto chose/.test(n)) ?? '')?.[1]);
  assert.is(origins(plain.series.notes), 8);
  assert.is(origins(masked.series.notes), 7, masked.series.notes.join('\n'));
});

test('a daily and weekly cycle: both periods are reported and auto tries MSTL', async () => {
  const n = 2016 * 3 + 288;
  const y = seasonalSeries(n, 288, 'weekly', { level: 100, amplitude: 5, noise: 2 });
  for (let i = 0; i < n; i++) y[i] = y[i]! + 40 * Math.sin((2 * Math.PI * i) / 2016);
  const r = await forecastHistory(history(y, 'cpu'), { model: 'auto', horizon: 24, paths: 20, seed: 1 });
  assert.equal(r.series.periods, [288, 2016]);
  assert.ok('mstl' in r.candidateMase, JSON.stringify(r.candidateMase));
});

test.run();
