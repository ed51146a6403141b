/**
 * The checkpoint key follows the content of a run's inputs: not the path a
 * twin was read from nor its warnings, but every value of the twin, the
 * settings (state and forecast included) and the chunking.
 */
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../paths.js';
import { loadTwinFile, twinFromObject } from '../../twins/definition/load.js';
import type { SimulationSettings } from '../../twins/flow/simulate.js';
import { applyScenario } from '../../twins/scenario/index.js';
import { readStateSnapshot } from '../../twins/state.js';
import { exampleFile } from '../../twins/examples/paths.js';
import { runMonteCarlo } from './runner.js';
import { monteCarloKey } from './run-key.js';

const settings: SimulationSettings = { seed: 1, horizon: 60, reportWindow: 30 };

test('one twin read through different spellings of its path (and with other warnings) has one key', async () => {
  const absolute = await loadTwinFile(join(REPO_ROOT, 'twins/examples/shop.yaml'));
  // The same file, relative to the working folder and through a detour.
  const detour = `./${relative(process.cwd(), REPO_ROOT) || '.'}/twins/../twins/examples/shop.yaml`;
  const spelt = await loadTwinFile(detour, ['an importer fallback']);
  assert.is.not(spelt.source, absolute.source);
  assert.is(monteCarloKey(spelt, settings, 2), monteCarloKey(absolute, settings, 2));
  const [a, b] = await Promise.all([absolute, spelt].map((twin) => runMonteCarlo(twin, { replications: 1, settings, workers: 0 })));
  assert.is(a!.key, b!.key, 'the runner uses that key');
});

test('a changed twin value, setting, state or chunk size gives another key', async () => {
  const shop = await loadTwinFile(exampleFile('shop.yaml'));
  const key = monteCarloKey(shop, settings, 2);
  const scaled = applyScenario(shop, [{ op: 'serviceScale', node: 'productcatalog', factor: 0.9 }]);
  assert.is.not(monteCarloKey(scaled, settings, 2), key, 'scenario applied to the twin');
  assert.is.not(monteCarloKey({ ...shop, name: 'other' }, settings, 2), key, 'twin name');
  assert.is.not(monteCarloKey(shop, { ...settings, warmup: 10 }, 2), key, 'warm-up');
  assert.is.not(monteCarloKey(shop, { ...settings, seed: 2 }, 2), key, 'seed');
  assert.is.not(monteCarloKey(shop, { ...settings, reportWindow: 61 }, 2), key, 'report window');
  const state = await readStateSnapshot(exampleFile('shop-state.json'), shop);
  assert.is.not(monteCarloKey(shop, { ...settings, state }, 2), key, 'state');
  assert.is.not(monteCarloKey(shop, settings, 3), key, 'chunk size');
});

test('a rate profile counts by its values, not by the path it was read from', () => {
  const data = { name: 'p', nodes: [{ id: 'a', service: { type: 'exponential', mean: 0.01 } }], entries: [{ node: 'a', profile: 'rates.csv' }] };
  const profile = (file: string, rates: number[]) => new Map([['rates.csv', { file, times: new Float64Array([0, 60]), rates: new Float64Array(rates) }]]);
  const here = twinFromObject(data, { source: 'p.yaml', profiles: profile('/srv/twins/rates.csv', [1, 2]) });
  const there = twinFromObject(data, { source: '../twins/p.yaml', profiles: profile('../twins/rates.csv', [1, 2]) });
  const changed = twinFromObject(data, { source: 'p.yaml', profiles: profile('/srv/twins/rates.csv', [1, 3]) });
  assert.is(monteCarloKey(there, settings, 1), monteCarloKey(here, settings, 1));
  assert.is.not(monteCarloKey(changed, settings, 1), monteCarloKey(here, settings, 1));
});

test.run();
