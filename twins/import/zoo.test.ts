import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { TwinSpecError } from '../definition/errors.js';
import { parseTwinText, twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { parseZooGraphml, readZooGraphml } from './graphml.js';
import { routedLoads } from '../network/loads.js';
import { haversine, importZooTwin, networkTwinInput } from './zoo.js';

const zoo = join(fileURLToPath(new URL('../../../../', import.meta.url)), 'shared', 'data', 'topology-zoo');
const file = (name: string): string => join(zoo, `${name}.graphml`);

/** Offered load per station recomputed from the twin as read: entry rates pushed through its forwarding tables. */
function stationLoads(twin: Twin): Map<string, number> {
  const net = twin.network!;
  const rate = new Float64Array(net.routers.length);
  for (const e of twin.entries) {
    if (e.arrival.kind !== 'constant') throw new Error('expected constant rates');
    rate[net.routerOf[e.node]!] = e.arrival.rate;
  }
  const { station } = routedLoads(net, rate, twin.nodes.length);
  const load = new Map<string, number>();
  twin.nodes.forEach((n, i) => { if (n.kind === 'link') load.set(n.id, station[i]!); });
  return load;
}

const sizes: Record<string, [number, number]> = {
  Abilene: [11, 14], Geant2009: [34, 52], SwitchL3: [42, 63], Garr201201: [61, 89], Uninett: [74, 97], Cogentco: [197, 245],
};

test('all six Topology Zoo files import: routers, two stations per link, flows', async () => {
  for (const [name, [routers, links]] of Object.entries(sizes)) {
    const { twin, report } = await importZooTwin(file(name));
    assert.is(report.routers, routers, name);
    assert.is(report.links, links, name);
    assert.is(twin.nodes.length, routers + 2 * links, name);
    assert.is(twin.nodes.filter((n) => n.kind === 'router' && n.service === null).length, routers, name);
    assert.ok(twin.entries.length > 0 && report.flows > 0, name);
    // Default scaling: the busiest link direction runs at 0.7, checked from the twin itself.
    let busiest = 0;
    for (const [id, load] of stationLoads(twin)) {
      const n = twin.nodes[twin.indexOf.get(id)!]!;
      const mean = n.service!.type === 'exponential' ? n.service!.mean : NaN;
      busiest = Math.max(busiest, load * mean);
    }
    assert.ok(Math.abs(busiest - 0.7) < 1e-9, `${name}: busiest ${busiest}`);
  }
});

test('Uninett: integer attributes read, four components reported, flows stay inside components', async () => {
  const { twin, report } = await importZooTwin(file('Uninett'));
  assert.is(report.components.length, 4);
  assert.equal(report.components.map((c) => c.length), [71, 1, 1, 1]);
  assert.ok(report.notes.some((n) => n.includes('attr.type="integer"')));
  assert.ok(twin.warnings.some((w) => w.includes('4 connected components')));
  const isolated = new Set(report.components.slice(1).flat());
  for (const e of twin.entries) assert.not.ok(isolated.has(twin.nodes[e.node]!.id));
  assert.is(report.flows, 71 * 70);
  // Every pair touching the three isolated routers is unroutable: named, counted, its demand reported (uniform: 1 unit per pair).
  assert.is(report.unroutablePairs, 74 * 73 - 71 * 70);
  assert.ok(Math.abs(report.unroutableLoad / report.load - (74 * 73 - 71 * 70) / (71 * 70)) < 1e-9);
  assert.ok(twin.warnings.some((w) => w.includes(`${74 * 73 - 71 * 70} ordered router pair(s) with traffic have no route`)), twin.warnings.join('\n'));
});

test('Garr201201: parallel links kept with stable keys, identical across two imports', async () => {
  const a = await importZooTwin(file('Garr201201'));
  const b = await importZooTwin(file('Garr201201'));
  assert.is(a.report.parallelLinks, 14);
  assert.equal(a.twin.nodes.map((n) => n.id), b.twin.nodes.map((n) => n.id));
  assert.equal(a.input, b.input);
  // Router pair 14-35 has three links in the file: keys #0, #1, #2, both directions.
  for (const k of [0, 1, 2]) {
    assert.ok(a.twin.indexOf.has(`14->35#${k}`) || a.twin.indexOf.has(`35->14#${k}`), `link ${k}`);
  }
  // Split (default): each of the three 14-35 links carries traffic in both directions; best: only one.
  const loads = stationLoads(a.twin);
  const pair = (t: Twin) => t.nodes.filter((n) => /^(14->35|35->14)#/.test(n.id)).map((n) => n.id);
  for (const id of pair(a.twin)) assert.ok((loads.get(id) ?? 0) > 0, `${id} carries traffic`);
  assert.is(pair(a.twin).length, 6);
  const best = await importZooTwin(file('Garr201201'), { parallel: 'best' });
  const bestLoads = stationLoads(best.twin);
  assert.is(pair(best.twin).filter((id) => (bestLoads.get(id) ?? 0) > 0).length, 2);
  const topo = await readZooGraphml(file('Garr201201'));
  assert.is(topo.links[0]!.key, '0->35#0'); // first <edge source="0" target="35"> of the file
  assert.is(new Set(topo.links.map((l) => l.key)).size, topo.links.length);
});

test('capacity fallback is counted and documented', async () => {
  const garr = await importZooTwin(file('Garr201201'));
  assert.is(garr.report.capacityKnown, 77);
  assert.is(garr.report.capacityFallback, 12);
  assert.is(garr.report.fallbackRule, 'median of known links');
  const fallbackStations = garr.twin.nodes.filter((n) => n.attributes.capacitySource === 'median of known links');
  assert.is(fallbackStations.length, 24);
  const abilene = await importZooTwin(file('Abilene'), { defaultCapacity: 10e9, load: 1000, packetBytes: 1000 });
  assert.is(abilene.report.capacityFallback, 14);
  assert.is(abilene.report.fallbackRule, 'defaultCapacity');
  const link = abilene.twin.nodes.find((n) => n.kind === 'link')!;
  assert.equal(link.service, { type: 'exponential', mean: 8000 / 10e9 });
  const total = abilene.twin.entries.reduce((s, e) => s + (e.arrival.kind === 'constant' ? e.arrival.rate : 0), 0);
  assert.ok(Math.abs(total - 1000) < 1e-9);
  const geant = await importZooTwin(file('Geant2009'));
  assert.is(geant.report.capacityFallback, 0);
});

test('propagation delay from coordinates; gravity flows follow shortest paths', async () => {
  assert.ok(Math.abs(haversine(40.71427, -74.00597, 41.85003, -87.65005) / 1000 - 1145) < 5); // New York - Chicago
  const { twin } = await importZooTwin(file('Abilene'), { load: 110 });
  // Abilene routers 0 (New York) and 1 (Chicago).
  const ny = twin.nodes.find((n) => n.attributes.label === 'New York')!;
  const chi = twin.nodes.find((n) => n.attributes.label === 'Chicago')!;
  const link = twin.nodes.find((n) => n.id === `${ny.id}->${chi.id}#0` || n.id === `${chi.id}->${ny.id}#0`)!;
  assert.ok(Math.abs(link.delay - 1145e3 / 2e8) < 5e-5, String(link.delay));
  // Uniform gravity: 110 packets/s over 110 ordered pairs = 1 each; New York's packets go to the 10 others, equally.
  const fromNy = twin.entries.find((e) => e.node === ny.index)!;
  assert.is(fromNy.paths, null);
  assert.ok(Math.abs((fromNy.arrival.kind === 'constant' ? fromNy.arrival.rate : 0) - 10) < 1e-9);
  const net = twin.network!;
  const o = net.routerOf[ny.index]!;
  assert.is(net.destStart[o + 1]! - net.destStart[o]!, 10);
  assert.ok(Math.abs(net.destCum[net.destStart[o]!]! - 0.1) < 1e-12);
  // The New York -> Chicago hop is direct by delay (the link joins them).
  const R = net.routers.length;
  const set = net.nextHop[net.routerOf[chi.index]! * R + o]!;
  assert.is(twin.nodes[net.choiceStation[net.choiceStart[set]!]!]!.id, link.id.startsWith(ny.id) ? link.id : `${ny.id}->${chi.id}#0`);
  const hops = await importZooTwin(file('Abilene'), { load: 110, pathMetric: 'hops' });
  assert.is(hops.input.network!.metric, 'hops');
  assert.is(hops.report.flows, 110);
});

test('an imported twin written as YAML reads back to the same twin', async () => {
  const { twin, input } = await importZooTwin(file('Geant2009'), { load: 5000 });
  const back = twinFromObject(parseTwinText(stringify(input), 'geant.yaml').data, { source: 'geant.yaml' });
  assert.equal(back.nodes.map((n) => [n.id, n.service, n.delay, n.queue]), twin.nodes.map((n) => [n.id, n.service, n.delay, n.queue]));
  assert.equal(back.entries, twin.entries);
  assert.equal(Array.from(back.network!.nextHop), Array.from(twin.network!.nextHop));
  assert.equal(Array.from(back.network!.destCum), Array.from(twin.network!.destCum));
});

test('no router has coordinates: no median of nothing; the report says no link has a length, delay 0, and how to give one', () => {
  const xml = (nodes: string): string => `<graphml><key attr.name="Latitude" attr.type="double" for="node" id="d1"/><key attr.name="Longitude" attr.type="double" for="node" id="d2"/><graph>${nodes}<edge source="a" target="b"/><edge source="b" target="c"/></graph></graphml>`;
  const { input, report } = networkTwinInput(parseZooGraphml(xml('<node id="a"/><node id="b"/><node id="c"/>'), 'flat.graphml'));
  assert.is(report.delayRule, 'no link has a length: 0');
  assert.is(report.delayFallback, 2);
  assert.is(report.fallbackDelay, 0);
  assert.ok(input.nodes.filter((n) => n.kind !== 'router').every((n) => n.delay === 0));
  const note = report.notes.find((n) => n.startsWith('no link has a length'));
  assert.ok(note, report.notes.join('\n'));
  assert.match(note!, /propagation delay 0 s on all 2 links, so routes by delay are routes by hop count; to model distance, give the nodes Latitude and Longitude/);
  assert.not.ok(report.notes.some((n) => /median propagation delay/.test(n)), report.notes.join('\n'));
  // One located router pair is enough for the median rule, as before.
  const some = networkTwinInput(parseZooGraphml(xml('<node id="a"><data key="d1">40</data><data key="d2">-74</data></node><node id="b"><data key="d1">41.8</data><data key="d2">-87.6</data></node><node id="c"/>'), 'some.graphml'));
  assert.is(some.report.delayRule, 'median of known links');
  assert.ok(some.report.fallbackDelay > 0);
  assert.ok(some.report.notes.some((n) => /^1 link\(s\) touch a router without coordinates: given the median propagation delay/.test(n)));
});

test('weights naming no router are refused as options.weights.<id>, with a hint and the router ids', async () => {
  const topo = await readZooGraphml(file('Abilene'));
  try {
    networkTwinInput(topo, { weights: { '0': 5, '100': 1, 'Chicago': 2 } });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.ok(e instanceof TwinSpecError, String(e));
    const ps = (e as TwinSpecError).problems;
    assert.equal(ps.map((p) => p.path), ['options.weights["100"]', 'options.weights.Chicago']);
    assert.match(ps[0]!.message, /^unknown router id "100" \(did you mean "10"\?\); the routers are "0" \(New York\), "1" \(Chicago\), /);
    assert.match(ps[1]!.message, /^unknown router id "Chicago" \("Chicago" is the label of router "1": weights are keyed by router id\)/);
    assert.not.match(e.message, /network\.traffic\.gravity/);
  }
});

test('bad options and bad GraphML are clear errors', async () => {
  const topo = await readZooGraphml(file('Abilene'));
  assert.throws(() => networkTwinInput(topo, { load: -5 }), (e: unknown) => e instanceof TwinSpecError && /options\.load: expected a finite positive number/.test(e.message));
  assert.throws(() => networkTwinInput(topo, { maxUtilization: 1.5 }), (e: unknown) => e instanceof TwinSpecError && /options\.maxUtilization/.test(e.message));
  // An edge to no node: our located message (graphml.test.ts has the others), not graphology's "inexisting node".
  assert.throws(() => parseZooGraphml('<graphml><graph><edge source="a" target="b"/></graph></graphml>', 'x.graphml'), (e: unknown) => e instanceof TwinSpecError && /x\.graphml:1:\d+: edge\[0\] source: "a" is not the id of any <node> in the file/.test(e.message));
  try {
    await readZooGraphml(join(zoo, 'Missing.graphml'));
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.match((e as Error).message, /cannot read/);
  }
});

test.run();
