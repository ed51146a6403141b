/**
 * Per-link IGP metrics and downed directions in the twin file, on the square
 * A-B-C-D (1 ms a side) with the diagonal A-C (1.5 ms), routed by hand:
 * weights are delay + 1 us (A-B 0.001001 s, A-C 0.001501 s) unless a
 * direction has its own `metric`. A twin without them keeps its spec (and so
 * its hash); the file form round-trips them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinContentHash } from '../definition/content-hash.js';
import { twinToInput } from '../definition/file-form.js';
import { twinFromObject } from '../definition/load.js';
import { choicesAt, loadsById, routedTwin, SQUARE, withMetrics } from './test-support.js';

const entries = (routers: string[], rate = 3) => routers.map((r) => ({ id: `from-${r}`, node: r, rate }));
const ALL = ['A', 'B', 'C', 'D'];
const square = (metrics: Record<string, number> = {}, ecmp = false) =>
  twinFromObject(withMetrics(routedTwin(SQUARE, { ecmp, traffic: { gravity: {} } }, entries(ALL)), metrics), { source: 'square' });

test('no metric: delay routing as before; the spec holds no metric key', () => {
  const twin = square();
  // B -> D: B-A-D and B-C-D tie at 0.002002; B's first neighbour by router order is A.
  assert.equal(choicesAt(twin, 'B', 'D'), [['B->A#0', 1]]);
  assert.equal(choicesAt(twin, 'A', 'C'), [['A->C#0', 1]]);
  assert.equal(Object.keys(twin.network!.spec.links[0]!), ['station', 'from', 'to']);
  // 1 packet/s per ordered pair: A->B carries A->B and D->B (D-A-B wins the tie with D-C-B).
  assert.equal(loadsById(twin, 3), {
    'A->B#0': 2, 'B->A#0': 2, 'B->C#0': 1, 'C->B#0': 1, 'C->D#0': 1, 'D->C#0': 1, 'D->A#0': 2, 'A->D#0': 2, 'A->C#0': 1, 'C->A#0': 1,
  });
});

test('a metric on A-B above the detour A-C-B (0.002502) moves A-B traffic; below it, only the tie-broken D->B moves', () => {
  const high = square({ 'A->B#0': 0.0026, 'B->A#0': 0.0026 });
  assert.equal(choicesAt(high, 'A', 'B'), [['A->C#0', 1]]);
  assert.equal(choicesAt(high, 'B', 'A'), [['B->C#0', 1]]);
  assert.equal(choicesAt(high, 'D', 'B'), [['D->C#0', 1]]);
  assert.equal(choicesAt(high, 'B', 'D'), [['B->C#0', 1]]);
  assert.equal(loadsById(high, 3), {
    'A->B#0': 0, 'B->A#0': 0, 'B->C#0': 3, 'C->B#0': 3, 'C->D#0': 2, 'D->C#0': 2, 'D->A#0': 1, 'A->D#0': 1, 'A->C#0': 2, 'C->A#0': 2,
  });
  const low = square({ 'A->B#0': 0.0024, 'B->A#0': 0.0024 });
  assert.equal(choicesAt(low, 'A', 'B'), [['A->B#0', 1]]);
  // D-A-B costs 0.003401 now, D-C-B 0.002002.
  assert.equal(choicesAt(low, 'D', 'B'), [['D->C#0', 1]]);
});

test('ECMP: a diagonal metric of 0.003 leaves A-B-C and A-D-C tied: halves', () => {
  const twin = square({ 'A->C#0': 0.003 }, true);
  assert.equal(choicesAt(twin, 'A', 'C'), [['A->B#0', 0.5], ['A->D#0', 0.5]]);
  assert.equal(choicesAt(twin, 'C', 'A'), [['C->A#0', 1]], 'the metric is per direction');
  // Exactly tied with both two-hop paths (0.002002): thirds.
  const tie = square({ 'A->C#0': 0.002002 }, true);
  assert.equal(choicesAt(tie, 'A', 'C'), [['A->B#0', +(1 / 3).toFixed(12)], ['A->C#0', +(1 / 3).toFixed(12)], ['A->D#0', +(1 / 3).toFixed(12)]]);
});

test('parallel links: without metrics split by capacity whatever their delays; with a metric only the lightest carry', () => {
  const links = [['A', 'B', 1, 0.001], ['A', 'B', 2, 0.0005], ['B', 'C', 1]] as const;
  const make = (m: Record<string, number>) => twinFromObject(withMetrics(routedTwin(links, { traffic: { gravity: {} } }, entries(['A'])), m), { source: 'par' });
  assert.equal(choicesAt(make({}), 'A', 'C'), [['A->B#0', +(1 / 3).toFixed(12)], ['A->B#1', +(2 / 3).toFixed(12)]]);
  assert.equal(choicesAt(make({ 'A->B#1': 0.005 }), 'A', 'C'), [['A->B#0', 1]]);
  assert.equal(choicesAt(make({ 'A->B#0': 0.005 }), 'A', 'C'), [['A->B#1', 1]]);
  assert.equal(choicesAt(make({ 'A->B#0': 0.005, 'A->B#1': 0.005 }), 'A', 'C'), [['A->B#0', +(1 / 3).toFixed(12)], ['A->B#1', +(2 / 3).toFixed(12)]]);
});

test('down: the direction carries nothing, the other way still does; degree weights count it', () => {
  const input = routedTwin(SQUARE, { traffic: { gravity: { weights: 'degree' } } }, entries(ALL));
  const up = twinFromObject(structuredClone(input), { source: 'up' });
  input.network!.links.find((l) => l.station === 'A->B#0')!.down = true;
  const down = twinFromObject(input, { source: 'down' });
  assert.equal(choicesAt(down, 'A', 'B'), [['A->C#0', 1]]);
  assert.equal(choicesAt(down, 'B', 'A'), [['B->A#0', 1]]);
  assert.ok(down.indexOf.has('A->B#0'), 'the station stays');
  assert.equal(Array.from(down.network!.destCum), Array.from(up.network!.destCum), 'demand is not changed by a failure');
  assert.is(down.network!.spec.links.find((l) => l.station === 'A->B#0')!.down, true);
});

test('file form and content hash carry metric and down', () => {
  const twin = square({ 'A->B#0': 0.0026 });
  const back = twinFromObject(twinToInput(twin).input, { source: 'back' });
  assert.equal(Array.from(back.network!.nextHop), Array.from(twin.network!.nextHop));
  assert.is(back.network!.spec.links[0]!.metric, 0.0026);
  assert.is.not(twinContentHash(twin), twinContentHash(square()));
  assert.is(twinContentHash(back), twinContentHash(twin));
  assert.is.not(twinContentHash(square({ 'A->B#0': 0.0027 })), twinContentHash(twin));
});

test('a metric must be a number > 0; down a boolean', () => {
  const input = withMetrics(routedTwin(SQUARE, { traffic: { gravity: {} } }, entries(ALL)), { 'A->B#0': 0 });
  (input.network!.links[1] as unknown as Record<string, unknown>).down = 'yes';
  assert.throws(() => twinFromObject(input, { source: 'bad' }), (e: unknown) => {
    const m = (e as Error).message;
    return /network\.links\[0\]\.metric: expected a number > 0, got 0/.test(m) && /network\.links\[1\]\.down: expected boolean/.test(m);
  });
});

test.run();
