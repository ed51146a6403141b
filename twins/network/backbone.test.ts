/**
 * Generated backbones: seeded (the same seed, the same graph), connected, the
 * target mean degree; a 250-router Waxman backbone with all-pairs gravity
 * traffic imports, is written as YAML and loads within 10 s of CPU time (CPU,
 * not wall clock: the test machine is shared), with every pair routed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTwinFile } from '../definition/load.js';
import { twinInputToText } from '../definition/write.js';
import { routerComponents } from '../import/components.js';
import { networkTwinInput } from '../import/zoo.js';
import { generateBackbone } from './generate.js';

test('generators are seeded, connected and near the target degree', () => {
  for (const model of ['waxman', 'ba'] as const) {
    const a = generateBackbone({ routers: 120, model, seed: 3 });
    const b = generateBackbone({ routers: 120, model, seed: 3 });
    const c = generateBackbone({ routers: 120, model, seed: 4 });
    assert.equal(a.topology, b.topology, model);
    assert.not.equal(a.topology.links, c.topology.links, model);
    assert.is(routerComponents(a.topology).length, 1, model);
    const degree = (2 * a.topology.links.length) / 120;
    assert.ok(degree > 2.8 && degree < 4.4, `${model}: mean degree ${degree}`);
    assert.ok(a.topology.links.every((l) => [10e9, 40e9, 100e9].includes(l.capacity!)), model);
  }
});

test('a 250-router backbone imports and loads in under 10 s of CPU, every pair routed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'net-backbone-'));
  try {
    const cpu0 = process.cpuUsage();
    const { topology } = generateBackbone({ routers: 250, model: 'waxman', seed: 1 });
    const { input, report } = networkTwinInput(topology, {});
    await writeFile(join(dir, 'bb.yaml'), twinInputToText(input, 'yaml'));
    const twin = await loadTwinFile(join(dir, 'bb.yaml'));
    const used = process.cpuUsage(cpu0);
    const seconds = (used.user + used.system) / 1e6;
    assert.ok(seconds < 10, `${seconds} s of CPU`);
    assert.is(report.flows, 250 * 249);
    assert.is(report.unroutablePairs, 0);
    assert.ok(Math.abs(report.busiest.utilization - 0.7) < 1e-9);
    assert.is(twin.entries.length, 250);
    assert.is(twin.nodes.length, 250 + 2 * topology.links.length);
    assert.is(twin.network!.destNode.length, 250 * 249);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
