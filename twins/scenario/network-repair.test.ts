/**
 * linkUp, a repair: a link a linkDown of the scenario took out carries traffic
 * again from the linkUp's `at`, on the base run's arrivals (common random
 * numbers); the deltas apply in time order whatever their order in the list;
 * the warnings of a cut-off say when it ends; a linkUp that repairs nothing is
 * refused at its selector.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinContentHash } from '../definition/content-hash.js';
import { twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { runTwinReplication } from '../flow/simulate.js';
import { routedTwin, SQUARE } from '../network/test-support.js';
import { applyScenario } from './apply.js';
import { scenarioProblems } from './test-support.js';

const arrivals = (t: Twin, m: ReturnType<typeof runTwinReplication>, id: string) => m.nodes[t.indexOf.get(id)!]!.obs.arrivals;
const abOnly = () => twinFromObject(routedTwin(SQUARE, { traffic: { rows: [['A', 'B', 1]] } }, [{ id: 'from-A', node: 'A', rate: 50 }]), { source: 'ab' });

test('linkDown A-B at 100 s, linkUp at 200 s: A-B carries what arrives before 100 s and after 200 s, the detour what arrives between', () => {
  const base = abOnly();
  const repaired = applyScenario(base, [{ op: 'linkDown', between: ['A', 'B'], at: 100 }, { op: 'linkUp', between: ['A', 'B'], at: 200 }]);
  assert.equal(repaired.networkChanges!.map((c) => c.at), [100, 200]);
  assert.equal([...repaired.networkChanges![1]!.routing.nextHop], [...base.network!.nextHop], 'from 200 s the tables are the base tables again');
  const settings = { horizon: 300, reportWindow: 100, seed: 11 };
  const run = runTwinReplication(repaired, settings, 0);
  const sentBy = (t: number) => runTwinReplication(base, { ...settings, horizon: t }, 0).entries[0]!.arrivals;
  assert.is(run.entries[0]!.arrivals, sentBy(300), 'the same arrivals');
  assert.is(arrivals(repaired, run, 'A->B#0'), sentBy(100) + sentBy(300) - sentBy(200), 'A-B: before the failure and after the repair');
  assert.is(arrivals(repaired, run, 'A->C#0'), sentBy(200) - sentBy(100), 'the detour: while it was down');
  assert.is(run.entries[0]!.failed, 0, 'a detour loses nothing');
  // The list order does not matter: a later change of a link wins.
  const reversed = applyScenario(base, [{ op: 'linkUp', between: ['A', 'B'], at: 200 }, { op: 'linkDown', between: ['A', 'B'], at: 100 }]);
  assert.is(twinContentHash(reversed), twinContentHash(repaired));
});

test('a repair of a link down from the start, and of one direction of it', () => {
  const base = abOnly();
  const t = applyScenario(base, [{ op: 'linkDown', between: ['A', 'B'] }, { op: 'linkUp', station: 'A->B#0', at: 150 }]);
  assert.is(t.network!.spec.links.filter((l) => l.down).length, 2, 'both directions down from the start');
  assert.equal(t.networkChanges!.map((c) => c.at), [150]);
  const run = runTwinReplication(t, { horizon: 300, reportWindow: 100, seed: 3 }, 0);
  const sentBy = (h: number) => runTwinReplication(base, { horizon: h, reportWindow: 100, seed: 3 }, 0).entries[0]!.arrivals;
  assert.is(arrivals(t, run, 'A->B#0'), sentBy(300) - sentBy(150));
  assert.is(arrivals(t, run, 'B->A#0'), 0, 'the other direction stays down (and has no traffic)');
});

test('the warnings of a pendant cut off at 100 s and repaired at 150 s say until when', () => {
  const links = [...SQUARE, ['C', 'E', 1]] as [string, string, number][];
  const ids = ['A', 'B', 'C', 'D', 'E'];
  const base = twinFromObject(routedTwin(links, { traffic: { gravity: {} } }, ids.map((r) => ({ id: `from-${r}`, node: r, rate: 20 }))), { source: 'pendant' });
  const cut = 'entry "from-E": router "E" is cut off: none of its traffic has a route, so its packets are lost';
  const timed = applyScenario(base, [{ op: 'linkDown', between: ['C', 'E'], at: 100 }, { op: 'linkUp', between: ['C', 'E'], at: 150 }]);
  assert.ok(timed.warnings.includes(`from 100 s to 150 s: ${cut}`), timed.warnings.join('\n'));
  assert.ok(timed.warnings.some((w) => w.startsWith('from 100 s to 150 s: 8 ordered router pair(s) with traffic have no route')), timed.warnings.join('\n'));
  const fromStart = applyScenario(base, [{ op: 'linkDown', between: ['C', 'E'] }, { op: 'linkUp', between: ['C', 'E'], at: 150 }]);
  assert.ok(fromStart.warnings.includes(`until 150 s: ${cut}`), fromStart.warnings.join('\n'));
  // E's packets are lost while it is cut off, and only then.
  const settings = { horizon: 300, reportWindow: 100, seed: 5 };
  const e = runTwinReplication(timed, settings, 0).entries.find((x) => x.id === 'from-E')!;
  assert.ok(e.failed > 0.1 * e.arrivals && e.failed < 0.25 * e.arrivals, `${e.failed} of ${e.arrivals} (50 of 300 s)`);
});

test('a linkUp that repairs nothing is refused at its selector', () => {
  const base = abOnly();
  assert.equal(scenarioProblems([{ op: 'linkUp', between: ['A', 'B'] }], base),
    ['[0].between: the link "A" - "B" is up at the start: no linkDown of this scenario takes it out before this linkUp\'s time, so it would change nothing']);
  assert.equal(scenarioProblems([{ op: 'linkDown', between: ['A', 'B'], at: 100 }, { op: 'linkUp', station: 'A->B#0', at: 50 }], base),
    ['[1].station: link direction "A->B#0" is up just before 50 s: no linkDown of this scenario takes it out before this linkUp\'s time, so it would change nothing']);
  const at = (ps: string[]) => ps.map((p) => p.split(':')[0]);
  assert.equal(at(scenarioProblems([{ op: 'linkDown', between: ['A', 'C'] }, { op: 'linkUp', between: ['A', 'B'], at: 10 }], base)), ['[1].between']);
  // A down and an up at one time change nothing, in either order; nor does a second repair of a link already back.
  assert.equal(at(scenarioProblems([{ op: 'linkDown', between: ['A', 'B'], at: 10 }, { op: 'linkUp', between: ['A', 'B'], at: 10 }], base)), ['[1].between']);
  assert.equal(at(scenarioProblems([{ op: 'linkDown', between: ['A', 'B'] }, { op: 'linkUp', between: ['A', 'B'] }], base)), ['[1].between']);
  assert.equal(at(scenarioProblems([{ op: 'linkDown', between: ['A', 'B'], at: 10 }, { op: 'linkUp', between: ['A', 'B'], at: 20 }, { op: 'linkUp', between: ['A', 'B'], at: 30 }], base)), ['[2].between']);
  // Down again after a repair: a second repair is one.
  assert.equal(scenarioProblems([{ op: 'linkDown', between: ['A', 'B'], at: 10 }, { op: 'linkUp', between: ['A', 'B'], at: 20 }, { op: 'linkDown', station: 'A->B#0', at: 25 }, { op: 'linkUp', station: 'A->B#0', at: 30 }], base), []);
  // A second linkDown of a link the scenario took out is fine: a what-if cell combining two failure axes (N-2) has them.
  assert.equal(scenarioProblems([{ op: 'linkDown', between: ['A', 'B'] }, { op: 'linkDown', between: ['A', 'B'] }], base), []);
  // A linkDown refused for its own problem is the one reported: its repair waits for the next check.
  assert.equal(at(scenarioProblems([{ op: 'linkDown', between: ['A', 'X'], at: 10 }, { op: 'linkUp', between: ['A', 'B'], at: 20 }], base)), ['[0].between[1]']);
  const input = routedTwin(SQUARE, { traffic: { rows: [['A', 'B', 1]] } }, [{ id: 'from-A', node: 'A', rate: 50 }]);
  for (const l of input.network!.links) if (l.station === 'A->B#0') l.down = true;
  assert.equal(scenarioProblems([{ op: 'linkUp', station: 'A->B#0' }], twinFromObject(input, { source: 'down' })),
    ['[0].station: "A->B#0" is down in the twin file itself (network.links `down: true`): a linkUp repairs only what a linkDown of the scenario took out; to plan with the link up, edit the twin']);
});

test('a router named by its label (an imported Topology Zoo name) gets its id in the message, a bare number a hint to quote it', () => {
  const input = routedTwin(SQUARE, { traffic: { rows: [['A', 'B', 1]] } }, [{ id: 'from-A', node: 'A', rate: 5 }]);
  for (const n of input.nodes) if (n.id === 'B') n.attributes = { label: 'Oslo' };
  const t = twinFromObject(input, { source: 'labels' });
  assert.equal(scenarioProblems([{ op: 'linkDown', between: ['A', 'oslo'] }], t),
    ['[0].between[1]: unknown router id "oslo" ("oslo" is the label of router "B": selectors take router ids)']);
  // Imported routers have numeric ids: YAML reads `between: [13, B]` as a number, and the message says to quote it.
  assert.equal(scenarioProblems([{ op: 'linkDown', between: [13, 'B'] }], t), ['[0].between[0]: expected string, got 13 (quote it in YAML: "13")']);
});

test.run();
