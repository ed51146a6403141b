/**
 * Timed link changes (linkDown / linkMetric with `at`): until `at` a run is
 * the base run event for event (same seed), from `at` on packets follow the
 * rebuilt tables; a packet whose destination is cut off on its way is lost
 * (an error), and so is every packet of an origin cut off, on the same
 * arrivals (common random numbers).
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

test('linkDown A-B at 100 s: A->B packets cross A-B until then (as many as the base run by 100 s), A-C-B after', () => {
  const base = twinFromObject(routedTwin(SQUARE, { traffic: { rows: [['A', 'B', 1]] } }, [{ id: 'from-A', node: 'A', rate: 50 }]), { source: 'ab' });
  const timed = applyScenario(base, [{ op: 'linkDown', between: ['A', 'B'], at: 100 }]);
  assert.equal(timed.networkChanges!.map((c) => c.at), [100]);
  assert.is(timed.network!.spec.links.filter((l) => l.down).length, 0, 'up until 100 s');
  assert.is.not(twinContentHash(timed), twinContentHash(applyScenario(base, [{ op: 'linkDown', between: ['A', 'B'] }])));
  const run = runTwinReplication(timed, { horizon: 200, reportWindow: 100, seed: 11 }, 0);
  const firstHalf = runTwinReplication(base, { horizon: 100, reportWindow: 100, seed: 11 }, 0);
  const whole = runTwinReplication(base, { horizon: 200, reportWindow: 100, seed: 11 }, 0);
  const sent = whole.entries[0]!.arrivals;
  assert.is(run.entries[0]!.arrivals, sent, 'the same arrivals');
  assert.is(arrivals(timed, run, 'A->B#0'), arrivals(base, firstHalf, 'A->B#0'), 'A-B carries exactly what the base run sent it by 100 s');
  assert.is(arrivals(timed, run, 'A->C#0'), sent - arrivals(base, firstHalf, 'A->B#0'), 'the rest goes round by C');
  assert.is(arrivals(timed, run, 'C->B#0'), arrivals(timed, run, 'A->C#0'));
  assert.is(run.entries[0]!.failed, 0, 'a detour loses nothing');
});

test('a pendant cut off at 100 s: packets to it are lost on their way, and its own packets are lost at it', () => {
  const links = [...SQUARE, ['C', 'E', 1]] as [string, string, number][];
  const ids = ['A', 'B', 'C', 'D', 'E'];
  const base = twinFromObject(routedTwin(links, { traffic: { gravity: {} } }, ids.map((r) => ({ id: `from-${r}`, node: r, rate: 20 }))), { source: 'pendant' });
  const timed = applyScenario(base, [{ op: 'linkDown', between: ['C', 'E'], at: 100 }]);
  assert.ok(timed.warnings.some((w) => w.startsWith('from 100 s: 8 ordered router pair(s) with traffic have no route')), timed.warnings.join('\n'));
  assert.ok(timed.warnings.includes('from 100 s: entry "from-E": router "E" is cut off: none of its traffic has a route, so its packets are lost'), timed.warnings.join('\n'));
  const settings = { horizon: 200, reportWindow: 100, seed: 5 };
  const before = runTwinReplication(base, settings, 0);
  const after = runTwinReplication(timed, settings, 0);
  const entry = (m: typeof before, id: string) => m.entries.find((e) => e.id === id)!;
  for (const r of ids) {
    assert.is(entry(after, `from-${r}`).arrivals, entry(before, `from-${r}`).arrivals, `from-${r}: the same arrivals`);
    assert.is(entry(before, `from-${r}`).failed, 0);
  }
  // E's packets after 100 s: about half of them, all errors.
  const e = entry(after, 'from-E');
  assert.ok(e.failed > 0.4 * e.arrivals && e.failed < 0.6 * e.arrivals, `${e.failed} of ${e.arrivals}`);
  // A's packets to E after 100 s (a quarter of its traffic, half the time): lost on the way.
  const a = entry(after, 'from-A');
  assert.ok(a.failed > 0.08 * a.arrivals && a.failed < 0.17 * a.arrivals, `${a.failed} of ${a.arrivals}`);
  assert.is(arrivals(timed, after, 'C->E#0'), arrivals(base, runTwinReplication(base, { ...settings, horizon: 100 }, 0), 'C->E#0'));
});

test('`at` is a duration >= 0 on link deltas', () => {
  const base = twinFromObject(routedTwin(SQUARE, { traffic: { gravity: {} } }, [{ id: 'from-A', node: 'A', rate: 5 }]), { source: 'sq' });
  assert.equal(applyScenario(base, [{ op: 'linkMetric', station: 'A->C#0', metric: 1, at: '2m' as unknown as number }]).networkChanges!.map((c) => c.at), [120]);
  assert.ok(scenarioProblems([{ op: 'linkDown', between: ['A', 'B'], at: -1 }], base).some((p) => p.startsWith('[0].at')));
  assert.is(applyScenario(base, [{ op: 'linkDown', between: ['A', 'B'], at: 0 }]).networkChanges, undefined, 'at 0: from the start');
});

test.run();
