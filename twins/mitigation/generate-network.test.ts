/**
 * Reroute on a routed network: the node at risk is the link direction A->B of
 * the square A-B-C-D (weights 0.001001 s a side) with the diagonal A-C
 * (0.001501 s), uniform traffic 1 packet/s per ordered pair. A->B carries
 * A->B and D->B (D-A-B wins its tie with D-C-B): 2 packets/s. Its detour for
 * destination B is A-C-B, 0.002502 s: the detour metric is 0.002502 x 1.01
 * rounded up to 3 digits, 0.00253, and moves both; doubling its metric
 * (0.002002) moves D->B only (D-A-B costs 0.003003, D-C-B 0.002002).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { runTwinReplication } from '../flow/simulate.js';
import { loadsById, routedTwin, SQUARE } from '../network/test-support.js';
import { applyScenario } from '../scenario/index.js';
import { riskAnomalies } from './detect.js';
import { generateStrategies } from './generate.js';

const entries = (routers: string[]) => routers.map((r) => ({ id: `from-${r}`, node: r, rate: 3 }));
const atRisk = (node: string) => riskAnomalies([{ id: node, pFail: { mean: 0.2, lo: 0.1, hi: 0.3 }, mainCondition: 'utilization', timeToFailure: null }], { threshold: 0.05 });
const reroutes = (twin: Twin, node: string) => generateStrategies(twin, atRisk(node)).strategies.filter((s) => s.action === 'reroute');

test('a link at risk: its IGP metric doubled (a partial shift) and raised just above the detour (all of it), load moving as routed by hand', () => {
  const twin = twinFromObject(routedTwin(SQUARE, { traffic: { gravity: {} } }, entries(['A', 'B', 'C', 'D'])), { source: 'square' });
  const moves = reroutes(twin, 'A->B#0');
  assert.equal(moves.map((s) => s.id), ['reroute:A->B#0:from=0.001001,metric=0.002002', 'reroute:A->B#0:from=0.001001,metric=0.00253']);
  assert.equal(moves[1]!.deltas, [{ op: 'linkMetric', station: 'A->B#0', metric: 0.00253 }]);
  assert.match(moves[0]!.description, /from 0\.001001 to 0\.002002, twice its present metric .*: its routed load falls from 2 to 1 packets\/s \(closed form\), onto C->B#0, D->C#0$/);
  assert.match(moves[1]!.description, /just above its next-best path for the 1 of 1 destination\(s\) it carries that have one: its routed load falls from 2 to 0 packets\/s \(closed form\), onto C->B#0, D->C#0, A->C#0$/);
  const before = loadsById(twin, 3);
  const half = loadsById(applyScenario(twin, moves[0]!.deltas), 3);
  const all = loadsById(applyScenario(twin, moves[1]!.deltas), 3);
  assert.equal([before['A->B#0'], half['A->B#0'], all['A->B#0']], [2, 1, 0]);
  assert.equal([half['D->C#0'], half['C->B#0']], [2, 2]);
  assert.equal([all['A->C#0'], all['C->B#0']], [2, 3]);
  // And in a short simulation: no packet crosses A->B under the detour metric.
  const run = runTwinReplication(applyScenario(twin, moves[1]!.deltas), { horizon: 100, reportWindow: 100, seed: 3 }, 0);
  assert.is(run.nodes[twin.indexOf.get('A->B#0')!]!.obs.arrivals, 0);
  assert.ok(run.nodes[twin.indexOf.get('A->C#0')!]!.obs.arrivals > 100);
});

test('none for a bridge (no path around it), for a router, or for a twin without a routed network', () => {
  const twin = twinFromObject(routedTwin([...SQUARE, ['C', 'E', 1]], { traffic: { gravity: {} } }, entries(['A', 'B', 'C', 'D', 'E'])), { source: 'pendant' });
  assert.equal(reroutes(twin, 'C->E#0'), []);
  assert.equal(reroutes(twin, 'A'), []);
  assert.ok(reroutes(twin, 'A->B#0').length > 0);
});

test.run();
