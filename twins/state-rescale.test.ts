/**
 * A scenario that sets a node's replicas from the start, with a state
 * snapshot: the snapshot is brought to the scenario's count (it used to win,
 * and the delta changed nothing). New replicas join empty; removed ones hand
 * their work in hand to the others' queues, within queue capacity.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadTwinFile } from './definition/load.js';
import { exampleFile } from './examples/paths.js';
import { runTwinReplication } from './flow/simulate.js';
import { applyScenario, applyScenarioDetailed } from './scenario/apply.js';
import { readStateSnapshot, rescaleSnapshot } from './state.js';

test('productcatalog 1 -> 3 replicas with the shop snapshot: three replicas run, the snapshot work on the first', async () => {
  const shop = await loadTwinFile(exampleFile('shop.yaml'));
  const state = await readStateSnapshot(exampleFile('shop-state.json'), shop);
  const deltas = [{ op: 'replicas' as const, node: 'productcatalog', replicas: 3 }, { op: 'replicas' as const, node: 'cart', replicas: 2, at: 60 }];
  const { twin, startReplicas } = applyScenarioDetailed(shop, deltas);
  assert.equal(startReplicas, ['productcatalog'], 'a scale change at 60 s is the model\'s, not the snapshot\'s');
  const scaled = rescaleSnapshot(state, twin, startReplicas);
  const pc = twin.indexOf.get('productcatalog')!;
  const s = scaled.nodes[pc]!;
  assert.is(s.replicasUp, 3);
  assert.equal([...s.busy], [4, 0, 0]);
  assert.equal([...s.queue], [60, 0, 0]);
  assert.is(s.memory!.length, 3);
  assert.is(scaled.nodes[twin.indexOf.get('frontend')!], state.nodes[twin.indexOf.get('frontend')!], 'other nodes untouched');
  // In a run: three replicas serve from the start (the unscaled snapshot kept one).
  const settings = { horizon: 60, reportWindow: 60, seed: 1 };
  const up = (m: ReturnType<typeof runTwinReplication>) => m.nodes[pc]!.replicas.length;
  assert.is(up(runTwinReplication(twin, { ...settings, state: scaled }, 0)), 3);
  assert.is(up(runTwinReplication(twin, { ...settings, state }, 0)), 1, 'what the delta did before: nothing');
});

test('fewer replicas: the removed ones\' work goes to the remaining queues, within capacity', async () => {
  const shop = await loadTwinFile(exampleFile('shop.yaml'));
  const base = applyScenario(shop, [{ op: 'replicas', node: 'frontend', replicas: 4 }]);
  const state = await readStateSnapshot(exampleFile('shop-state.json'), base);
  const fe = base.indexOf.get('frontend')!;
  assert.is(state.nodes[fe]!.replicasUp, 3);
  assert.equal([...state.nodes[fe]!.busy], [5, 5, 4], '14 busy over 3 replicas');
  const two = applyScenario(shop, [{ op: 'replicas', node: 'frontend', replicas: 2 }]);
  const s = rescaleSnapshot(state, two, ['frontend']).nodes[fe]!;
  assert.equal([[...s.busy], [...s.queue]], [[5, 5], [2, 2]], 'the third replica\'s 4 busy requests wait on the other two');
  // A queue too small for the work: what does not fit is not started.
  const tiny = applyScenario(shop, [{ op: 'replicas', node: 'frontend', replicas: 2 }, { op: 'queue', node: 'frontend', capacity: 1 }]);
  const t = rescaleSnapshot(state, tiny, ['frontend']).nodes[fe]!;
  assert.equal([...t.queue], [1, 1]);
});

test.run();
