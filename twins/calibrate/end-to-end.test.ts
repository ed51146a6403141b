/**
 * The check's end-to-end comparison: a latency-only front series (Nezha's
 * front_service.csv, the only p50 of the data set) against the response of
 * the twin's one entry node.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TwinInput } from '../definition/input.js';
import type { TelemetryGrid } from './grid.js';
import { predictHeldOut } from './predict.js';
import { entryGrid, STEP, truth, WINDOWS } from './test-support.js';
import { twinDrivenBy } from './predict.js';
import { recordTwin } from './twin-telemetry.js';

/** Telemetry recorded from `input`, with the entry's p50/p90 moved to a front series without a rate (as Nezha has it). */
function withFront(input: TwinInput): TelemetryGrid {
  const g = recordTwin(twinDrivenBy(input, entryGrid(WINDOWS), 'test'), { start: 0, step: STEP, windows: WINDOWS, quantiles: [0.5, 0.9], seed: 21, replications: 2 });
  const front = g.services.find((s) => s.id === 'front')!;
  return { ...g, services: g.services.map((s) => ({ ...s, latency: s.latency.filter((l) => l.q !== 0.5) })), front: [{ id: 'frontend', latency: front.latency }] };
}

const slower = (t: TwinInput): TwinInput => ({ ...t, nodes: t.nodes.map((n) => (n.id === 'front' ? { ...n, service: { type: 'lognormal', mean: 0.08, cv: 0.5 } } : n)) });

test('the front p50 is compared with the entry response: the true twin within 10 %, a slower entry well off', () => {
  const held = withFront(truth());
  const same = predictHeldOut(truth(), held, 'test', { seed: 5, replications: 2 });
  assert.is(same.endToEnd.length, 1);
  const e = same.endToEnd[0]!;
  assert.is(e.id, 'frontend');
  assert.is(e.entry, 'front');
  assert.equal(e.latency.map((l) => l.q), [0.5, 0.9]);
  for (const l of e.latency) assert.ok(Math.abs(l.error) < 0.1, `p${100 * l.q} off by ${l.error}`);
  // No per-service p50 was measured: only the front carries it.
  assert.ok(same.services.every((s) => s.latency.every((l) => l.q !== 0.5)));
  const off = predictHeldOut(slower(truth()), held, 'test', { seed: 5, replications: 2 }).endToEnd[0]!.latency[0]!;
  assert.ok(off.error > 0.5, `a 4x slower entry service moved the p50 by only ${off.error}`);
});

test('with two entry nodes the front is not one node\'s response: no end-to-end comparison', () => {
  const two: TwinInput = { ...truth(), entries: [{ node: 'front', rate: 1 }, { node: 'a', rate: 1 }] };
  const held = withFront(truth());
  const a = held.services.find((s) => s.id === 'a')!;
  assert.ok(a.rate.length > 0);
  assert.equal(predictHeldOut(two, held, 'test', { seed: 5, replications: 1 }).endToEnd, []);
});

test.run();
