/**
 * linkDown and linkMetric on a routed network: the square A-B-C-D (1 ms a
 * side, weights 0.001001 s) with the diagonal A-C (0.001501 s), routed by
 * hand. The forwarding tables are rebuilt (and a short simulation's per-link
 * arrivals follow them), node order and entry streams are unchanged, pairs a
 * failure cuts off are reported as the loader reports them, and bad deltas
 * are refused at their field.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinContentHash } from '../definition/content-hash.js';
import { loadTwinFile, twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { exampleFile } from '../examples/paths.js';
import { runTwinReplication } from '../flow/simulate.js';
import { choicesAt, loadsById, routedTwin, SQUARE } from '../network/test-support.js';
import { applyScenario } from './apply.js';
import { scenarioProblems } from './test-support.js';

const entries = (routers: string[], rate = 3) => routers.map((r) => ({ id: `from-${r}`, node: r, rate }));
const ALL = ['A', 'B', 'C', 'D'];
const square = (ecmp = false): Twin => twinFromObject(routedTwin(SQUARE, { ecmp, traffic: { gravity: {} } }, entries(ALL)), { source: 'square' });

test('linkDown A-B: both directions out, A->B and B->A go round by C (A-C-B 0.002502 beats A-D-C-B); stations and order stay', () => {
  const base = square();
  const t = applyScenario(base, [{ op: 'linkDown', between: ['A', 'B'] }]);
  assert.equal(choicesAt(t, 'A', 'B'), [['A->C#0', 1]]);
  assert.equal(choicesAt(t, 'B', 'A'), [['B->C#0', 1]]);
  assert.equal(choicesAt(t, 'D', 'B'), [['D->C#0', 1]], 'D-A-B is gone: D-C-B');
  assert.equal(choicesAt(t, 'B', 'D'), [['B->C#0', 1]]);
  assert.equal(loadsById(t, 3), {
    'A->B#0': 0, 'B->A#0': 0, 'B->C#0': 3, 'C->B#0': 3, 'C->D#0': 2, 'D->C#0': 2, 'D->A#0': 1, 'A->D#0': 1, 'A->C#0': 2, 'C->A#0': 2,
  });
  assert.equal(t.nodes.map((n) => n.id), base.nodes.map((n) => n.id));
  assert.equal(choicesAt(base, 'A', 'B'), [['A->B#0', 1]], 'the input twin is not changed');
  assert.equal(t.network!.spec.links.filter((l) => l.down).map((l) => l.station), ['A->B#0', 'B->A#0']);
  assert.is.not(twinContentHash(t), twinContentHash(base));
  // One direction only, by its station.
  const one = applyScenario(base, [{ op: 'linkDown', station: 'A->B#0' }]);
  assert.equal(choicesAt(one, 'A', 'B'), [['A->C#0', 1]]);
  assert.equal(choicesAt(one, 'B', 'A'), [['B->A#0', 1]]);
});

test('a short simulation follows the rebuilt tables: A->B packets cross A->C and C->B, none the downed link; same entry streams', () => {
  const input = routedTwin(SQUARE, { traffic: { rows: [['A', 'B', 1]] } }, [{ id: 'from-A', node: 'A', rate: 50 }]);
  const base = twinFromObject(input, { source: 'ab' });
  const down = applyScenario(base, [{ op: 'linkDown', between: ['B', 'A'] }]);
  const H = 200;
  const settings = { horizon: H, reportWindow: H, seed: 11 };
  const before = runTwinReplication(base, settings, 0);
  const after = runTwinReplication(down, settings, 0);
  const arrivals = (t: Twin, m: typeof before, id: string) => m.nodes[t.indexOf.get(id)!]!.obs.arrivals;
  const sent = before.entries[0]!.arrivals;
  assert.is(after.entries[0]!.arrivals, sent, 'common random numbers: the entry draws the same arrivals');
  assert.ok(Math.abs(sent / H - 50) < 2.5, `${sent / H} packets/s`);
  assert.is(arrivals(base, before, 'A->B#0'), sent);
  assert.is(arrivals(base, before, 'A->C#0'), 0);
  assert.is(arrivals(down, after, 'A->B#0'), 0);
  assert.is(arrivals(down, after, 'A->C#0'), sent);
  assert.is(arrivals(down, after, 'C->B#0'), sent);
  assert.is(arrivals(down, after, 'A->D#0'), 0);
});

test('linkMetric: A-B at 0.0026 (above the detour 0.002502) moves A->B onto A-C-B; at 0.0024 it stays', () => {
  const base = square();
  const high = applyScenario(base, [{ op: 'linkMetric', between: ['A', 'B'], metric: 0.0026 }]);
  assert.equal(choicesAt(high, 'A', 'B'), [['A->C#0', 1]]);
  assert.equal(high.network!.spec.links.filter((l) => l.metric !== undefined).map((l) => [l.station, l.metric]), [['A->B#0', 0.0026], ['B->A#0', 0.0026]]);
  const low = applyScenario(base, [{ op: 'linkMetric', between: ['A', 'B'], metric: 0.0024 }]);
  assert.equal(choicesAt(low, 'A', 'B'), [['A->B#0', 1]]);
  assert.equal(choicesAt(low, 'D', 'B'), [['D->C#0', 1]], 'D-A-B costs 0.003401 now, D-C-B 0.002002');
});

test('ECMP: the diagonal at metric 0.003 leaves A-B-C and A-D-C tied, halves; downing it too gives the same', () => {
  const base = square(true);
  assert.equal(choicesAt(base, 'A', 'C'), [['A->C#0', 1]]);
  const t = applyScenario(base, [{ op: 'linkMetric', station: 'A->C#0', metric: 0.003 }]);
  assert.equal(choicesAt(t, 'A', 'C'), [['A->B#0', 0.5], ['A->D#0', 0.5]]);
  assert.equal(choicesAt(t, 'C', 'A'), [['C->A#0', 1]]);
  const d = applyScenario(base, [{ op: 'linkDown', between: ['A', 'C'] }]);
  assert.equal(choicesAt(d, 'A', 'C'), [['A->B#0', 0.5], ['A->D#0', 0.5]]);
  assert.equal(choicesAt(d, 'C', 'A'), [['C->B#0', 0.5], ['C->D#0', 0.5]]);
});

test('a link station\'s new capacity re-splits its parallel links', () => {
  // A->B#0 1 ms (1000/s), A->B#1 0.5 ms (2000/s): 1/3 and 2/3; two workers on #0 make it 2000/s too: halves.
  const links = [['A', 'B', 1, 0.001], ['A', 'B', 1, 0.0005], ['B', 'C', 1]] as const;
  const base = twinFromObject(routedTwin(links, { traffic: { gravity: {} } }, entries(['A'])), { source: 'par' });
  assert.equal(choicesAt(base, 'A', 'C'), [['A->B#0', +(1 / 3).toFixed(12)], ['A->B#1', +(2 / 3).toFixed(12)]]);
  assert.equal(choicesAt(applyScenario(base, [{ op: 'servers', node: 'A->B#0', servers: 2 }]), 'A', 'C'), [['A->B#0', 0.5], ['A->B#1', 0.5]]);
});

test('pairs a failure cuts off: named and counted as the loader does; demand stays: packets to a cut-off router, and its own, are lost (errors), with a warning', () => {
  const links = [...SQUARE, ['C', 'E', 1]] as [string, string, number][];
  const base = twinFromObject(routedTwin(links, { traffic: { gravity: {} } }, entries(ALL)), { source: 'pendant' });
  assert.is(base.network!.unroutablePairs, 0);
  assert.not.ok(base.warnings.some((w) => w.includes('no route')));
  const cut = applyScenario(base, [{ op: 'linkDown', between: ['E', 'C'] }]);
  // Every ordered pair with E: 4 to it, 4 from it, of 5 x 4 = 20 (uniform gravity).
  assert.is(cut.network!.unroutablePairs, 8);
  assert.ok(Math.abs(cut.network!.unroutableShare - 0.4) < 1e-12);
  const w = cut.warnings.filter((x) => x.includes('no route'));
  assert.equal(w.length, 1);
  assert.match(w[0]!, /^8 ordered router pair\(s\) with traffic have no route \(A -> E, B -> E, C -> E, D -> E, E -> A, \.\.\.\): 40\.0% of the traffic rule's weight is unroutable/);
  // Back up by a metric-only change of another link: the warning goes with the rebuilt network.
  assert.not.ok(applyScenario(base, [{ op: 'linkMetric', between: ['A', 'B'], metric: 1 }]).warnings.some((x) => x.includes('no route')));
  const withE = twinFromObject(routedTwin(links, { traffic: { gravity: {} } }, entries([...ALL, 'E'])), { source: 'pendant' });
  // E's only link down: E is cut off. Demand does not move: E's packets, and every packet to E, are lost (errors at
  // their entries), on the same arrivals as the base (common random numbers); the warnings say so.
  const isolated = applyScenario(withE, [{ op: 'loadScale', factor: 2 }, { op: 'linkDown', between: ['C', 'E'] }]);
  assert.ok(isolated.warnings.includes('entry "from-E": router "E" is cut off: none of its traffic has a route, so its packets are lost'), isolated.warnings.join('\n'));
  assert.ok(isolated.warnings.some((x) => x.endsWith('is unroutable and its packets are lost (errors at their entries)')), isolated.warnings.join('\n'));
  assert.not.ok(withE.warnings.some((x) => x.includes('cut off')));
  const settings = { horizon: 400, reportWindow: 400, seed: 3 };
  const whole = runTwinReplication(withE, settings, 0);
  const parted = runTwinReplication(applyScenario(withE, [{ op: 'linkDown', between: ['C', 'E'] }]), settings, 0);
  const entry = (m: typeof whole, id: string) => m.entries.find((e) => e.id === id)!;
  for (const r of [...ALL, 'E']) assert.is(entry(parted, `from-${r}`).arrivals, entry(whole, `from-${r}`).arrivals, `from-${r}: same arrivals`);
  assert.is(entry(parted, 'from-E').failed, entry(parted, 'from-E').arrivals, "all of E's packets lost");
  // Uniform gravity: a quarter of A's packets go to E, and are lost at A.
  const a = entry(parted, 'from-A');
  assert.ok(Math.abs(a.failed / a.arrivals - 0.25) < 0.05, `${a.failed} of ${a.arrivals}`);
  assert.is(entry(whole, 'from-A').failed, 0);
});

test('bad link deltas are refused at their field', async () => {
  const base = square();
  const list = scenarioProblems([
    { op: 'linkDown', between: ['a', 'B'] },
    { op: 'linkDown', between: ['A', 'A->B#0'] },
    { op: 'linkDown', between: ['B', 'D'] },
    { op: 'linkMetric', between: ['A', 'A'], metric: 2 },
    { op: 'linkMetric', between: ['A', 'B'], metric: 0 },
    { op: 'linkDown', between: ['A', 'B'], station: 'A->B#0' },
    { op: 'linkMetric', metric: 2 },
    { op: 'linkDown', between: ['A', 'B'], at: '-10s' },
    { op: 'linkDown', station: 'A->B#9' },
    { op: 'linkDown', station: 'A' },
    { op: 'linkMetric', between: ['A', 'B'], metric: -1 },
    { op: 'linkDown', between: ['A'] },
  ], base);
  assert.equal(list, [
    '[4].metric: expected a number > 0, got 0',
    '[7].at: expected a duration (when the delta takes effect): seconds (number) or a string like "250ms", "2s", "5m", got "-10s"',
    '[10].metric: expected a number > 0, got -1',
    '[11].between: expected at least 2 items',
    '[0].between[0]: unknown router id "a" (did you mean "A"?)',
    '[1].between[1]: "A->B#0" is a link: expected a router of the network',
    '[2].between: no link between "B" and "D" in network.links ("B" links to "A", "C")',
    '[3].between[1]: expected a router other than "A"',
    '[5].station: a linkDown delta takes exactly one of `between: [A, B]` (every link direction between routers A and B, both ways) or `station: ID` (the one direction that link station carries)',
    '[6].op: a linkMetric delta takes exactly one of `between: [A, B]` (every link direction between routers A and B, both ways) or `station: ID` (the one direction that link station carries)',
    '[8].station: "A->B#9" is not a link station of network.links (did you mean "A->B#0"?)',
    '[9].station: "A" is not a link station of network.links ("A" is a node of kind router)',
  ]);
  const downed = applyScenario(base, [{ op: 'linkDown', between: ['A', 'B'] }]);
  assert.equal(scenarioProblems([{ op: 'linkDown', between: ['B', 'A'] }], downed), ['[0].between: the link "B" - "A" is already down in the twin: this delta would change nothing']);
  const fixedPaths = await loadTwinFile(exampleFile('network.yaml'));
  assert.equal(scenarioProblems([{ op: 'linkMetric', between: ['A', 'B'], metric: 5 }], fixedPaths), [
    '[0].between: the twin has no routed network (a `network` section, docs/twin-spec.md "Routed networks"): a linkMetric delta has no link to act on',
  ]);
});

test.run();
