import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LogHistogram } from './histogram.js';
import { studentTQuantile } from './quantiles.js';
import { createStream } from './rng.js';
import { Tally, TimeWeighted, confidenceInterval, wilsonInterval } from './statistics.js';

test('Student t quantiles match published tables', () => {
  for (const [p, df, t] of [[0.975, 9, 2.262157], [0.995, 9, 3.249836], [0.995, 19, 2.860935], [0.975, 1, 12.706205], [0.975, 30, 2.042272], [0.95, 4, 2.131847]] as const) {
    assert.ok(Math.abs(studentTQuantile(p, df) - t) < 2e-5, `t(${p}, ${df}) = ${studentTQuantile(p, df)}, table ${t}`);
  }
});

test('confidence intervals cover the true mean at their nominal rate', () => {
  let covered = 0;
  const trials = 2000;
  for (let k = 0; k < trials; k++) {
    const rng = createStream(1, k, 'ci');
    const xs = Array.from({ length: 10 }, () => rng() * 2); // uniform(0, 2), mean 1
    const ci = confidenceInterval(xs, 0.9);
    if (ci.lo <= 1 && 1 <= ci.hi) covered++;
  }
  // Binomial(2000, 0.9): sd 0.0067; allow 4 sd.
  assert.ok(Math.abs(covered / trials - 0.9) < 0.027, `coverage ${covered / trials}`);
  assert.throws(() => confidenceInterval([1]), /at least 2 replications/);
});

test('Wilson interval: known values and edges', () => {
  const w = wilsonInterval(5, 100);
  assert.ok(Math.abs(w.lo - 0.0215) < 5e-4 && Math.abs(w.hi - 0.1118) < 5e-4, JSON.stringify(w));
  assert.is(wilsonInterval(0, 10).lo, 0);
  assert.ok(wilsonInterval(0, 10).hi > 0.2);
});

test('Wilson interval: p is inside its own interval for every count, exactly 0 and 1 at the ends', () => {
  for (let n = 1; n <= 1000; n++) {
    for (const k of [0, 1, n >> 1, n - 1, n]) {
      if (k < 0 || k > n) continue;
      const w = wilsonInterval(k, n);
      assert.ok(w.lo <= w.p && w.p <= w.hi && w.lo >= 0 && w.hi <= 1, `k=${k} n=${n}: ${JSON.stringify(w)}`);
    }
    assert.is(wilsonInterval(n, n).hi, 1, `n=${n}`);
    assert.is(wilsonInterval(0, n).lo, 0, `n=${n}`);
  }
});

test('Tally merge equals a single pass', () => {
  const rng = createStream(2, 0, 't');
  const all = new Tally(), a = new Tally(), b = new Tally();
  for (let i = 0; i < 1000; i++) { const x = rng() * 10; all.add(x); (i < 300 ? a : b).add(x); }
  a.merge(b);
  assert.ok(Math.abs(a.mean - all.mean) < 1e-12 && Math.abs(a.variance - all.variance) < 1e-9);
});

test('time-weighted average and warm-up reset', () => {
  const tw = new TimeWeighted(0, 0);
  tw.set(1, 2); // 0 on [0,1), 2 on [1,3), 5 on [3,4)
  tw.set(3, 5);
  assert.is(tw.average(4), (0 * 1 + 2 * 2 + 5 * 1) / 4);
  tw.reset(4);
  assert.is(tw.average(6), 5);
});

test('log histogram: quantiles within the stated relative error, merge and JSON round trip', () => {
  const rng = createStream(3, 0, 'h');
  const xs = Array.from({ length: 100_000 }, () => Math.exp(6 * rng() - 3) * 1e-3);
  const h = new LogHistogram(0.01);
  const h1 = new LogHistogram(0.01), h2 = new LogHistogram(0.01);
  xs.forEach((x, i) => { h.add(x); (i % 2 ? h1 : h2).add(x); });
  const sorted = [...xs].sort((a, b) => a - b);
  for (const q of [0.01, 0.25, 0.5, 0.9, 0.95, 0.99]) {
    const exact = sorted[Math.round(q * (sorted.length - 1))]!;
    assert.ok(Math.abs(h.quantile(q) / exact - 1) <= 0.0101, `q${q}: ${h.quantile(q)} vs ${exact}`);
  }
  h1.merge(h2);
  const back = LogHistogram.fromJSON(JSON.parse(JSON.stringify(h1.toJSON())));
  for (const q of [0.1, 0.5, 0.99]) assert.is(back.quantile(q), h.quantile(q));
  assert.is(back.count, h.count);
  assert.ok(Math.abs(h.fractionAbove(sorted[90_000]!) - 0.1) < 0.01);
});

test('LogHistogram.addZeros(k) is k adds of 0, whenever they come', () => {
  const rng = createStream(3, 0, 'zeros');
  const each = new LogHistogram(0.01), later = new LogHistogram(0.01), empty = new LogHistogram(0.01);
  let zeros = 0;
  for (let i = 0; i < 1000; i++) {
    const x = rng() < 0.3 ? 0 : rng() * 2;
    each.add(x);
    if (x === 0) zeros++;
    else later.add(x);
  }
  later.addZeros(zeros);
  assert.equal(later.toJSON(), each.toJSON());
  empty.addZeros(0);
  assert.equal(empty.toJSON(), new LogHistogram(0.01).toJSON(), 'no zeros: nothing changes');
  empty.addZeros(2);
  assert.equal([empty.count, empty.zeros, empty.sum, empty.min, empty.max], [2, 2, 0, 0, 0]);
});

test.run();
