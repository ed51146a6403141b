import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadTwinFile } from './load.js';
import { exampleFile as example } from '../examples/paths.js';


test('shop example loads: 12 nodes, a database and a cache, one entry', async () => {
  const twin = await loadTwinFile(example('shop.yaml'));
  assert.is(twin.nodes.length, 12);
  assert.ok(twin.nodes.some((n) => n.kind === 'database'));
  assert.ok(twin.nodes.some((n) => n.kind === 'cache'));
  assert.is(twin.entries.length, 1);
  assert.equal(twin.entries[0]!.arrival, { kind: 'constant', rate: 150 });
  const fe = twin.nodes[twin.indexOf.get('frontend')!]!;
  assert.equal(fe.callGroups.map((g) => g.name), ['session', 'catalog', 'extras', 'order']);
  assert.equal(fe.callGroups[0]!.calls.map((c) => twin.nodes[c.to]!.id), ['currency', 'cart']);
  // The callee's timeout and retries become the call's.
  const pc = fe.callGroups[1]!.calls[0]!;
  assert.is(pc.timeout, 1);
  assert.equal(pc.retries, { max: 2, backoff: 0.05, jitter: 0.5 });
  assert.equal(twin.nodes[twin.indexOf.get('productcatalog')!]!.service, { type: 'lognormal', mean: 0.01, cv: 0.8 });
  assert.is(twin.nodes[twin.indexOf.get('productcatalog')!]!.resources!.memLimit, 192 * 1024 * 1024);
  assert.equal(twin.warnings, []);
  assert.ok(Object.isFrozen(twin) && Object.isFrozen(twin.nodes[0]));
});

test('jackson example: routes with cumulative probabilities, feedback allowed', async () => {
  const twin = await loadTwinFile(example('jackson.yaml'));
  assert.equal(twin.nodes.map((n) => n.id), ['s1', 's2', 's3']);
  const s1 = twin.nodes[0]!;
  assert.equal(s1.routes.map((r) => [r.key, r.to, r.probability]), [['s1->s2#0', 1, 0.5], ['s1->s3#0', 2, 0.3]]);
  assert.ok(Math.abs(s1.routes[1]!.cumulative - 0.8) < 1e-12);
  assert.ok(Math.abs(s1.routeTotal - 0.8) < 1e-12);
  assert.is(twin.nodes[1]!.routes[0]!.to, 0);
  assert.is(twin.nodes[0]!.queue, null);
});

test('network example: routers pass through, links carry delay, fixed paths', async () => {
  const twin = await loadTwinFile(example('network.yaml'));
  const a = twin.nodes[twin.indexOf.get('A')!]!;
  assert.is(a.service, null);
  const ac = twin.nodes[twin.indexOf.get('A->C#0')!]!;
  assert.is(ac.kind, 'link');
  assert.ok(Math.abs(ac.delay - 0.0025) < 1e-15);
  assert.is(ac.queue, 200);
  const fromB = twin.entries.find((e) => e.id === 'from-B')!;
  assert.equal(Array.from(fromB.paths![0]!.nodes).map((i) => twin.nodes[i]!.id), ['B', 'B->A#0', 'A', 'A->D#0', 'D']);
  assert.ok(Math.abs(fromB.paths![0]!.probability - 250 / 450) < 1e-12);
  assert.is(fromB.paths![1]!.cumulative, 1);
});

test('route probabilities summing to 1 within rounding are exactly 1', async () => {
  const { parseTwinText, twinFromObject } = await import('./load.js');
  const text = 'name: r\nnodes:\n  - { id: a, service: { type: exponential, mean: 1 } }\n  - { id: b, service: { type: exponential, mean: 1 } }\n  - { id: c, service: { type: exponential, mean: 1 } }\n  - { id: d, service: { type: exponential, mean: 1 } }\nedges:\n  - { type: route, from: a, to: b, probability: 0.1 }\n  - { type: route, from: a, to: c, probability: 0.2 }\n  - { type: route, from: a, to: d, probability: 0.7 }\nentries:\n  - { node: a, rate: 1 }\n';
  const twin = twinFromObject(parseTwinText(text, 'r.yaml').data, { source: 'r.yaml' });
  assert.is(twin.nodes[0]!.routeTotal, 1);
  assert.is(twin.nodes[0]!.routes[2]!.cumulative, 1);
});

test('a twin survives structured cloning (worker threads receive it that way)', async () => {
  const twin = await loadTwinFile(example('network.yaml'));
  const copy = structuredClone(twin);
  assert.equal(copy.nodes, twin.nodes);
  assert.equal(copy.entries.map((e) => e.paths!.map((p) => Array.from(p.nodes))), twin.entries.map((e) => e.paths!.map((p) => Array.from(p.nodes))));
  assert.is(copy.indexOf.get('A->C#0'), twin.indexOf.get('A->C#0'));
});

test.run();
