import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TwinSpecError } from './errors.js';
import { loadTwinFile, parseTwinText, twinFromObject, validateTwinInput } from './load.js';

/** A twin that is valid; each test breaks one thing in it. */
const base = (over: { nodes?: string; edges?: string; entries?: string } = {}): string => `
name: t
nodes:
${over.nodes ?? `  - { id: a, servers: 2, service: { type: exponential, mean: 10ms } }
  - { id: b, service: { type: deterministic, value: 0.002 } }
  - { id: c, kind: database, service: { type: uniform, min: 1ms, max: 3ms } }`}
edges:
${over.edges ?? `  - { type: call, from: a, to: b, mean: 2 }
  - { type: call, from: b, to: c, probability: 0.5 }`}
entries:
${over.entries ?? '  - { node: a, rate: 10 }'}
`;

function problems(text: string): string[] {
  try {
    const { data, locate } = parseTwinText(text, 't.yaml');
    twinFromObject(data, { source: 't.yaml', locate });
  } catch (e) {
    if (e instanceof TwinSpecError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

function expectProblem(text: string, path: string, fragment: string): void {
  const list = problems(text);
  const hit = list.find((p) => p.startsWith(path + ': ') && p.includes(fragment));
  assert.ok(hit, `expected a problem at ${path} containing "${fragment}", got:\n  ${list.join('\n  ')}`);
}

test('the base twin is valid', () => {
  assert.equal(problems(base()), []);
});

test('rates that are not finite positive numbers', () => {
  expectProblem(base({ entries: '  - { node: a, rate: -1 }' }), 'entries[0].rate', 'expected a number > 0');
  expectProblem(base({ entries: '  - { node: a, rate: 0 }' }), 'entries[0].rate', 'expected a number > 0');
  expectProblem(base({ entries: '  - { node: a, rate: .inf }' }), 'entries[0].rate', 'expected a finite number');
  expectProblem(base({ entries: '  - { node: a, rate: .nan }' }), 'entries[0].rate', 'expected a finite number');
  expectProblem(base({ entries: '  - { node: a, rate: "lots" }' }), 'entries[0].rate', 'expected number');
});

test('capacities that are not positive integers', () => {
  expectProblem(base({ nodes: '  - { id: a, servers: 0, service: { type: exponential, mean: 1 } }' }), 'nodes[0].servers', 'expected a number >= 1');
  expectProblem(base({ nodes: '  - { id: a, replicas: 2.5, service: { type: exponential, mean: 1 } }' }), 'nodes[0].replicas', 'expected integer');
  expectProblem(base({ nodes: '  - { id: a, queue: -3, service: { type: exponential, mean: 1 } }' }), 'nodes[0].queue', 'expected a number >= 0');
});

test('distribution errors name the field', () => {
  const node = (svc: string): string => `  - { id: a, service: ${svc} }\n  - { id: b, service: { type: exponential, mean: 1 } }\n  - { id: c, service: { type: exponential, mean: 1 } }`;
  expectProblem(base({ nodes: node('{ type: exponential, mean: -0.01 }') }), 'nodes[0].service.mean', 'expected a positive duration');
  expectProblem(base({ nodes: node('{ type: exponential, mean: 0ms }') }), 'nodes[0].service.mean', 'expected a positive duration');
  expectProblem(base({ nodes: node('{ type: exponential, mean: "4 parsecs" }') }), 'nodes[0].service.mean', 'expected a duration');
  expectProblem(base({ nodes: node('{ type: exponential }') }), 'nodes[0].service.mean', 'required');
  expectProblem(base({ nodes: node('{ type: weibull, mean: 1 }') }), 'nodes[0].service.type', 'expected one of exponential, deterministic');
  expectProblem(base({ nodes: node('{ type: lognormal, mean: 1 }') }), 'nodes[0].service', 'either {mean, cv} or {p50, p99}');
  expectProblem(base({ nodes: node('{ type: lognormal, p50: 10ms, p99: 5ms }') }), 'nodes[0].service.p99', 'expected p99 > p50');
  expectProblem(base({ nodes: node('{ type: lognormal, mean: 1, cv: 1, p50: 1 }') }), 'nodes[0].service', 'not a mix');
  expectProblem(base({ nodes: node('{ type: uniform, min: 3, max: 1 }') }), 'nodes[0].service.max', 'expected max > min');
  expectProblem(base({ nodes: node('{ type: gamma, shape: 2 }') }), 'nodes[0].service', 'either {shape, scale} or {mean, cv}');
  expectProblem(base({ nodes: node('{ type: empirical, values: [] }') }), 'nodes[0].service.values', 'at least 1 item');
  expectProblem(base({ nodes: node('{ type: exponential, mean: 1, sd: 2 }') }), 'nodes[0].service.sd', 'unknown property');
  expectProblem(base({ nodes: '  - { id: a }' }), 'nodes[0].service', 'required');
});

test('unknown properties and kinds are reported', () => {
  expectProblem(base({ nodes: '  - { id: a, servise: { type: exponential, mean: 1 } }' }), 'nodes[0].servise', 'unknown property (did you mean "service"?)');
  expectProblem(base({ nodes: '  - { id: a, zzz: 1, service: { type: exponential, mean: 1 } }' }), 'nodes[0].zzz', 'unknown property (expected one of: id, kind, replicas');
  expectProblem(base({ nodes: '  - { id: a, kind: lambda, service: { type: exponential, mean: 1 } }' }), 'nodes[0].kind', 'expected one of');
});

test('unknown node ids in edges and entries', () => {
  expectProblem(base({ edges: '  - { type: call, from: a, to: zz, mean: 1 }' }), 'edges[0].to', 'unknown node id "zz"');
  expectProblem(base({ edges: '  - { type: route, from: yy, to: a, probability: 0.1 }' }), 'edges[0].from', 'unknown node id "yy"');
  expectProblem(base({ entries: '  - { node: nowhere, rate: 1 }' }), 'entries[0].node', 'unknown node id "nowhere"');
  // A forecast series may be named after a telemetry source rather than a node; bindForecast checks it against the bundle (graph.test.ts).
});

test('duplicate ids', () => {
  const nodes = '  - { id: a, service: { type: exponential, mean: 1 } }\n  - { id: b, service: { type: exponential, mean: 1 } }\n  - { id: a, service: { type: exponential, mean: 1 } }';
  expectProblem(base({ nodes }), 'nodes[2].id', 'duplicate id "a" (first at nodes[0])');
  expectProblem(base({ entries: '  - { id: e, node: a, rate: 1 }\n  - { id: e, node: b, rate: 1 }' }), 'entries[1].id', 'duplicate entry id');
});

test('cycles of sync calls are rejected; async ones are not', () => {
  const cyc = '  - { type: call, from: a, to: b, mean: 1 }\n  - { type: call, from: b, to: c, mean: 1 }\n  - { type: call, from: c, to: a, mean: 1 }';
  expectProblem(base({ edges: cyc }), 'edges[2]', 'sync calls form a cycle: a -> b -> c -> a');
  expectProblem(base({ edges: '  - { type: call, from: a, to: a, mean: 1 }' }), 'edges[0]', 'cycle: a -> a');
  const asyncBack = '  - { type: call, from: a, to: b, mean: 1 }\n  - { type: call, from: b, to: a, probability: 0.1, mode: async }\n  - { type: call, from: b, to: c, mean: 1 }';
  assert.equal(problems(base({ edges: asyncBack })), []);
});

test('a twin with no entry point', () => {
  expectProblem(base({ entries: '  []' }), 'entries', 'expected at least 1 item');
  expectProblem(`name: t\nnodes:\n  - { id: a, service: { type: exponential, mean: 1 } }\n`, 'entries', 'required');
});

test('route probabilities out of a node summing over 1, and routing traps', () => {
  const over = '  - { type: route, from: a, to: b, probability: 0.7 }\n  - { type: route, from: a, to: c, probability: 0.4 }';
  expectProblem(base({ edges: over }), 'edges[1].probability', 'route probabilities out of "a" sum to 1.1');
  expectProblem(base({ edges: '  - { type: route, from: a, to: b, probability: 1.5 }' }), 'edges[0].probability', 'expected a number <= 1');
  const trap = '  - { type: route, from: a, to: b, probability: 0.5 }\n  - { type: route, from: b, to: c, probability: 1 }\n  - { type: route, from: c, to: b, probability: 1 }';
  expectProblem(base({ edges: trap }), 'nodes[1]', 'can never leave');
});

test('routers without a service cannot make calls', () => {
  const nodes = '  - { id: a, kind: router }\n  - { id: b, service: { type: exponential, mean: 1 } }';
  expectProblem(base({ nodes, edges: '  - { type: call, from: a, to: b, mean: 1 }' }), 'edges[0].from', 'pass-through router');
  assert.equal(problems(base({ nodes, edges: '  - { type: route, from: a, to: b, probability: 1 }' })), []);
});

test('call edges: mean xor probability', () => {
  expectProblem(base({ edges: '  - { type: call, from: a, to: b, mean: 1, probability: 0.5 }' }), 'edges[0]', 'more than one given');
  expectProblem(base({ edges: '  - { type: call, from: a, to: b }' }), 'edges[0]', 'either `mean`');
  expectProblem(base({ edges: '  - { type: hop, from: a, to: b }' }), 'edges[0].type', 'expected one of route, call');
});

test('resources, autoscale and entries', () => {
  expectProblem(base({ nodes: '  - { id: a, service: { type: exponential, mean: 1 }, resources: { cores: 1, cpuPerRequest: 1ms, memBase: 1Gi, memPerInFlight: 1Mi, memLimit: 512Mi } }' }), 'nodes[0].resources.memLimit', 'expected memLimit > memBase');
  expectProblem(base({ nodes: '  - { id: a, replicas: 9, service: { type: exponential, mean: 1 }, autoscale: { target: 0.5, min: 1, max: 4 } }' }), 'nodes[0].replicas', 'within autoscale [1, 4]');
  expectProblem(base({ nodes: '  - { id: a, service: { type: exponential, mean: 1 }, autoscale: { target: 0.5, min: 5, max: 4 } }' }), 'nodes[0].autoscale.max', 'expected max >= min');
  expectProblem(base({ entries: '  - { node: a, rate: 1, profile: x.csv }' }), 'entries[0]', 'more than one given');
  expectProblem(base({ entries: '  - { node: a, rate: 1, paths: [{ path: [b, c], weight: 1 }] }' }), 'entries[0].paths[0].path[0]', 'start at the entry node "a"');
  expectProblem(base({ entries: '  - { node: a, rate: 1, paths: [{ path: [a, q], weight: 1 }] }' }), 'entries[0].paths[0].path[1]', 'unknown node id "q"');
  expectProblem(base({ entries: '  - { node: a, rate: 1, scale: 2 }' }), 'entries[0].scale', 'not allowed with `rate`');
});

test('defaults are reported at the defaults path', () => {
  const text = `name: t\ndefaults: { timeout: 0s }\nnodes:\n  - { id: a, service: { type: exponential, mean: 1 } }\nentries:\n  - { node: a, rate: 1 }\n`;
  expectProblem(text, 'defaults.timeout', 'expected a positive duration');
});

test('problems carry line numbers; all are reported at once', () => {
  // Shape problems are reported together (semantic checks wait for a valid shape) ...
  const text = base({ nodes: '  - { id: a, servers: 0, service: { type: exponential, mean: 1 } }', entries: '  - { node: a, rate: -5 }' });
  // ... and so are semantic ones.
  const semantic = problems(base({ nodes: '  - { id: a, service: { type: exponential, mean: -1 } }', entries: '  - { node: zz, rate: 1 }' }));
  assert.ok(semantic.some((p) => p.startsWith('nodes[0].service.mean')) && semantic.some((p) => p.startsWith('entries[0].node')), semantic.join('\n'));
  try {
    const { data, locate } = parseTwinText(text, 't.yaml');
    twinFromObject(data, { source: 't.yaml', locate });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, TwinSpecError);
    const err = e as TwinSpecError;
    const servers = err.problems.find((p) => p.path === 'nodes[0].servers')!;
    assert.is(servers.line, 4);
    assert.ok(err.problems.some((p) => p.path === 'entries[0].rate' && p.line === 9), JSON.stringify(err.problems));
    assert.match(err.message, /t\.yaml:4:\d+: nodes\[0\]\.servers: expected a number >= 1/);
  }
});

test('syntax errors and duplicate keys give lines', () => {
  assert.throws(() => parseTwinText('name: t\nnodes: [\n', 'x.yaml'), (e: unknown) => e instanceof TwinSpecError && e.problems[0]!.line !== undefined);
  assert.throws(() => parseTwinText('name: t\nname: u\n', 'x.yaml'), (e: unknown) => e instanceof TwinSpecError && e.problems[0]!.line === 2);
});

test('JSON twins: read by the fast path, still strict and still located', () => {
  const dup = '{\n "name": "t",\n "nodes": [],\n "name": "u"\n}\n';
  assert.throws(() => parseTwinText(dup, 'x.json', 'json'), (e: unknown) => e instanceof TwinSpecError && e.problems[0]!.line === 4 && /duplicate key "name"/.test(e.problems[0]!.message));
  // An escaped spelling of the same key is the same key.
  assert.throws(() => parseTwinText('{"a": 1, "\\u0061": 2}', 'x.json', 'json'), (e: unknown) => e instanceof TwinSpecError && /duplicate key "a"/.test(e.problems[0]!.message));
  // Equal keys in different objects are fine.
  assert.equal(parseTwinText('{"a": {"b": 1}, "c": {"b": 2}}', 'x.json', 'json').data, { a: { b: 1 }, c: { b: 2 } });
  const text = '{\n "name": "t",\n "nodes": [\n  {"id": "a", "servers": 0, "service": {"type": "exponential", "mean": 1}}\n ],\n "entries": [{"node": "a", "rate": 1}]\n}\n';
  const { data, locate } = parseTwinText(text, 't.json', 'json');
  assert.is(locate(['nodes', 0, 'servers'])?.line, 4);
  assert.throws(() => validateTwinInput(data, 't.json', locate), (e: unknown) => e instanceof TwinSpecError && e.problems.some((p) => p.path === 'nodes[0].servers' && p.line === 4));
});

test('rate profiles: loaded relative to the twin, bad rows name the line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'twin-'));
  try {
    await writeFile(join(dir, 'day.csv'), 'time,rate\n0,5\n\n60,7.5\n120,6\n');
    await writeFile(join(dir, 'bad.csv'), 'time,rate\n0,5\n60,-1\n30,2\n90\n');
    const twinText = (csv: string): string => `name: p\nnodes:\n  - { id: a, service: { type: exponential, mean: 1 } }\nentries:\n  - { node: a, profile: ${csv}, scale: 2, interpolation: linear }\n`;
    await writeFile(join(dir, 'good.yaml'), twinText('day.csv'));
    await writeFile(join(dir, 'bad.yaml'), twinText('bad.csv'));
    const twin = await loadTwinFile(join(dir, 'good.yaml'));
    const arr = twin.entries[0]!.arrival;
    assert.is(arr.kind, 'profile');
    if (arr.kind === 'profile') {
      assert.equal(Array.from(arr.times), [0, 60, 120]);
      assert.equal(Array.from(arr.rates), [5, 7.5, 6]);
      assert.is(arr.scale, 2);
      assert.is(arr.interpolation, 'linear');
    }
    try {
      await loadTwinFile(join(dir, 'bad.yaml'));
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.instance(e, TwinSpecError);
      const msgs = (e as TwinSpecError).problems.map((p) => `${p.path}: ${p.message}`).join('\n');
      assert.match(msgs, /entries\[0\]\.profile: .*bad\.csv: line 3 rate: expected a finite rate >= 0/);
      assert.match(msgs, /line 4 time: expected times strictly increasing/);
      assert.match(msgs, /line 5: expected 2 fields/);
    }
    try {
      await loadTwinFile(join(dir, 'twin.txt'));
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.match((e as Error).message, /expected a \.yaml, \.yml or \.json twin file/);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();

test("nesting before parsing: brackets in YAML comments don't count; an apostrophe in a plain scalar does not hide what follows", () => {
  const deep = `${'['.repeat(70)}1${']'.repeat(70)}`;
  // 70 brackets in a comment and in a quoted string: valid twins.
  assert.equal(problems(`# ${'['.repeat(70)}\n${base()}`), []);
  assert.equal(problems(`description: '${'['.repeat(70)} it''s fine'\n${base()}`), []);
  // "shop's" is a letter of a plain scalar: the deep list after it is still found.
  const hidden = `description: the shop's frontend\nname: t\nnodes: ${deep}\n`;
  assert.ok(problems(hidden).some((p) => p.includes('nested more than 64 levels deep')), problems(hidden).join('\n'));
});
