import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { standardNormal } from '../../engine/distributions.js';
import { createStream } from '../../engine/rng.js';
import { hodgesLehmann, judge, mannWhitney, removeOutliers } from './judge.js';

function normals(seed: number, rep: number, name: string, n: number, mean: number, sd: number): number[] {
  const rng = createStream(seed, rep, name);
  return Array.from({ length: n }, () => mean + sd * standardNormal(rng));
}

test('Mann–Whitney U and Hodges–Lehmann on a hand-computed example', () => {
  const b = Float64Array.from([1, 2, 3]);
  const c = Float64Array.from([4, 5, 6]);
  const mw = mannWhitney(b, c);
  assert.is(mw.u, 9); // every candidate above every baseline point
  // sd(U) = sqrt(3·3·7/12) with no ties
  assert.ok(Math.abs(mw.sd - Math.sqrt(63 / 12)) < 1e-12);
  // pairwise differences 1,2,2,3,3,3,4,4,5: median 3
  assert.is(hodgesLehmann(b, c, 0.95, mw.sd).estimate, 3);
  // ties: [1,1] vs [1,2]: U = 0.5 + 0.5 + 1 + 1 = 3 (candidate 1 ties both, candidate 2 beats both)
  assert.is(mannWhitney(Float64Array.from([1, 1]), Float64Array.from([1, 2])).u, 3);
});

test('IQR fences drop far points and keep the rest', () => {
  const xs = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 100]);
  const kept = removeOutliers(xs);
  assert.equal(Array.from(kept), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('same distribution: false-fail rate at the nominal 5 % (tolerance 0), and passes with a 10 % band', () => {
  const reps = 200;
  let failsStrict = 0;
  let passesBand = 0;
  let failsBand = 0;
  for (let r = 0; r < reps; r++) {
    const b = normals(7, r, 'base', 100, 100, 10);
    const c = normals(7, r, 'cand', 100, 100, 10);
    if (judge(b, c, { tolerance: 0, iqrFence: Infinity }).verdict === 'fail') failsStrict++;
    const v = judge(b, c).verdict;
    if (v === 'pass') passesBand++;
    if (v === 'fail') failsBand++;
  }
  // Binomial(200, 0.05): sd 0.0154; nominal + 3 sd (measured 0.065 with these seeds; 1.00 pass rate with the band).
  assert.ok(failsStrict / reps <= 0.05 + 0.047, `false-fail rate with no band ${failsStrict / reps}`);
  assert.is(failsBand, 0, 'never a fail inside a 10 % band');
  assert.ok(passesBand / reps >= 0.95, `pass rate ${passesBand / reps}`);
});

test('a shifted candidate fails, in the direction of the shift', () => {
  const b = normals(8, 0, 'base', 100, 100, 10);
  const up = judge(b, normals(8, 0, 'cand', 100, 130, 10));
  assert.is(up.verdict, 'fail', up.reason);
  assert.ok(up.shift.lo > 10 && up.shift.estimate > 20 && up.shift.estimate < 40, up.reason);
  assert.ok(up.pValue !== null && up.pValue < 1e-6);
  const down = judge(b, normals(8, 0, 'cand', 100, 70, 10));
  assert.is(down.verdict, 'fail');
  assert.ok(down.shift.hi < -10);
  // a shift about the band's width is inconclusive: the CI straddles the band edge
  assert.is(judge(b, normals(8, 0, 'cand', 100, 110, 10)).verdict, 'inconclusive');
});

test('30 points are inconclusive, never a pass (and by default never a fail)', () => {
  const b = normals(9, 0, 'base', 30, 100, 10);
  const same = judge(b, normals(9, 0, 'cand', 30, 100, 1));
  assert.is(same.verdict, 'inconclusive');
  assert.match(same.reason, /too few points/);
  assert.is(judge(b, normals(9, 0, 'cand', 30, 300, 10)).verdict, 'inconclusive');
  // An online detector may allow a fail on fewer points; a pass stays out of reach.
  assert.is(judge(b, normals(9, 0, 'cand', 30, 300, 10), { minPointsToFail: 10 }).verdict, 'fail');
  const tight = judge(b, normals(9, 0, 'cand', 30, 100, 0.01), { minPointsToFail: 10, tolerance: 0.5 });
  assert.is(tight.verdict, 'inconclusive');
  assert.match(tight.reason, /too few to pass/);
  // 60 baseline points and 49 candidates: still too few to pass
  assert.is(judge(normals(9, 1, 'base', 60, 100, 10), normals(9, 1, 'cand', 49, 100, 10), { tolerance: 0.5 }).verdict, 'inconclusive');
});

test('missing values (NaN latency of idle windows) shrink the sample, never make it pass', () => {
  const b = normals(10, 0, 'base', 100, 1, 0.1);
  const c = [...Array.from({ length: 90 }, () => NaN), ...normals(10, 0, 'cand', 10, 1, 0.1)];
  const e = judge(b, c, { tolerance: 0.5 });
  assert.is(e.verdict, 'inconclusive');
  assert.is(e.n.candidate, 10);
  assert.match(e.reason, /90 missing/);
  assert.is(judge([], []).verdict, 'inconclusive');
});

test('outliers are removed before judging', () => {
  const b = normals(11, 0, 'base', 100, 100, 5);
  for (let i = 0; i < 6; i++) b[i] = 10_000; // scrape glitches
  const c = normals(11, 0, 'cand', 100, 100, 5);
  const e = judge(b, c);
  assert.ok(e.outliersRemoved.baseline >= 6, `removed ${e.outliersRemoved.baseline}`);
  assert.is(e.verdict, 'pass', e.reason);
});

test('the Hodges–Lehmann interval covers the true shift at about its level', () => {
  const reps = 400;
  let covered = 0;
  let coveredTrimmed = 0;
  for (let r = 0; r < reps; r++) {
    const b = normals(12, r, 'base', 60, 50, 8);
    const c = normals(12, r, 'cand', 80, 55, 8);
    const e = judge(b, c, { iqrFence: Infinity });
    if (e.shift.lo <= 5 && 5 <= e.shift.hi) covered++;
    const t = judge(b, c);
    if (t.shift.lo <= 5 && 5 <= t.shift.hi) coveredTrimmed++;
  }
  // Binomial(400, 0.95): sd 0.011; measured 0.9525 and 0.9425 with these seeds.
  assert.ok(Math.abs(covered / reps - 0.95) <= 0.035, `coverage ${covered / reps}`);
  assert.ok(Math.abs(coveredTrimmed / reps - 0.95) <= 0.035, `coverage after outlier removal ${coveredTrimmed / reps}`);
});

test('bad options are refused', () => {
  assert.throws(() => judge([1], [1], { level: 1 }), /level/);
  assert.throws(() => judge([1], [1], { tolerance: -1 }), /tolerances/);
  assert.throws(() => judge([1], [1], { minPointsToFail: 2 }), /minPointsToFail/);
});

test.run();
