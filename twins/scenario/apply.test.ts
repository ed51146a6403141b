import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TwinSpecError } from '../definition/errors.js';
import { loadTwinFile } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { exampleFile } from '../examples/paths.js';
import { applyScenario } from './apply.js';
import { readScenarioFile } from './read.js';
import type { ScenarioDelta } from './types.js';
import { nodeOf, scenarioProblems } from './test-support.js';

const shop = await loadTwinFile(exampleFile('shop.yaml'));
const network = await loadTwinFile(exampleFile('network.yaml'));
const node = nodeOf;

const problems = (data: unknown, twin: Twin = shop): string[] => scenarioProblems(data, twin);

test('deltas apply: fields set, calls into the node follow, the input twin is unchanged', () => {
  const t = applyScenario(shop, [
    { op: 'replicas', node: 'frontend', replicas: 4 },
    { op: 'servers', node: 'cart', servers: 6 },
    { op: 'queue', node: 'cart', capacity: null },
    { op: 'serviceScale', node: 'catalogdb', factor: 0.5 },
    { op: 'loadScale', factor: 1.5 },
    { op: 'timeout', node: 'productcatalog', timeout: 0.25 },
    { op: 'retries', node: 'productcatalog', retries: null },
    { op: 'memLimit', node: 'productcatalog', memLimit: 256 * 1048576 },
    { op: 'autoscale', node: 'frontend', autoscale: null },
  ]);
  assert.is(node(t, 'frontend').replicas, 4);
  assert.is(node(t, 'frontend').autoscale, null);
  assert.is(node(t, 'cart').servers, 6);
  assert.is(node(t, 'cart').queue, null);
  const db = node(shop, 'catalogdb').service!;
  const scaled = node(t, 'catalogdb').service!;
  assert.is(scaled.type, db.type);
  if (db.type === 'exponential' && scaled.type === 'exponential') assert.is(scaled.mean, db.mean * 0.5);
  assert.equal(t.entries[0]!.arrival, { kind: 'constant', rate: 225 });
  assert.is(node(t, 'productcatalog').resources!.memLimit, 256 * 1048576);
  const pcCalls = t.nodes.flatMap((n) => n.callGroups.flatMap((g) => g.calls)).filter((c) => c.to === shop.indexOf.get('productcatalog'));
  assert.ok(pcCalls.length > 0);
  for (const c of pcCalls) {
    assert.is(c.timeout, 0.25);
    assert.is(c.retries, null);
  }
  // Order kept (streams are named by node and entry ids), original untouched.
  assert.equal(t.nodes.map((n) => n.id), shop.nodes.map((n) => n.id));
  assert.is(node(shop, 'frontend').replicas, 2);
  assert.is(shop.entries[0]!.arrival.kind === 'constant' && shop.entries[0]!.arrival.rate, 150);
});

test('a scenario file may use the twin file forms: units, autoscale and retries defaults', () => {
  const t = applyScenario(shop, { source: 's.json', data: [
    { op: 'timeout', node: 'cart', timeout: '250ms' },
    { op: 'memLimit', node: 'productcatalog', memLimit: '256Mi' },
    { op: 'autoscale', node: 'cart', autoscale: { target: 0.5, min: 1, max: 4 } },
    { op: 'retries', node: 'cart', retries: { max: 3 } },
  ] });
  assert.is(node(t, 'cart').timeout, 0.25);
  assert.is(node(t, 'productcatalog').resources!.memLimit, 256 * 1048576);
  assert.equal(node(t, 'cart').autoscale, { target: 0.5, min: 1, max: 4, period: 15, startup: 0 });
  assert.equal(node(t, 'cart').retries, { max: 3, backoff: 0, jitter: 0 });
});

test('every problem is reported at once, each at its delta and field', () => {
  const list = problems([
    { op: 'replicas', node: 'cart', Replicas: 2 },
    { op: 'loadScale', factor: 2, entyr: 'users' },
    { op: 'loadScale', factor: 2, node: 'frontend' },
    { op: 'servers', node: 'nope', servers: 2 },
    { op: 'replicas', node: 'frontend', replicas: 0 },
    { op: 'timeout', node: 'cart', timeout: '5 parsecs' },
    { op: 'scale', node: 'cart' },
    { op: 'loadScale', factor: 2, entry: 'user' },
    { op: 'servers', node: 'cartt', servers: 2 },
  ]);
  const expect = [
    '[0].Replicas: unknown property (did you mean "replicas"?)',
    '[0].replicas: required',
    '[1].entyr: unknown property (did you mean "entry"?)',
    '[2].node: unknown property (expected one of: op, factor, entry, at)',
    '[4].replicas: expected a number >= 1, got 0',
    '[5].timeout: expected a duration: seconds (number) or a string like "250ms", "2s"; or null (no deadline), got "5 parsecs"',
    '[6].op: expected one of replicas, servers, queue, serviceScale, loadScale, autoscale, timeout, retries, memLimit, rateLimit, shedOptional, circuitBreaker, routeWeights, linkDown, linkUp, linkMetric, got "scale"',
    '[3].node: unknown node id "nope"',
    '[7].entry: unknown entry id "user" (did you mean "users"?)',
    '[8].node: unknown node id "cartt" (did you mean "cart"?)',
  ];
  for (const e of expect) assert.ok(list.includes(e), `missing\n  ${e}\nin\n  ${list.join('\n  ')}`);
  assert.is(list.length, expect.length, list.join('\n'));
});

test('the twin rules apply to the modified twin, located at the delta that breaks them', () => {
  const list = problems([
    { op: 'replicas', node: 'frontend', replicas: 12 },
    { op: 'memLimit', node: 'productcatalog', memLimit: '32Mi' },
    { op: 'autoscale', node: 'cart', autoscale: { target: 0.5, min: 3, max: 5 } },
    { op: 'autoscale', node: 'currency', autoscale: { target: 0.5, min: 3, max: 2 } },
    { op: 'loadScale', factor: 1e307 },
  ]);
  const expect = [
    '[3].autoscale.max: expected max >= min (3), got 2',
    '[0].replicas: expected replicas within autoscale [2, 8], got 12',
    '[1].memLimit: expected memLimit > memBase (67108864 bytes), got 33554432',
    '[2].autoscale: cart.replicas: expected replicas within autoscale [3, 5], got 1',
  ];
  for (const e of expect) assert.ok(list.includes(e), `missing\n  ${e}\nin\n  ${list.join('\n  ')}`);
  // 150 requests/s x 1e307 is not a finite rate: the twin's entries[0].rate, blamed on the loadScale.
  assert.ok(list.includes('[4].factor: entry "users" rate after this scale: expected a finite number, got Infinity'), list.join('\n'));
  assert.is(list.length, expect.length + 1, list.join('\n'));
  // Judged on the result, as a twin file is: raising the bounds makes the same replicas valid.
  const ok = applyScenario(shop, [{ op: 'replicas', node: 'frontend', replicas: 12 }, { op: 'autoscale', node: 'frontend', autoscale: { target: 0.6, min: 2, max: 16, period: 15, startup: 20 } }]);
  assert.is(node(ok, 'frontend').replicas, 12);
});

test('deltas that would change nothing are refused', () => {
  assert.equal(problems([{ op: 'memLimit', node: 'cart', memLimit: '1Gi' }]), [
    '[0].memLimit: node "cart" declares no resources: a memLimit takes effect only with cores, cpuPerRequest, memBase and memPerInFlight (declare resources in the twin file); this delta would change nothing',
  ]);
  assert.equal(problems([{ op: 'serviceScale', node: 'A', factor: 2 }], network), ['[0].factor: node "A" is a pass-through router (no service time): there is nothing to scale']);
});

test('the document root: a list or {"deltas": [...]}', () => {
  assert.equal(problems({ deltas: [{ op: 'servers', node: 'cart', servers: 0 }] }), ['deltas[0].servers: expected a number >= 1, got 0']);
  assert.equal(problems({ delta: [] }).sort(), ['delta: unknown property (did you mean "deltas"?)', 'deltas: required']);
  assert.equal(problems(7), ['(root): expected a list of deltas, or {"deltas": [...]}, got 7']);
  assert.equal(problems([]), []);
});

test('readScenarioFile: problems carry the file and line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'scenario-'));
  try {
    const file = join(dir, 'scenario.json');
    await writeFile(file, '[\n  {"op": "replicas", "node": "cart", "replicas": 2},\n  {"op": "servers", "node": "cart", "Servers": 2}\n]\n');
    const doc = await readScenarioFile(file);
    try {
      applyScenario(shop, doc);
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.instance(e, TwinSpecError);
      const err = e as TwinSpecError;
      assert.is(err.file, file);
      assert.ok(err.problems.some((p) => p.path === '[1].Servers' && p.line === 3), err.message);
      assert.match(err.message, /scenario\.json:3:\d+: \[1\]\.Servers: unknown property \(did you mean "servers"\?\)/);
    }
    await writeFile(file, '[{"op": "replicas", "node": "cart", "replicas": 2}]');
    assert.is(node(applyScenario(shop, await readScenarioFile(file)), 'cart').replicas, 2);
    await writeFile(file, '[{"op": ');
    try {
      await readScenarioFile(file);
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.instance(e, TwinSpecError);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a typed list from code is checked the same way', () => {
  const bad: ScenarioDelta[] = [{ op: 'replicas', node: 'cart', replicas: 1.5 }, { op: 'loadScale', factor: Number.NaN }];
  try {
    applyScenario(shop, bad);
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, TwinSpecError);
    const list = (e as TwinSpecError).problems.map((p) => `${p.path}: ${p.message}`);
    assert.ok(list.includes('[0].replicas: expected integer, got 1.5'), list.join('\n'));
    assert.ok(list.includes('[1].factor: expected a finite number, got NaN'), list.join('\n'));
    assert.match((e as Error).message, /in scenario\n/);
  }
});

test('.inf and .nan are reported once each, without the schema\'s second line ("expected number, got null")', () => {
  assert.equal(problems([{ op: 'serviceScale', node: 'productcatalog', factor: Infinity }, { op: 'loadScale', factor: Number.NaN }]), [
    '[0].factor: expected a finite number, got Infinity',
    '[1].factor: expected a finite number, got NaN',
  ]);
  assert.equal(problems({ deltas: [{ op: 'loadScale', factor: -Infinity }] }), ['deltas[0].factor: expected a finite number, got -Infinity']);
  // The schema's other problems are still listed beside them.
  assert.equal(problems([{ op: 'loadScale', factor: Infinity, extra: 1 }]).length, 2);
  assert.equal(problems(Infinity), ['(root): expected a list of deltas, or {"deltas": [...]}, got Infinity']);
});

test.run();
