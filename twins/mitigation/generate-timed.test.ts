/**
 * The catalogue's time, edge and routing entries: pre-warm at a time T ahead
 * of the predicted failure, a rate limit at the entries that reach the node
 * at risk, and reroute away from it; each compiles to deltas the twin
 * accepts, with the values derived by hand here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { REPO_ROOT } from '../../runs/paths.js';
import { loadTwinFile, twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { applyScenario } from '../scenario/index.js';
import { riskAnomalies } from './detect.js';
import { generateStrategies } from './generate.js';

const shop = () => loadTwinFile(join(REPO_ROOT, 'twins/examples/shop.yaml'));
const atRisk = (node: string, p10: number | null) => riskAnomalies([
  { id: node, pFail: { mean: 0.2, lo: 0.1, hi: 0.3 }, mainCondition: 'latency', timeToFailure: p10 === null ? null : { p10, p50: p10 + 300, p90: p10 + 600 } },
], { threshold: 0.05 });
const ofAction = (twin: Twin, anomalies: ReturnType<typeof atRisk>, action: string) => generateStrategies(twin, anomalies).strategies.filter((s) => s.action === action);

test('pre-warm: +1 and +2 replicas at the p10 of the first failure less two SLO windows, in whole minutes; none when that is not after the start', async () => {
  const twin = await shop();
  // recommendation: SLO window 60 s, so the lead is 120 s; p10 = 1000 s: (1000 - 120) / 60 = 14.67 -> 14 min = 840 s.
  const pre = ofAction(twin, atRisk('recommendation', 1000), 'prewarm');
  assert.equal(pre.map((s) => s.id), ['prewarm:recommendation:from=1,replicas=2,at=840', 'prewarm:recommendation:from=1,replicas=3,at=840']);
  assert.equal(pre[0]!.deltas, [{ op: 'replicas', node: 'recommendation', replicas: 2, at: 840 }]);
  const changed = applyScenario(twin, pre[1]!.deltas);
  const rec = changed.nodes[changed.indexOf.get('recommendation')!]!;
  assert.equal(rec.scaleChanges, [{ at: 840, replicas: 3 }]);
  assert.is(rec.replicas, 1, 'one replica until T');
  assert.equal(ofAction(twin, atRisk('recommendation', 150), 'prewarm'), [], 'p10 - lead <= 0: a scale-out now, not a pre-warm');
  assert.equal(ofAction(twin, atRisk('recommendation', null), 'prewarm'), [], 'no predicted failure time: nothing to be ahead of');
});

test('rate limit: the mean rate (burst one second) at an entry that reaches the node at risk, 1.2 x the mean where a profile peaks higher; none at entries that do not reach it', async () => {
  const twin = await shop();
  const lim = ofAction(twin, atRisk('recommendation', null), 'rateLimit');
  assert.equal(lim.map((s) => s.id), ['rateLimit:users:rate=150,burst=150']);
  assert.equal(applyScenario(twin, lim[0]!.deltas).entries[0]!.rateLimit, { rate: 150, burst: 150, at: 0 });

  const two = twinFromObject({
    name: 'two-entries',
    nodes: [{ id: 'a', servers: 1, service: { type: 'exponential', mean: '10ms' } }, { id: 'b', servers: 1, service: { type: 'exponential', mean: '10ms' } }],
    edges: [],
    entries: [{ id: 'ea', node: 'a', rate: 10 }, { id: 'eb', node: 'b', rate: 10 }],
  }, { source: 'test' });
  // Entry ea: a step profile 10 req/s for 600 s, then 40 req/s for 200 s (the last point holds as long as the one before).
  const profiled: Twin = { ...two, entries: [{ ...two.entries[0]!, arrival: { kind: 'profile', file: 'p.csv', times: new Float64Array([0, 600, 800]), rates: new Float64Array([10, 40, 40]), interpolation: 'step', scale: 1 } }, two.entries[1]!] };
  // mean = (10 x 600 + 40 x 200) / 800 = 17.5; peak 40 > 1.2 x 17.5 = 21.
  assert.equal(ofAction(profiled, atRisk('a', null), 'rateLimit').map((s) => s.id), ['rateLimit:ea:rate=21,burst=21', 'rateLimit:ea:rate=17.5,burst=18']);
  assert.equal(ofAction(profiled, atRisk('b', null), 'rateLimit').map((s) => s.id), ['rateLimit:eb:rate=10,burst=10'], 'only the entry that reaches b');
});

test('reroute: a router sends the node at risk half or none of its share, the parallel route takes it, the route total stays', () => {
  const twin = twinFromObject({
    name: 'parallel',
    nodes: [
      { id: 'lb', kind: 'router' },
      { id: 'rec', servers: 1, service: { type: 'exponential', mean: '10ms' } },
      { id: 'alt', servers: 1, service: { type: 'exponential', mean: '10ms' } },
    ],
    edges: [{ type: 'route', from: 'lb', to: 'rec', probability: 0.6 }, { type: 'route', from: 'lb', to: 'alt', probability: 0.3 }],
    entries: [{ id: 'users', node: 'lb', rate: 50 }],
  }, { source: 'test' });
  const moves = ofAction(twin, atRisk('rec', null), 'reroute');
  assert.equal(moves.map((s) => s.id), ['reroute:lb:away=rec,share=0.5', 'reroute:lb:away=rec,share=0']);
  assert.equal(moves[0]!.deltas, [{ op: 'routeWeights', node: 'lb', weights: { rec: 0.3, alt: 0.3 } }]);
  const prob = (t: Twin) => Object.fromEntries(t.nodes[0]!.routes.map((e) => [t.nodes[e.to]!.id, Math.round(e.probability * 1e9) / 1e9]));
  // Weights 0.3 : 0.3 scaled to the present total 0.9: 0.45 each; with none to rec, alt takes all 0.9.
  assert.equal(prob(applyScenario(twin, moves[0]!.deltas)), { rec: 0.45, alt: 0.45 });
  assert.equal(prob(applyScenario(twin, moves[1]!.deltas)), { rec: 0, alt: 0.9 });
  assert.equal(ofAction(twin, atRisk('alt', null), 'reroute').map((s) => s.id), ['reroute:lb:away=alt,share=0.5', 'reroute:lb:away=alt,share=0']);
});

test.run();
