import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normalQuantile, wilsonInterval } from '../../engine/index.js';
import { newcombeDifference, pairedMeanDifference, pairedTable, pairedCorrelation } from './evaluate-stats.js';

const Z95 = normalQuantile(0.975); // the same z the module takes from the level

test('the 2 x 2 table counts pairs by outcome', () => {
  const t = pairedTable([true, true, false, false, true], [true, false, true, false, false]);
  assert.equal(t, { both: 1, candidateOnly: 1, baselineOnly: 2, neither: 1 });
});

test('phi = 0 gives the unpaired Newcombe interval, from the Wilson limits by hand', () => {
  const t = { both: 3, candidateOnly: 2, baselineOnly: 9, neither: 26 }; // candidate 5/40, baseline 12/40
  const d = newcombeDifference(t, 0.95, 0);
  const w1 = wilsonInterval(5, 40, Z95), w2 = wilsonInterval(12, 40, Z95);
  const p1 = 5 / 40, p2 = 12 / 40;
  assert.ok(Math.abs(d.mean - (p1 - p2)) < 1e-12);
  assert.ok(Math.abs(d.lo - (p1 - p2 - Math.hypot(p1 - w1.lo, w2.hi - p2))) < 1e-12);
  assert.ok(Math.abs(d.hi - (p1 - p2 + Math.hypot(w1.hi - p1, p2 - w2.lo))) < 1e-12);
});

test('positively correlated pairs (common random numbers) give a narrower interval than independent samples', () => {
  const t = { both: 5, candidateOnly: 0, baselineOnly: 7, neither: 28 };
  const phi = pairedCorrelation(t);
  assert.ok(phi > 0.5, `phi ${phi}`);
  const paired = newcombeDifference(t, 0.95), unpaired = newcombeDifference(t, 0.95, 0);
  assert.ok(paired.hi - paired.lo < 0.8 * (unpaired.hi - unpaired.lo), `${paired.hi - paired.lo} vs ${unpaired.hi - unpaired.lo}`);
  assert.ok(paired.hi < 0, 'seven discordant pairs all one way exclude no change');
});

test('identical outcomes: mean 0 and an interval around 0', () => {
  for (const t of [{ both: 0, candidateOnly: 0, baselineOnly: 0, neither: 40 }, { both: 6, candidateOnly: 0, baselineOnly: 0, neither: 34 }]) {
    const d = newcombeDifference(t, 0.95);
    assert.is(d.mean, 0);
    assert.ok(d.lo < 0 && d.hi > 0, JSON.stringify(d));
  }
});

test('paired mean difference: Student t on the differences, by hand', () => {
  const d = pairedMeanDifference([10, 12, 14, 16], [9, 10, 13, 13], 0.95); // differences -1 -2 -1 -3: mean -1.75, sd 0.9574
  const half = 3.182446305 * 0.9574271077563381 / 2;
  assert.ok(Math.abs(d.mean + 1.75) < 1e-12);
  assert.ok(Math.abs(d.lo - (-1.75 - half)) < 1e-5 && Math.abs(d.hi - (-1.75 + half)) < 1e-5, JSON.stringify(d));
  assert.is(d.n, 4);
  assert.is(pairedMeanDifference([1, NaN, 3], [2, 5, 4], 0.95).n, 2, 'pairs with a missing value are left out');
});

test.run();
