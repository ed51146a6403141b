import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TwinSpecError } from './definition/errors.js';
import { loadTwinFile } from './definition/load.js';
import type { Twin } from './definition/types.js';
import { readStateSnapshot, stateFromObject, STATE_FORMAT } from './state.js';
import { exampleFile } from './examples/paths.js';

const shopFile = exampleFile('shop.yaml');
let shop: Twin;

test.before(async () => {
  shop = await loadTwinFile(shopFile);
});

const snap = (nodes: unknown, extra: Record<string, unknown> = {}): unknown => ({ format: STATE_FORMAT, takenAt: '2026-11-24T03:00:00Z', nodes, ...extra });

function problems(data: unknown): string[] {
  try {
    stateFromObject(data, shop, 's.json');
  } catch (e) {
    if (e instanceof TwinSpecError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

function expectProblem(data: unknown, path: string, fragment: string): void {
  const list = problems(data);
  assert.ok(list.some((p) => p.startsWith(path + ': ') && p.includes(fragment)), `expected ${path} ~ "${fragment}", got:\n  ${list.join('\n  ')}`);
}

test('a valid snapshot: totals spread over replicas, lists kept, memory units', () => {
  const s = stateFromObject(
    snap({
      frontend: { replicasUp: 3, starting: 1, busy: 10, queue: 4, memory: '200Mi', rate: 160 },
      productcatalog: { replicasUp: 1, busy: [4], queue: [37], memory: [150000000] },
    }, { twin: 'shop' }),
    shop,
    's.json',
  );
  const fe = s.nodes[shop.indexOf.get('frontend')!]!;
  assert.equal(Array.from(fe.busy), [4, 3, 3]);
  assert.equal(Array.from(fe.queue), [2, 1, 1]);
  assert.equal(Array.from(fe.memory!), [200 * 1048576, 200 * 1048576, 200 * 1048576]);
  assert.is(fe.starting, 1);
  const pc = s.nodes[shop.indexOf.get('productcatalog')!]!;
  assert.equal(Array.from(pc.queue), [37]);
  assert.is(s.nodes[shop.indexOf.get('cart')!], null);
  assert.is(s.takenAt, '2026-11-24T03:00:00Z');
  // takenAt is checked as a timestamp, not only as a string.
  assert.throws(() => stateFromObject(snap({}, { takenAt: '2026-13-45T99:00:00Z' }), shop, 's.json'), (e: unknown) => e instanceof TwinSpecError && /takenAt: expected an ISO-8601 timestamp/.test(e.message));
});

test('unknown ids, bad counts and capacities', () => {
  expectProblem(snap({ ghost: { replicasUp: 1 } }), 'nodes.ghost', 'unknown node id "ghost"');
  expectProblem(snap({ cart: { replicasUp: -1 } }), 'nodes.cart.replicasUp', 'expected a number >= 0');
  expectProblem(snap({ cart: { replicasUp: 1.5 } }), 'nodes.cart.replicasUp', 'expected integer');
  expectProblem(snap({ cart: { replicasUp: 1, busy: 2.5 } }), 'nodes.cart.busy', 'expected a non-negative integer');
  // The bound of docs/limits.md is part of the rule stated (the anyOf's description replaces ajv's own maximum message).
  expectProblem(snap({ cart: { replicasUp: 1, queue: 50_000_000 } }), 'nodes.cart.queue', 'expected a non-negative integer up to 10000000 (total) or a list with one non-negative integer up to 10000000 per up replica, got 50000000');
  expectProblem(snap({ cart: { replicasUp: 2, busy: 9 } }), 'nodes.cart.busy', 'expected at most 8 busy workers (2 replicas x 4), got 9');
  expectProblem(snap({ cart: { replicasUp: 2, busy: [1, 5] } }), 'nodes.cart.busy[1]', 'expected at most 4 busy workers per replica');
  expectProblem(snap({ cart: { replicasUp: 2, busy: [1] } }), 'nodes.cart.busy', 'one value per up replica (2), got 1');
  expectProblem(snap({ cart: { replicasUp: 1, queue: 201 } }), 'nodes.cart.queue', 'expected at most 200 queued requests');
  expectProblem(snap({ cart: { replicasUp: 0, busy: 1 } }), 'nodes.cart.busy', 'expected 0 with no replica up');
  expectProblem(snap({ frontend: { replicasUp: 8, starting: 1 } }), 'nodes.frontend.replicasUp', 'autoscale.max (8)');
  expectProblem(snap({ productcatalog: { replicasUp: 1, memory: '1Gi' } }), 'nodes.productcatalog.memory', 'already be OOM-killed');
  expectProblem(snap({ cart: { replicasUp: 1, memory: 'lots' } }), 'nodes.cart.memory', 'expected bytes per replica');
  expectProblem(snap({ cart: { replicasUp: 1, rate: -3 } }), 'nodes.cart.rate', 'expected a number >= 0');
  expectProblem(snap({ cart: { replicasUp: 1, depth: 3 } }), 'nodes.cart.depth', 'unknown property');
});

test('header checks', () => {
  expectProblem(snap({}, { takenAt: 'yesterday' }), 'takenAt', 'ISO-8601');
  expectProblem(snap({}, { twin: 'bank' }), 'twin', 'not "shop"');
  expectProblem({ takenAt: '2026-11-24T03:00:00Z', nodes: {} }, 'format', 'required');
  expectProblem(snap({}, { format: 'v0' }), 'format', `expected "${STATE_FORMAT}"`);
});

test('reads a file; problems carry line numbers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'state-'));
  try {
    const file = join(dir, 'snapshot.json');
    await writeFile(file, JSON.stringify(snap({ cart: { replicasUp: 1 }, ghost: { replicasUp: 1 } }), null, 2));
    try {
      await readStateSnapshot(file, shop);
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.instance(e, TwinSpecError);
      const p = (e as TwinSpecError).problems[0]!;
      assert.is(p.path, 'nodes.ghost');
      assert.is(p.line, 8);
    }
    await writeFile(file, JSON.stringify(snap({ cart: { replicasUp: 2, busy: 3 } })));
    const s = await readStateSnapshot(file, shop);
    assert.equal(Array.from(s.nodes[shop.indexOf.get('cart')!]!.busy), [2, 1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the shop example snapshot loads against the shop twin', async () => {
  const s = await readStateSnapshot(join(shopFile, '..', 'shop-state.json'), shop);
  const pc = s.nodes[shop.indexOf.get('productcatalog')!]!;
  assert.equal(Array.from(pc.queue), [60]);
  assert.equal(Array.from(pc.memory!), [115 * 1048576]);
  assert.equal(Array.from(s.nodes[shop.indexOf.get('frontend')!]!.busy), [5, 5, 4]);
});

test.run();
