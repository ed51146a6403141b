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

test('--mean-degree is reached beyond what Waxman alpha 0.15 allows (it used to stop there: 30 links on 20 routers for any target)', () => {
  const links = new Set<number>();
  for (const k of [3.5, 10, 18]) {
    const b = generateBackbone({ routers: 20, model: 'waxman', seed: 1, meanDegree: k });
    links.add(b.topology.links.length);
    assert.is(b.meanDegree.target, k);
    assert.ok(Math.abs(b.meanDegree.reached - k) <= 0.1 * k, `target ${k}: reached ${b.meanDegree.reached}`);
    assert.ok(b.topology.notes.some((n) => /^Waxman alpha raised from 0\.15 to [\d.]+ to reach mean degree/.test(n)), b.topology.notes.join('\n'));
    assert.is(routerComponents(b.topology).length, 1);
  }
  assert.is(links.size, 3);
  // Every pair: the complete graph. More than that cannot be reached: refused, not capped.
  assert.is(generateBackbone({ routers: 20, model: 'waxman', seed: 1, meanDegree: 19 }).topology.links.length, 190);
  assert.throws(() => generateBackbone({ routers: 20, model: 'waxman', seed: 1, meanDegree: 50 }), /meanDegree: expected a number > 0 and at most 19 for 20 routers/);
  // A target alpha 0.15 reaches: the same graph as before (beta < 1, alpha untouched, no note).
  const sparse = generateBackbone({ routers: 250, model: 'waxman', seed: 1 });
  assert.is(sparse.topology.links.length, 433);
  assert.not.ok(sparse.topology.notes.some((n) => /alpha|mean degree/.test(n)), sparse.topology.notes.join('\n'));
});

test('a mean degree the model does not reach is said, with the degree reached and why', () => {
  const ba = generateBackbone({ routers: 60, model: 'ba', seed: 1, meanDegree: 3 });
  assert.ok(Math.abs(ba.meanDegree.reached - 3.9) < 1e-9, String(ba.meanDegree.reached));
  assert.ok(ba.topology.notes.includes('mean degree 3.9 (117 links), not the target 3: Barabási–Albert gives every new router m = round(3 / 2) = 2 link(s), so its mean degree is near 2m = 4 (an even target is what it reaches)'), ba.topology.notes.join('\n'));
  assert.not.ok(generateBackbone({ routers: 60, model: 'ba', seed: 1, meanDegree: 4 }).topology.notes.some((n) => /mean degree/.test(n)));
  // A connected graph needs routers - 1 links: a lower target is lifted by the joining links, and the note says both.
  const tree = generateBackbone({ routers: 60, model: 'waxman', seed: 1, meanDegree: 0.5 });
  const note = tree.topology.notes.find((n) => n.startsWith('mean degree'));
  assert.ok(note, tree.topology.notes.join('\n'));
  assert.match(note!, /not the target 0\.5: Waxman draws each router pair at random: 15 links expected, \d+ drawn; \d+ link\(s\) joined the components; a connected graph of 60 routers has a mean degree of at least 1\.97/);
  // The default on fewer routers than it needs: lowered to the complete graph, with a note.
  const three = generateBackbone({ routers: 3, model: 'waxman', seed: 1 });
  assert.is(three.meanDegree.target, 2);
  assert.is(three.topology.links.length, 3);
  assert.ok(three.topology.notes.some((n) => /^mean degree 2 \(every router linked to every other\), the most 3 routers allow, instead of the default 3\.5/.test(n)));
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
