/**
 * Calibration recovers known parameters: telemetry is recorded from a twin
 * whose service times, call ratios and CPU costs are known (by simulating it),
 * a twin with the same topology but placeholder values is calibrated on it,
 * and the fitted values must come back within tolerance; the calibrated twin
 * must then predict the true twin's latency quantiles.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinFromObject } from '../definition/load.js';
import { calibrateTwin } from './calibrate.js';
import type { TelemetryGrid } from './grid.js';
import { comparePrediction, predictHeldOut } from './predict.js';
import { placeholder, recorded, truth } from './test-support.js';

const within = (got: number, want: number, tol: number, what: string): void => {
  assert.ok(Math.abs(got - want) <= tol * want, `${what}: got ${got}, want ${want} within ${100 * tol} %`);
};

const telemetry = recorded(truth(), 11, 1);
const plain = placeholder();
const { input: fitted, report } = calibrateTwin(twinFromObject(plain, { source: 'placeholder' }), plain, telemetry);
const svc = (id: string) => report.services.find((s) => s.id === id)!;
const call = (from: string, to: string) => report.calls.find((c) => c.from === from && c.to === to)!;

test('call ratios come back from the rates', () => {
  within(call('front', 'a').after, 2, 0.03, 'front->a');
  within(call('front', 'b').after, 0.5, 0.05, 'front->b');
  within(call('a', 'c').after, 1, 0.03, 'a->c');
  assert.ok(call('a', 'c').r2 > 0.95, `r2 ${call('a', 'c').r2}`);
});

test('service times come back, the callers\' own time once the calls are subtracted', () => {
  within(svc('c').service.after!.mean, 0.005, 0.15, 'c mean');
  within(svc('b').service.after!.mean, 0.03, 0.15, 'b mean');
  within(svc('b').service.after!.cv, 0.4, 0.35, 'b cv');
  // a waits for one call to c: its latency is about 15 ms, its own time 10 ms.
  within(svc('a').service.after!.mean, 0.01, 0.25, 'a own mean');
  within(svc('front').service.after!.mean, 0.02, 0.3, 'front own mean');
  for (const id of ['a', 'b', 'c', 'front']) assert.is(svc(id).status, 'fitted', id);
});

test('CPU per request and the workers it implies', () => {
  within(svc('a').cpu!.perRequest, 0.004, 0.02, 'a cpu per request');
  within(svc('b').cpu!.perRequest, 0.01, 0.02, 'b cpu per request');
  const a = svc('a');
  assert.is(a.workers.method, 'cpu-limit');
  // Limit 1 core at 0.004 core-s a request: 250 requests/s, each holding a worker for a's response (~15 ms).
  assert.ok(a.workers.after >= 3 && a.workers.after <= 5, `a workers ${a.workers.after}`);
  assert.is(svc('c').workers.method, 'kept');
});

test('the reasons where it cannot fit: too little load, saturated all the time', () => {
  const rare = svc('rare');
  assert.is(rare.status, 'kept');
  assert.match(rare.reasons.join('; '), /too little load/);
  const hot = svc('hot');
  assert.is(hot.status, 'kept');
  assert.match(hot.reasons.join('; '), /saturated all the time/);
  assert.is(hot.workers.method, 'kept', 'no low-load response time: workers cannot be derived');
  assert.is(fitted.nodes.find((n) => n.id === 'rare')!.service, undefined, 'kept node keeps the default');
});

test('a span with fewer windows than needed says the span is short, not that the load is', () => {
  const short = calibrateTwin(twinFromObject(plain, { source: 'placeholder' }), plain, telemetry, { minWindows: telemetry.length + 1 }).report;
  for (const s of short.services.filter((x) => x.status === 'kept')) assert.match(s.reasons.join('; '), /too short a span: \d+ window\(s\) of \d+ s in all .*widen --from\/--until/, s.id);
  assert.ok(short.services.some((x) => x.status === 'kept'));
});

test('the calibrated twin predicts the true twin on a new seed (throughput and latency quantiles)', () => {
  const truthAgain = recorded(truth(), 99, 2);
  const predicted = recorded(fitted, 7, 2);
  const cmp = comparePrediction(truthAgain, predicted);
  for (const id of ['front', 'a', 'b', 'c']) {
    const s = cmp.services.find((x) => x.id === id)!;
    assert.ok(Math.abs(s.throughput.error) < 0.02, `${id} throughput off by ${s.throughput.error}`);
    for (const l of s.latency) assert.ok(Math.abs(l.error) < 0.2, `${id} p${100 * l.q} off by ${l.error}`);
  }
});

test('the check is a function of (inputs, seed): same seed, same figures; another seed, other figures', () => {
  const held = recorded(truth(), 99, 1);
  const a = predictHeldOut(fitted, held, 'test', { seed: 3, replications: 1 });
  assert.equal(predictHeldOut(fitted, held, 'test', { seed: 3, replications: 1 }), a);
  assert.not.equal(predictHeldOut(fitted, held, 'test', { seed: 4, replications: 1 }), a);
});

test('a twin node whose telemetry is spelt otherwise is named with a hint', () => {
  const renamed: TelemetryGrid = { ...telemetry, services: telemetry.services.map((s) => (s.id === 'b' ? { ...s, id: 'B_' } : s)) };
  const r = calibrateTwin(twinFromObject(plain, { source: 'placeholder' }), plain, renamed).report;
  assert.ok(r.notes.some((n) => /without telemetry keep their values: b \(did you mean "B_"\?\)/.test(n)), r.notes.join('\n'));
  assert.ok(r.notes.some((n) => /not in the twin, not used: B_/.test(n)), r.notes.join('\n'));
});

test('an entry node without rate telemetry is refused with its place', () => {
  const t = twinFromObject(plain, { source: 'placeholder.yaml' });
  const empty: TelemetryGrid = { ...telemetry, services: telemetry.services.filter((s) => s.id !== 'front') };
  assert.throws(() => calibrateTwin(t, plain, empty), /placeholder\.yaml.*entries\[0\].*rate telemetry/s);
  // The entry node's telemetry in another case: the shared did-you-mean names it.
  const spelt: TelemetryGrid = { ...telemetry, services: telemetry.services.map((s) => (s.id === 'front' ? { ...s, id: 'Front' } : s)) };
  assert.throws(() => calibrateTwin(t, plain, spelt), /entries\[0\]: expected rate telemetry .* for entry node "front" .* \(did you mean "Front"\?\)/);
});

test.run();
