/** The mitigation deltas (rateLimit, shedOptional, circuitBreaker, routeWeights, `at`): what they set, and every problem located. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadTwinFile } from '../definition/load.js';
import { twinContentHash } from '../definition/content-hash.js';
import type { Twin } from '../definition/types.js';
import { exampleFile } from '../examples/paths.js';
import { applyScenario } from './apply.js';
import { nodeOf, scenarioProblems } from './test-support.js';

const shop = await loadTwinFile(exampleFile('shop.yaml'));
const node = nodeOf;

const problems = (data: unknown, twin: Twin = shop): string[] => scenarioProblems(data, twin);

const optionalCall = () => {
  for (const n of shop.nodes) for (const g of n.callGroups) for (const c of g.calls) if (c.optional) return { from: n.id, to: shop.nodes[c.to]!.id };
  throw new Error('the shop has an optional call');
};

test('mechanism deltas set the twin; units are read; a twin without them keeps its content hash', () => {
  const { from, to } = optionalCall();
  const t = applyScenario(shop, { source: 's', data: [
    { op: 'rateLimit', entry: shop.entries[0]!.id, rate: 100, burst: 20, at: '5m' },
    { op: 'shedOptional', node: from, probability: 0.5 },
    { op: 'circuitBreaker', node: from, to, failureRatio: 0.5, window: '30s', minCalls: 10, openFor: '1m' },
    { op: 'replicas', node: to, replicas: node(shop, to).replicas + 1, at: 600 },
  ] });
  assert.equal(t.entries[0]!.rateLimit, { rate: 100, burst: 20, at: 300 });
  assert.equal(node(t, from).shedOptional, { probability: 0.5, at: 0 });
  const edge = node(t, from).callGroups.flatMap((g) => g.calls).find((c) => t.nodes[c.to]!.id === to)!;
  assert.equal(edge.circuitBreaker, { failureRatio: 0.5, window: 30, minCalls: 10, openFor: 60, at: 0 });
  assert.equal(node(t, to).scaleChanges, [{ at: 600, replicas: node(shop, to).replicas + 1 }]);
  assert.is(node(t, to).replicas, node(shop, to).replicas, 'a later scale change leaves the start count');
  assert.is(shop.entries[0]!.rateLimit, undefined, 'the input twin is unchanged');
  assert.is(twinContentHash(applyScenario(shop, [])), twinContentHash(shop));
  assert.is.not(twinContentHash(t), twinContentHash(shop));
});

test('mechanism deltas: every problem located at its delta and field', () => {
  const { from, to } = optionalCall();
  const noOptional = shop.nodes.find((n) => n.callGroups.every((g) => g.calls.every((c) => !c.optional)))!.id;
  const list = problems([
    { op: 'rateLimit', entry: 'nobody', rate: 1, burst: 1 },
    { op: 'rateLimit', entry: shop.entries[0]!.id, rate: 0, burst: 0.5 },
    { op: 'shedOptional', node: noOptional },
    { op: 'circuitBreaker', node: from, to: from, failureRatio: 1.5, window: '-3s', minCalls: 0, openFor: '10 parsecs' },
    { op: 'routeWeights', node: from, weights: { [to]: 1 } },
    { op: 'servers', node: from, servers: 2, at: 10 },
    { op: 'replicas', node: to, replicas: 2, at: '2 fortnights' },
    { op: 'shedOptional', node: from, probability: 2 },
  ]);
  const expect = [
    '[0].entry: unknown entry id "nobody"',
    '[1].rate: expected a number > 0, got 0',
    '[1].burst: expected a number >= 1, got 0.5',
    `[2].node: node "${noOptional}" makes no optional call: shedding them would change nothing (mark call edges optional in the twin file)`,
    '[3].failureRatio: expected a number <= 1, got 1.5',
    '[3].minCalls: expected a number >= 1, got 0',
    '[3].openFor: expected a duration (how long it stays open): seconds (number) or a string like "250ms", "2s", "5m", got "10 parsecs"',
    '[3].window: expected a duration (the sliding window): seconds (number) or a string like "250ms", "2s", "5m", got "-3s"',
    `[4].node: node "${from}" has no route edges: there are no weights to change`,
    `[4].weights.${to}: node "${from}" has no route to "${to}"`,
    '[5].at: a servers delta applies from the start only: `at` is supported by replicas, rateLimit, shedOptional, circuitBreaker',
    '[6].at: expected a duration (when the delta takes effect): seconds (number) or a string like "250ms", "2s", "5m", got "2 fortnights"',
    '[7].probability: expected a number <= 1, got 2',
  ];
  for (const e of expect) assert.ok(list.some((l) => l.startsWith(e)), `missing\n  ${e}\nin\n  ${list.join('\n  ')}`);
});

test('circuitBreaker to a node the caller does not call, window ≤ 0, and replicas at T outside the autoscale bounds', () => {
  const { from, to } = optionalCall();
  const scaled = shop.nodes.find((n) => n.autoscale !== null)!;
  const list = problems([
    { op: 'circuitBreaker', node: from, to: from, failureRatio: 0.5, window: -3, minCalls: 1, openFor: 1 },
    { op: 'replicas', node: scaled.id, replicas: scaled.autoscale!.max + 1, at: 60 },
    { op: 'circuitBreaker', node: from, to, failureRatio: 0.5, window: 3, minCalls: 1, openFor: 1, at: 10 },
  ]);
  assert.equal(list, [
    `[0].to: node "${from}" makes no call to "${from}"`,
    '[0].window: expected a positive duration, got -3',
    `[1].replicas: node "${scaled.id}" autoscales within [${scaled.autoscale!.min}, ${scaled.autoscale!.max}]: a scale change to ${scaled.autoscale!.max + 1} replicas is outside the bounds`,
  ]);
});

test.run();
