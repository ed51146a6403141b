import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resampleSeries } from './resample.js';
import type { Series } from './series.js';

const series = (values: number[], stepMs: number, startMs = 0, filled?: number[]): Series => ({
  node: 'n', metric: 'cpu', file: 'f.csv', startMs, stepMs, values: Float64Array.from(values),
  filled: Uint8Array.from(filled ?? values.map(() => 0)), allowNegative: false, notes: [],
});

test('downsampling: bucket means of the observed points, aligned to the epoch; an all-filled bucket stays filled', () => {
  // 1-minute points from 00:01 to 00:09; 5-minute buckets [00:00, 00:05) starts at 00:00 -> ceil(60 s / 300 s) = first bucket at 00:05.
  const s = series([1, 2, 3, 4, 5, 6, 7, 8, 9], 60_000, 60_000, [0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const r = resampleSeries(s, 300_000);
  assert.is(r.startMs, 300_000);
  // Bucket [5 min, 10 min) holds minutes 5..9: values 5..9, mean 7.
  assert.equal(Array.from(r.values), [7]);
  const g = resampleSeries(series([10, 20, 99, 30, 40, 50], 60_000, 0, [0, 0, 1, 0, 1, 1]), 180_000);
  // [0, 3 min): 10, 20 observed (99 filled, ignored) -> 15; [3, 6 min): only 30 observed -> 30.
  assert.equal(Array.from(g.values), [15, 30]);
  assert.equal(Array.from(g.filled), [0, 0]);
  const allFilled = resampleSeries(series([1, 2, 3, 4], 60_000, 0, [0, 0, 1, 1]), 120_000);
  assert.equal(Array.from(allFilled.filled), [0, 1]);
  assert.match(allFilled.notes.at(-1)!, /resampled from a 60 s to a 120 s step .*1 of 2 points without an observation/);
  // The last point is now a mean: where the last value was read no longer says where this one came from.
  assert.is(resampleSeries({ ...s, lastAt: { file: 'f.csv', line: 10, column: 'v' } }, 300_000).lastAt, undefined);
});

test('upsampling: linear interpolation, the new points flagged as filled', () => {
  const r = resampleSeries(series([0, 10, 20], 300_000), 60_000);
  assert.is(r.values.length, 11);
  assert.is(r.values[3], 6);
  assert.equal(Array.from(r.filled), [0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0]);
});

test('a series shorter than one new step is refused by name', () => {
  assert.throws(() => resampleSeries(series([1, 2], 60_000, 60_000), 3_600_000), /series n\/cpu spans 60 s, less than one resampled step of 3600 s/);
});

test.run();
