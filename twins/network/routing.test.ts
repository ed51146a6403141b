/**
 * Forwarding and destination tables against a five-router network routed by
 * hand: shortest paths by delay, ties under the hop metric (first next router
 * by router order, or ECMP halves), parallel links split by capacity,
 * disconnected pairs named, a traffic matrix with an unknown router refused at
 * its CSV line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { TwinSpecError } from '../definition/errors.js';
import { twinToInput } from '../definition/file-form.js';
import { loadTwinFile, twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { runTwinReplication } from '../flow/simulate.js';
import { routedLoads } from './loads.js';
import { choicesAt, FIVE_LINKS, routedTwin } from './test-support.js';

const entries = (routers: string[], rate = 4) => routers.map((r) => ({ id: `from-${r}`, node: r, rate }));
const ALL = ['A', 'B', 'C', 'D', 'E'];

/** Routers visited from o to d taking the first choice of every set. */
function path(twin: Twin, o: string, d: string): string {
  const net = twin.network!;
  const R = net.routers.length;
  const out = [o];
  let at = twin.indexOf.get(o)!;
  const dest = twin.indexOf.get(d)!;
  while (at !== dest && out.length < 10) {
    const set = net.nextHop[net.routerOf[dest]! * R + net.routerOf[at]!]!;
    if (set < 0) return `${out.join('')}!`;
    at = net.linkTo[net.choiceStation[net.choiceStart[set]!]!]!;
    out.push(twin.nodes[at]!.id);
  }
  return out.join('');
}

/** The choice set at router u for destination d: station ids and shares (test-support.ts). */
const choices = choicesAt;

test('shortest paths by delay: every pair of the five-router network as routed by hand', () => {
  const twin = twinFromObject(routedTwin(FIVE_LINKS, { traffic: { gravity: {} } }, entries(ALL)), { source: 'five' });
  const expected: Record<string, string> = {
    AB: 'AB', AC: 'ABC', AD: 'AD', AE: 'ABCE', BA: 'BA', BC: 'BC', BD: 'BCD', BE: 'BCE', CA: 'CBA', CB: 'CB', CD: 'CD', CE: 'CE',
    DA: 'DA', DB: 'DCB', DC: 'DC', DE: 'DCE', EA: 'ECBA', EB: 'ECB', EC: 'EC', ED: 'ECD',
  };
  for (const [pair, p] of Object.entries(expected)) assert.is(path(twin, pair[0]!, pair[1]!), p, pair);
  // Uniform gravity: each origin's four destinations, a quarter each.
  const net = twin.network!;
  const o = net.routerOf[twin.indexOf.get('A')!]!;
  assert.equal(Array.from(net.destCum.subarray(net.destStart[o]!, net.destStart[o + 1]!)), [0.25, 0.5, 0.75, 1]);
  assert.is(net.unroutablePairs, 0);
});

test('hop metric ties: the first next router by router order, or ECMP halves', () => {
  const hops = twinFromObject(routedTwin(FIVE_LINKS, { metric: 'hops', traffic: { gravity: {} } }, entries(ALL)), { source: 'hops' });
  // A -> C: A-B-C and A-D-C are both 2 hops; B (router 1) comes before D (router 3).
  assert.equal(choices(hops, 'A', 'C'), [['A->B#0', 1]]);
  assert.equal(choices(hops, 'B', 'D'), [['B->A#0', 1]]);
  const ecmp = twinFromObject(routedTwin(FIVE_LINKS, { metric: 'hops', ecmp: true, traffic: { gravity: {} } }, entries(ALL)), { source: 'ecmp' });
  assert.equal(choices(ecmp, 'A', 'C'), [['A->B#0', 0.5], ['A->D#0', 0.5]]);
  assert.equal(choices(ecmp, 'C', 'A'), [['C->B#0', 0.5], ['C->D#0', 0.5]]);
  assert.equal(choices(ecmp, 'E', 'A'), [['E->C#0', 1]]);
  // E -> A under ECMP: via C, then half over B and half over D; each of those hops once more to A.
  const rate = new Float64Array(5);
  rate[4] = 4; // E's 4 packets/s, 1 per destination
  const { station } = routedLoads(ecmp.network!, rate, ecmp.nodes.length);
  const at = (id: string): number => +station[ecmp.indexOf.get(id)!]!.toFixed(12);
  assert.is(at('E->C#0'), 4);
  assert.is(at('C->B#0'), 1.5); // to B (1) + half of to A (0.5)
  assert.is(at('C->D#0'), 1.5);
  assert.is(at('B->A#0'), 0.5);
  assert.is(at('D->A#0'), 0.5);
});

test('parallel links: split by capacity, or the fastest only', () => {
  const links = [['A', 'B', 1, 0.001], ['A', 'B', 1, 0.0005], ['B', 'C', 1]] as const;
  const split = twinFromObject(routedTwin(links, { traffic: { gravity: {} } }, entries(['A'])), { source: 'split' });
  assert.equal(choices(split, 'A', 'C'), [['A->B#0', +(1 / 3).toFixed(12)], ['A->B#1', +(2 / 3).toFixed(12)]]);
  const best = twinFromObject(routedTwin(links, { parallel: 'best', traffic: { gravity: {} } }, entries(['A'])), { source: 'best' });
  assert.equal(choices(best, 'A', 'C'), [['A->B#1', 1]]);
});

test('a disconnected network: unroutable pairs named with their share; a cut-off origin warned of and silent; one the rule sends nowhere refused', () => {
  const links = [['A', 'B', 1], ['C', 'D', 1]] as const;
  const twin = twinFromObject(routedTwin(links, { traffic: { gravity: {} } }, entries(['A', 'B', 'C', 'D'])), { source: 'split-net' });
  assert.is(twin.network!.unroutablePairs, 8);
  assert.ok(Math.abs(twin.network!.unroutableShare - 8 / 12) < 1e-12);
  const w = twin.warnings.find((x) => x.includes('no route'))!;
  assert.match(w, /^8 ordered router pair\(s\) with traffic have no route \(A -> C, A -> D, B -> C, B -> D, C -> A, \.\.\.\): 66\.7% of the traffic rule's weight is unroutable/);
  // C sends only to A, in the other half: cut off. Its entry offers nothing, and the twin says so; A's packets flow as before.
  const lone = twinFromObject(routedTwin([['A', 'B', 1], ['C', 'D', 1]], { traffic: { rows: [['A', 'B', 1], ['C', 'A', 2]] } }, entries(['A', 'C'])), { source: 'lone' });
  assert.ok(lone.warnings.includes('entry "from-C": router "C" is cut off: none of its traffic has a route, so the entry offers nothing'), lone.warnings.join('\n'));
  const run = runTwinReplication(lone, { horizon: 2, reportWindow: 2, seed: 1 }, 0);
  assert.is(run.entries.find((e) => e.id === 'from-C')!.arrivals, 0);
  assert.ok(run.entries.find((e) => e.id === 'from-A')!.arrivals > 0);
  // D has an entry but no row: the rule gives it no destination, a mistake in the twin.
  const nowhere = routedTwin([['A', 'B', 1], ['C', 'D', 1]], { traffic: { rows: [['A', 'B', 1], ['C', 'D', 2]] } }, entries(['A', 'D']));
  assert.throws(() => twinFromObject(nowhere, { source: 'nowhere' }), (e: unknown) => e instanceof TwinSpecError && /entries\[1\]\.node: router "D" has no destination under network\.traffic/.test(e.message));
});

test('traffic matrix: rows give each origin its destination weights; an unknown router is refused at its CSV line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'net-matrix-'));
  try {
    const input = routedTwin(FIVE_LINKS, { traffic: { matrix: 'traffic.csv' } }, entries(['A', 'B']));
    await writeFile(join(dir, 'twin.yaml'), stringify(input));
    await writeFile(join(dir, 'traffic.csv'), 'origin,destination,rate\nA,E,3\nA,C,1\n# a comment\nB,D,2\n');
    const twin = await loadTwinFile(join(dir, 'twin.yaml'));
    const net = twin.network!;
    const a = net.routerOf[twin.indexOf.get('A')!]!;
    assert.equal(Array.from(net.destNode.subarray(net.destStart[a]!, net.destStart[a + 1]!), (i) => twin.nodes[i]!.id), ['C', 'E']);
    assert.equal(Array.from(net.destCum.subarray(net.destStart[a]!, net.destStart[a + 1]!)), [0.25, 1]);
    // The file form carries the rows inline and reads back to the same tables.
    const back = twinFromObject(twinToInput(twin).input, { source: 'back' });
    assert.equal(Array.from(back.network!.destCum), Array.from(net.destCum));
    assert.equal(Array.from(back.network!.nextHop), Array.from(net.nextHop));

    await writeFile(join(dir, 'traffic.csv'), 'origin,destination,rate\nA,E,3\nA,Q,1\nB,B,2\nB,C,-1\n');
    try {
      await loadTwinFile(join(dir, 'twin.yaml'));
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.ok(e instanceof TwinSpecError, String(e));
      const m = (e as Error).message;
      assert.match(m, /traffic\.csv:3: destination: unknown router "Q"/);
      assert.match(m, /traffic\.csv:4: destination: expected a router other than the origin "B"/);
      assert.match(m, /traffic\.csv:5: rate: expected a finite number >= 0/);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad network sections: unknown stations, links between non-routers, unknown gravity routers', () => {
  const input = routedTwin(FIVE_LINKS, { traffic: { gravity: { weights: { A: 1, Z: 2 } } } }, entries(['A']));
  input.network!.links.push({ station: 'nope', from: 'A', to: 'B' }, { station: 'A->B#0', from: 'A', to: 'A->B#0' });
  try {
    twinFromObject(input, { source: 'bad' });
    assert.unreachable('should have thrown');
  } catch (e) {
    const m = (e as Error).message;
    assert.match(m, /network\.links\[10\]\.station: unknown node id "nope"/);
    assert.match(m, /network\.links\[11\]\.station: station "A->B#0" listed twice/);
    assert.match(m, /network\.links\[11\]\.to: "A->B#0" is a link: expected a router/);
  }
  const gravity = routedTwin(FIVE_LINKS, { traffic: { gravity: { weights: { A: 1, Z: 2 } } } }, entries(['A']));
  assert.throws(() => twinFromObject(gravity, { source: 'g' }), /network\.traffic\.gravity\.weights\.Z: unknown router "Z"/);
});

test.run();
