import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distributionFromSpec } from '../../engine/index.js';
import { importTraceFile } from '../import/trace.js';
import { importZooTwin } from '../import/zoo.js';
import { loadTwinFile } from './load.js';
import type { Twin } from './types.js';
import { exampleFile } from '../examples/paths.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const data = join(root, '..', 'shared', 'data');

/** Every service distribution the twin validated is one the engine builds, with the mean the spec says. */
function checkTwin(twin: Twin): void {
  for (const n of twin.nodes) {
    if (n.service === null) continue;
    const d = distributionFromSpec(n.service, `nodes[${n.index}].service`);
    const s = n.service;
    const expected = s.type === 'exponential' || s.type === 'normal' || (s.type === 'lognormal' && 'mean' in s) || (s.type === 'gamma' && 'mean' in s) ? s.mean : s.type === 'deterministic' ? s.value : undefined;
    if (expected !== undefined && s.type !== 'normal') assert.ok(Math.abs(d.mean - expected) <= 1e-12 * expected, `${twin.name} ${n.id}: ${d.mean} vs ${expected}`);
    assert.ok(d.mean > 0 || s.type === 'deterministic', `${twin.name} ${n.id}`);
  }
}

test('the engine builds every distribution of the examples and the importers', async () => {
  for (const f of ['shop.yaml', 'jackson.yaml', 'network.yaml']) checkTwin(await loadTwinFile(exampleFile(f as 'shop.yaml')));
  checkTwin((await importZooTwin(join(data, 'topology-zoo', 'Garr201201.graphml'))).twin);
  checkTwin((await importTraceFile(join(data, 'nezha-train-ticket', '2023-01-29', 'trace', '08_50_trace.csv'))).twin);
});

test.run();
