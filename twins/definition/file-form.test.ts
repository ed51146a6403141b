import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleFile } from '../examples/paths.js';
import { importZooTwin } from '../import/zoo.js';
import { twinToInput } from './file-form.js';
import { loadTwinFile, parseTwinText, twinFromObject } from './load.js';
import type { Twin } from './types.js';

const readBack = (twin: Twin): Twin => {
  const { input, profiles } = twinToInput(twin);
  return twinFromObject(input, { source: twin.source, profiles });
};

test('the example twins read back from their file form unchanged', async () => {
  for (const name of ['shop.yaml', 'jackson.yaml', 'network.yaml'] as const) {
    const twin = await loadTwinFile(exampleFile(name));
    const back = readBack(twin);
    assert.equal(back.nodes, twin.nodes, name);
    assert.equal(back.entries, twin.entries, name);
    assert.equal(back.warnings, twin.warnings, name);
  }
});

test('profiles, forecasts, defaults and explicit call groups survive', () => {
  const text = [
    'name: f',
    'defaults: { servers: 3, timeout: 2s }',
    'nodes:',
    '  - { id: web, service: { type: gamma, shape: 2, scale: 5ms }, slo: { p99: 1s } }',
    '  - { id: db, service: { type: empirical, values: [1ms, 2ms] }, retries: { max: 1 } }',
    'edges:',
    '  - { type: call, from: web, to: db, probability: 1, group: g }',
    '  - { type: call, from: web, to: db, mean: 0.5, mode: async, timeout: 1s }',
    'entries:',
    '  - { node: web, profile: day.csv, scale: 2 }',
    '  - { node: web, forecast: { metric: rps }, process: deterministic }',
  ].join('\n');
  const profiles = new Map([['day.csv', { file: '/x/day.csv', times: Float64Array.of(0, 60), rates: Float64Array.of(1, 2) }]]);
  const twin = twinFromObject(parseTwinText(text, 'f.yaml').data, { source: 'f.yaml', profiles });
  const back = readBack(twin);
  assert.equal(back.nodes, twin.nodes);
  assert.equal(back.entries, twin.entries);
});

test('a routed network twin: nodes, entries, rules and tables unchanged', async () => {
  const zoo = join(fileURLToPath(new URL('../../../../', import.meta.url)), 'shared', 'data', 'topology-zoo', 'Abilene.graphml');
  const { twin } = await importZooTwin(zoo);
  const back = readBack(twin);
  assert.equal(back.nodes, twin.nodes);
  assert.equal(back.entries, twin.entries);
  assert.equal(back.network!.spec, twin.network!.spec);
  assert.equal(Array.from(back.network!.nextHop), Array.from(twin.network!.nextHop));
  assert.equal(Array.from(back.network!.destCum), Array.from(twin.network!.destCum));
});

test.run();
