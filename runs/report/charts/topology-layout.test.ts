import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { layeredLayout } from './topology-layout.js';

const topology = (edges: readonly (readonly [string, string])[], extra: readonly string[] = []) => {
  const ids = [...new Set([...edges.flat(), ...extra])];
  return { nodes: ids.map((id) => ({ id, pFailHi: 0 })), edges: edges.map(([from, to]) => ({ from, to })) };
};

test('on an acyclic call graph every caller sits left of what it calls, on its longest path', () => {
  const t = topology([['web', 'cart'], ['web', 'catalog'], ['cart', 'db'], ['catalog', 'cache'], ['cache', 'db'], ['web', 'db']], ['lonely']);
  const layout = layeredLayout(t);
  const at = new Map(layout.nodes.map((n) => [n.id, n]));
  for (const e of t.edges) assert.ok(at.get(e.from)!.x < at.get(e.to)!.x, `${e.from} left of ${e.to}`);
  assert.is(at.get('db')!.x, 3, 'db below the longest chain web > catalog > cache > db');
  assert.is(at.get('lonely')!.x, 0);
  assert.is(layout.layers, 4);
  assert.is(layout.edges.length, t.edges.length);
  const places = new Set(layout.nodes.map((n) => `${n.x},${n.y}`));
  assert.is(places.size, t.nodes.length, 'no two nodes at one place');
});

test('cycles are broken, every node placed once, and the layout is the same for the same input', () => {
  const t = topology([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd'], ['d', 'd'], ['e', 'f'], ['f', 'e']]);
  const layout = layeredLayout(t);
  assert.equal(layout.nodes.map((n) => n.id), ['a', 'b', 'c', 'd', 'e', 'f']);
  for (const n of layout.nodes) assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), n.id);
  const x = new Map(layout.nodes.map((n) => [n.id, n.x]));
  assert.equal([x.get('a'), x.get('b'), x.get('c'), x.get('d')], [0, 1, 2, 3], 'the cycle a>b>c>a opened at its back edge c>a');
  assert.equal(layeredLayout(t), layout);
  assert.equal(layeredLayout({ nodes: [], edges: [] }), { nodes: [], edges: [], layers: 0, widest: 0 });
});

test('barycentre ordering removes the crossing of two parallel chains listed crosswise', () => {
  // a1 > b2 and a2 > b1 with the nodes listed a1, a2, b1, b2: in input order the two calls cross; ordering by the callers' ranks uncrosses them.
  const t = { nodes: ['a1', 'a2', 'b1', 'b2'].map((id) => ({ id, pFailHi: 0 })), edges: [{ from: 'a1', to: 'b2' }, { from: 'a2', to: 'b1' }] };
  const byId = new Map(layeredLayout(t).nodes.map((n) => [n.id, n]));
  assert.is(Math.sign(byId.get('a1')!.y - byId.get('a2')!.y), Math.sign(byId.get('b2')!.y - byId.get('b1')!.y));
});

test.run();
