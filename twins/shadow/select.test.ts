import { test } from 'uvu';
import * as assert from 'uvu/assert';
import seedrandom from 'seedrandom';
import { loadTwinFile, twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { exampleFile } from '../examples/paths.js';
import type { PFailInterval } from './plan-types.js';
import { duplicatedIds, selectNodes } from './select.js';

let shop: Twin;
test.before(async () => {
  shop = await loadTwinFile(exampleFile('shop.yaml'));
});

const low: PFailInterval = { mean: 0, lo: 0, hi: 0.02 };
const risks = (t: Twin, at: Record<string, PFailInterval>): Map<string, PFailInterval> => new Map(t.nodes.map((n) => [n.id, at[n.id] ?? low]));

test('shop, recommendation at risk, f = 0.3 (θ 0.155, d 0): it and its entry path duplicated, their callees stubbed, the rest omitted', () => {
  const s = selectNodes(shop, risks(shop, { recommendation: { mean: 0.25, lo: 0.1, hi: 0.45 } }), 0.3);
  assert.equal(s.critical, ['recommendation']);
  assert.equal(duplicatedIds(shop, s), ['frontend', 'recommendation']);
  const stubs = shop.nodes.map((n) => n.id).filter((id) => s.action.get(id) === 'stub');
  assert.equal(stubs, ['currency', 'productcatalog', 'cart', 'ad', 'shipping', 'checkout']);
  for (const id of ['cartcache', 'payment', 'email', 'catalogdb']) assert.is(s.action.get(id), 'omit', id);
  assert.match(s.reasons.get('recommendation')![0]!, /^P\(fail\) 0.25 \[0.1, 0.45\] >= θ 0.155: critical$/);
  assert.ok(s.reasons.get('frontend')!.some((r) => r.startsWith('on the entry path of users')));
  assert.ok(s.reasons.get('productcatalog')!.some((r) => r === 'callee of frontend, recommendation: answered by the stub process'));
  assert.ok(s.reasons.get('email')!.includes('no duplicated node calls it'));
  assert.match(s.reasons.get('email')![0]!, /< θ/);
});

test('depth 1 adds the neighbours as support, named with their distance; entry paths to them too', () => {
  const s = selectNodes(shop, risks(shop, { catalogdb: { mean: 0.3, lo: 0.2, hi: 0.5 } }), 0.4);
  assert.is(s.depth, 1);
  assert.equal(s.support, ['productcatalog']);
  assert.ok(s.reasons.get('productcatalog')!.includes('support: 1 hop from critical catalogdb (d(f) = 1)'));
  // Every caller of productcatalog lies on an entry path: frontend, checkout and recommendation.
  assert.equal(duplicatedIds(shop, s), ['frontend', 'productcatalog', 'recommendation', 'checkout', 'catalogdb']);
  assert.is(s.action.get('payment'), 'stub');
});

test('budget exclusion removes a seed unless another duplicated node needs it on an entry path', () => {
  const r = risks(shop, { recommendation: { mean: 0.3, lo: 0.2, hi: 0.5 }, frontend: { mean: 0.2, lo: 0.1, hi: 0.3 } });
  const excludedFrontend = selectNodes(shop, r, 0.3, new Set(['frontend']));
  assert.is(excludedFrontend.action.get('frontend'), 'duplicate');
  assert.equal(excludedFrontend.excluded, []);
  const excludedRec = selectNodes(shop, r, 0.3, new Set(['recommendation']));
  assert.is(excludedRec.action.get('recommendation'), 'stub');
  assert.equal(excludedRec.excluded, ['recommendation']);
  assert.ok(excludedRec.reasons.get('recommendation')!.includes('budget: dropped, lowest risk first'));
});

/** A random twin: 2..10 nodes, sync and async calls forward in index order (no sync cycles), 1..2 entries. */
function randomTwin(rng: () => number, k: number): Twin {
  const n = 2 + Math.floor(rng() * 9);
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, servers: 1 + Math.floor(rng() * 4), service: { type: 'exponential', mean: 0.001 + rng() * 0.01 } }));
  const edges: object[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      if (rng() < 0.3) edges.push({ type: 'call', from: `n${a}`, to: `n${b}`, mean: 0.5 + rng(), mode: rng() < 0.2 ? 'async' : 'sync' });
    }
  }
  const entries = [{ id: 'e0', node: 'n0', rate: 10 }];
  if (n > 3 && rng() < 0.5) entries.push({ id: 'e1', node: `n${1 + Math.floor(rng() * (n - 1))}`, rate: 5 });
  return twinFromObject({ name: `random${k}`, nodes, edges, entries }, { source: `random${k}.yaml` });
}

function randomRisks(rng: () => number, t: Twin): Map<string, PFailInterval> {
  return new Map(t.nodes.map((node) => {
    const hi = rng() < 0.3 ? rng() * 0.05 : rng() * 0.7;
    const mean = hi * rng();
    return [node.id, { mean, lo: mean * rng(), hi }];
  }));
}

test('property: a higher fidelity duplicates a superset of the nodes (200 seeded random twins, risks and fidelity pairs)', () => {
  const rng = seedrandom('shadow-superset');
  let grew = 0;
  for (let k = 0; k < 200; k++) {
    const twin = randomTwin(rng, k);
    const r = randomRisks(rng, twin);
    const f1 = rng(), f2 = f1 + (1 - f1) * rng();
    const lo = new Set(duplicatedIds(twin, selectNodes(twin, r, f1)));
    const hi = new Set(duplicatedIds(twin, selectNodes(twin, r, f2)));
    for (const id of lo) assert.ok(hi.has(id), `case ${k}: ${id} duplicated at f=${f1} but not at f=${f2}`);
    if (hi.size > lo.size) grew++;
    // A node on the duplicated side is never also a stub, and every callee of a duplicated node runs.
    const s = selectNodes(twin, r, f2);
    for (const node of twin.nodes) {
      if (s.action.get(node.id) !== 'duplicate') continue;
      for (const g of node.callGroups) for (const c of g.calls) assert.ok(s.action.get(twin.nodes[c.to]!.id) !== 'omit', `case ${k}: callee of ${node.id} omitted`);
    }
  }
  // The property is not vacuous: fidelity changed the selection in many cases.
  assert.ok(grew > 30, `only ${grew} cases grew`);
});

test.run();
