import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinFromObject } from '../definition/load.js';
import { collapseTwin } from './collapse.js';
import { screenTwin } from './screen.js';

// a -> b (sync, 1 call) -> c (async); b is also called by d in a group with a; an entry at 20 req/s on a and on d.
const twin = twinFromObject({
  name: 't',
  nodes: [
    { id: 'a', servers: 1, service: { type: 'exponential', mean: 0.01 } },
    { id: 'b', servers: 1, service: { type: 'exponential', mean: 0.005 }, timeout: 1 },
    { id: 'c', servers: 2, service: { type: 'exponential', mean: 0.001 } },
    { id: 'd', servers: 1, service: { type: 'exponential', mean: 0.02 } },
  ],
  edges: [
    { type: 'call', from: 'a', to: 'b', mean: 1 },
    { type: 'call', from: 'b', to: 'c', mean: 1, mode: 'async' },
    { type: 'call', from: 'd', to: 'b', mean: 1, group: 'g' },
    { type: 'call', from: 'd', to: 'a', mean: 1, group: 'g' },
  ],
  entries: [{ node: 'a', rate: 20 }, { node: 'd', rate: 5 }],
}, { source: 't' });

test('M/M/1 figures by hand: rates through calls, holding includes the sync callee, Erlang C = rho for one worker', () => {
  const s = screenTwin(twin, [20, 5]);
  const [a, b, c, d] = s.nodes;
  assert.ok(Math.abs(a!.lambda - 25) < 1e-9 && Math.abs(b!.lambda - 30) < 1e-9 && Math.abs(c!.lambda - 30) < 1e-9);
  // b: H = 5 ms, rho = 0.15, P(wait) = 0.15, Wq = 0.15 / (200 - 30) s
  assert.ok(Math.abs(b!.rho - 0.15) < 1e-12 && Math.abs(b!.pWait - 0.15) < 1e-12);
  assert.ok(Math.abs(b!.responseMean - (0.15 / 170 + 0.005)) < 1e-12);
  assert.ok(Math.abs(a!.holding - (0.01 + b!.responseMean)) < 1e-12);
  assert.ok(!a!.safe && /P\(wait\)/.test(a!.reason), a!.reason);
  assert.ok(b!.safe && c!.safe, `${b!.reason} / ${c!.reason}`);
  assert.ok(!d!.safe);
  assert.equal(s.closedSafe, [false, true, true, false]);
  // At 3x the load b's P(wait) (0.45) is too high, and c alone stays screenable.
  assert.equal(screenTwin(twin, [60, 15]).closedSafe, [false, false, true, false]);
});

test('collapse: a group of screened calls is inlined into the caller; a screened node still called beside others is a delay station', () => {
  const screened = [false, true, true, false];
  const out = collapseTwin(twin, screened, new Map([[1, [0.004, 0.006]], [2, [0.001]]]), { seed: 1 });
  const [a, b, c, d] = out.nodes;
  assert.is(a!.callGroups.length, 0);
  assert.is(a!.service!.type, 'empirical');
  const values = (a!.service as { values: readonly number[] }).values;
  const mean = values.reduce((x, y) => x + y, 0) / values.length;
  assert.ok(Math.abs(mean - 0.015) < 0.0005, `inlined mean ${mean}`);
  // d's group has a (in full) beside b (screened): kept, and b becomes a delay station with b's sample.
  assert.is(d!.callGroups[0]!.calls.length, 2);
  assert.is(b!.servers, 10_000);
  assert.equal(b!.service, { type: 'empirical', values: [0.004, 0.006] });
  assert.is(b!.callGroups.length, 0);
  assert.is(b!.slo, null);
  // c is reached by nobody now: not a delay station, no calls.
  assert.is(c!.servers, 2);
  assert.is(twin.nodes[0]!.callGroups.length, 1, 'the input twin is untouched');
});

test.run();
