import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { loadTwinFile, twinFromObject } from './load.js';
import type { Twin } from './types.js';
import { exampleFile } from '../examples/paths.js';
import { twinContentHash } from './content-hash.js';

let shopData: Record<string, unknown>;
test.before(async () => {
  shopData = parse(await readFile(exampleFile('shop.yaml'), 'utf8')) as Record<string, unknown>;
});

const fromData = (data: unknown, source = 'a.yaml'): Twin => twinFromObject(structuredClone(data), { source });

test('the same content hashes the same wherever it was read from', async () => {
  const file = await loadTwinFile(exampleFile('shop.yaml'));
  const h = twinContentHash(file);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.is(twinContentHash(fromData(shopData, 'elsewhere/shop.json')), h);
  assert.is(twinContentHash({ ...file, warnings: ['something'] }), h);
});

test('key order does not matter; content does', () => {
  const h = twinContentHash(fromData(shopData));
  const reordered = Object.fromEntries(Object.entries(shopData).reverse());
  assert.is(twinContentHash(fromData(reordered)), h);
  const faster = structuredClone(shopData) as { entries: { rate: number }[] };
  faster.entries[0]!.rate = 151;
  assert.is.not(twinContentHash(fromData(faster)), h);
  const renamed = structuredClone(shopData) as { name: string };
  renamed.name = 'shop2';
  assert.is.not(twinContentHash(fromData(renamed)), h);
});

test('typed arrays hash by their values (profile rates)', () => {
  const withProfile = (rates: number[]): Twin => twinFromObject(
    { name: 'p', nodes: [{ id: 'a', servers: 1, service: { type: 'exponential', mean: 0.01 } }], entries: [{ node: 'a', profile: 'r.csv' }] },
    { source: 'p.yaml', profiles: new Map([['r.csv', { file: `/x/${rates.join('-')}.csv`, times: Float64Array.from([0, 60]), rates: Float64Array.from(rates) }]]) },
  );
  assert.is(twinContentHash(withProfile([1, 2])), twinContentHash(withProfile([1, 2])));
  assert.is.not(twinContentHash(withProfile([1, 2])), twinContentHash(withProfile([1, 3])));
});

test.run();
