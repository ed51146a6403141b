import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adjustFidelity, coreShare, depth, fidelityLine, fidelityRecord, threshold, type FidelityInputs } from './fidelity.js';

test('θ(f) is geometric from 0.5 to 0.01 and decreasing; d(f) steps 0..3; u(f) from 0.25 to 1', () => {
  assert.ok(Math.abs(threshold(0) - 0.5) < 1e-12);
  assert.ok(Math.abs(threshold(1) - 0.01) < 1e-12);
  assert.ok(Math.abs(threshold(0.5) - Math.sqrt(0.5 * 0.01)) < 1e-12);
  for (let i = 1; i <= 100; i++) {
    assert.ok(threshold(i / 100) < threshold((i - 1) / 100));
    assert.ok(depth(i / 100) >= depth((i - 1) / 100));
    assert.ok(coreShare(i / 100) > coreShare((i - 1) / 100));
  }
  assert.equal([0, 0.2, 0.34, 0.5, 0.67, 0.9, 1].map(depth), [0, 0, 1, 1, 2, 2, 3]);
  assert.is(coreShare(0), 0.25);
  assert.is(coreShare(1), 1);
  assert.throws(() => threshold(1.2), /fidelity must be a number in \[0, 1\], got 1.2/);
  assert.throws(() => depth(NaN), /fidelity/);
});

const base: FidelityInputs = { current: 0.5, coverageError: 0.01, simToRealError: 0.05, budgetUse: 0.4, dropped: [] };

test('accuracy within tolerance keeps the fidelity', () => {
  const d = adjustFidelity(base);
  assert.is(d.value, 0.5);
  assert.match(d.reason, /within tolerance: kept/);
  const none = adjustFidelity({ ...base, coverageError: null, simToRealError: null }).reason;
  assert.match(none, /^no accuracy measured yet \(coverage unknown, no sim-to-real yet\): kept$/);
  assert.not.match(none, /within tolerance/, 'nothing measured is not within tolerance');
  assert.match(adjustFidelity({ ...base, coverageError: null }).reason, /^accuracy within tolerance; coverage unknown: kept$/);
});

test('worse accuracy raises fidelity, one step per criterion off target, capped at 1', () => {
  const cov = adjustFidelity({ ...base, coverageError: 0.12 });
  assert.is(cov.value, 0.6);
  assert.match(cov.reason, /backtest coverage off by 12.0 %.*raised/);
  const both = adjustFidelity({ ...base, coverageError: 0.12, simToRealError: 0.3 });
  assert.is(both.value, 0.7);
  assert.match(both.reason, /sim-to-real error 30.0 %/);
  assert.is(adjustFidelity({ ...base, current: 0.95, simToRealError: 0.3 }).value, 1);
});

test('worse accuracy with the budget nearly used keeps the fidelity and says why', () => {
  const d = adjustFidelity({ ...base, simToRealError: 0.3, budgetUse: 0.95 });
  assert.is(d.value, 0.5);
  assert.match(d.reason, /budget is 95.0 % used: kept/);
});

test('an exhausted budget lowers fidelity, naming the dropped nodes, even when accuracy is off', () => {
  const d = adjustFidelity({ ...base, coverageError: 0.3, dropped: ['productcatalog', 'catalogdb'], budgetUse: 1 });
  assert.is(d.value, 0.4);
  assert.match(d.reason, /budget exhausted \(dropped productcatalog, catalogdb; used 100.0 % of the budget\): fidelity lowered/);
  assert.is(adjustFidelity({ ...base, current: 0.05, budgetUse: 1.2 }).value, 0);
  // At 0 the rule cannot lower any further, and says so instead of "lowered".
  const floor = adjustFidelity({ ...base, current: 0, dropped: ['catalogdb'], budgetUse: 1 });
  assert.is(floor.value, 0);
  assert.match(floor.reason, /budget exhausted \(dropped catalogdb; used 100.0 % of the budget\): fidelity already 0, only a larger budget helps$/);
});

test('the fidelity.jsonl record holds old, new, inputs, policy and reason on one line', () => {
  const inputs = { ...base, simToRealError: 0.3 };
  const d = adjustFidelity(inputs);
  const r = fidelityRecord('2026-01-01T00:00:00.000Z', inputs, d);
  const line = fidelityLine(r);
  assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
  const back = JSON.parse(line) as Record<string, unknown>;
  assert.is(back.old, 0.5);
  assert.is(back.new, 0.6);
  assert.equal(back.inputs, inputs);
  assert.is(back.reason, d.reason);
  assert.is((back.policy as { simToRealTolerance: number }).simToRealTolerance, 0.15);
});

test.run();
