import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TwinSpecError } from '../definition/errors.js';
import { syncCallCycles } from '../definition/graph.js';
import { twinFromObject } from '../definition/load.js';
import { callGraphTwinInput, importCallGraphFile } from './callgraph.js';
import { callGraphFromTrace, importTraceFile, serviceOfPod } from './trace.js';

const trace = join(fileURLToPath(new URL('../../../../', import.meta.url)), 'shared', 'data', 'nezha-train-ticket', '2023-01-29', 'trace', '08_50_trace.csv');

const shopGraph = {
  name: 'mini',
  services: [
    { id: 'web', kind: 'gateway', rate: 100, servers: 32, service: { type: 'exponential', mean: '2ms' } },
    { id: 'api', servers: 4, service: { type: 'lognormal', mean: 0.005, cv: 1 } },
    { id: 'db', kind: 'database' },
    { id: 'mail', rate: 2 },
  ],
  calls: [
    { from: 'web', to: 'api', perRequest: 1.5 },
    { from: 'api', to: 'db', rate: 75 },
    { from: 'api', to: 'mail', rate: 1, mode: 'async' },
  ],
};

function problems(data: unknown): string[] {
  try {
    callGraphTwinInput(data, 'g.json');
  } catch (e) {
    if (e instanceof TwinSpecError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

test('call-graph JSON: rates become calls per request, roots become entries', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cg-'));
  let twin;
  try {
    const file = join(dir, 'g.json');
    await writeFile(file, JSON.stringify(shopGraph));
    ({ twin } = await importCallGraphFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal(twin.nodes.map((n) => n.id), ['web', 'api', 'db', 'mail']);
  const api = twin.nodes[1]!;
  // api's rate = 100 x 1.5 = 150/s, so 75 db calls/s = 0.5 per request.
  const db = api.callGroups.flatMap((g) => g.calls).find((c) => c.to === 2)!;
  assert.ok(Math.abs(db.meanCalls - 0.5) < 1e-12);
  const mail = api.callGroups.flatMap((g) => g.calls).find((c) => c.to === 3)!;
  assert.is(mail.mode, 'async');
  assert.ok(Math.abs(mail.meanCalls - 1 / 150) < 1e-12);
  assert.equal(twin.entries.map((e) => [e.id, e.arrival]), [['web', { kind: 'constant', rate: 100 }]]);
  assert.equal(twin.nodes[2]!.service, { type: 'exponential', mean: 0.01 }); // the placeholder default
  assert.is(twin.nodes[2]!.kind, 'database');
  assert.ok(twin.warnings.some((w) => w.includes('no service-time distribution') && w.includes('db')));
});

test('call-graph JSON: bad input names the path', () => {
  const bad = (f: (g: typeof shopGraph) => unknown): string[] => problems(f(JSON.parse(JSON.stringify(shopGraph)) as typeof shopGraph));
  assert.ok(bad((g) => ({ ...g, calls: [...g.calls, { from: 'web', to: 'nope', perRequest: 1 }] })).includes('calls[3].to: unknown service "nope"'));
  assert.ok(bad((g) => ({ ...g, services: [...g.services, { id: 'web' }] })).some((p) => p.startsWith('services[4].id: duplicate id "web"')));
  assert.ok(bad((g) => ({ ...g, calls: [{ from: 'web', to: 'api' }] })).some((p) => p.startsWith('calls[0]: expected a call with either `perRequest`')));
  // `ratio` is two edits from `rate`, but means calls per request: the hint names the field with that meaning.
  assert.ok(bad((g) => ({ ...g, calls: [{ from: 'web', to: 'api', ratio: 1.5 }] })).includes('calls[0].ratio: unknown property (did you mean "perRequest"?)'));
  assert.ok(bad((g) => ({ ...g, services: g.services.map((s) => (s.id === 'web' ? { ...s, rate: undefined } : s)) })).some((p) => p.startsWith('services[0].rate: required for a service no call reaches')));
  assert.ok(bad((g) => ({ ...g, services: g.services.map((s) => (s.id === 'web' ? { ...s, rate: -1 } : s)) })).some((p) => p.startsWith('services[0].rate: expected a number > 0')));
  assert.ok(bad((g) => ({ ...g, calls: [...g.calls, { from: 'db', to: 'web', perRequest: 1 }] })).some((p) => p.startsWith('services: no entry point')));
  // A sync cycle is named at the call that closes it, in the call graph's own terms (the twin's edges[i] is not in this file).
  const cyc = { name: 'c', services: [{ id: 'a', rate: 1 }, { id: 'b' }, { id: 'c' }], calls: [{ from: 'a', to: 'b', perRequest: 1 }, { from: 'b', to: 'c', perRequest: 1 }, { from: 'c', to: 'b', perRequest: 0.5 }] };
  assert.equal(problems(cyc), ['calls[2]: sync calls form a cycle: b -> c -> b (a call graph needs none; make one call async or remove it)']);
  // An async call closes no cycle: the graph imports.
  const asyncBack = { ...cyc, calls: [...cyc.calls.slice(0, 2), { ...cyc.calls[2]!, mode: 'async' }] };
  const { input } = callGraphTwinInput(asyncBack, 'c.json');
  assert.equal(input.entries.map((e) => e.node), ['a']);
  twinFromObject(input, { source: 'c.json' });
});

test('call-graph file: a sync cycle is refused at its call\'s line (calls[i], as unknown services are)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cg-'));
  try {
    const file = join(dir, 'g4.json');
    const calls = [...shopGraph.calls, { from: 'db', to: 'api', perRequest: 1 }];
    await writeFile(file, `{ "name": "mini",\n  "services": ${JSON.stringify(shopGraph.services)},\n  "calls": [\n${calls.map((c) => `    ${JSON.stringify(c)}`).join(',\n')}\n  ] }\n`);
    try {
      await importCallGraphFile(file);
      assert.unreachable('a sync cycle should be refused');
    } catch (e) {
      assert.instance(e, TwinSpecError);
      assert.equal((e as TwinSpecError).problems.map((q) => [q.line, q.path, q.message]), [[7, 'calls[3]', 'sync calls form a cycle: api -> db -> api (a call graph needs none; make one call async or remove it)']]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pod names map to their deployment', () => {
  assert.is(serviceOfPod('ts-order-service-5b67c48447-mv5hb'), 'ts-order-service');
  assert.is(serviceOfPod('ts-ui-dashboard-5477b965f-2chkr'), 'ts-ui-dashboard');
  assert.is(serviceOfPod('redis'), 'redis');
});

test('Nezha Train-Ticket trace: a plausible call graph with the gateway as entry', async () => {
  const { twin, report, graph } = await importTraceFile(trace);
  assert.is(report.spans, 4890);
  assert.is(report.traces, 71);
  assert.is(report.roots, 71);
  assert.is(report.orphans, 0);
  assert.is(twin.entries.length, 1);
  const entry = twin.nodes[twin.entries[0]!.node]!;
  assert.is(entry.id, 'ts-gateway-service');
  assert.is(entry.kind, 'gateway');
  // 71 root traces over ~168 s.
  const rate = twin.entries[0]!.arrival.kind === 'constant' ? twin.entries[0]!.arrival.rate : 0;
  assert.ok(rate > 0.35 && rate < 0.5, String(rate));
  assert.is(twin.nodes.length, 25);
  assert.equal(syncCallCycles(twin), []);
  // Every service is reached from the gateway.
  assert.equal(twin.warnings, []);
  // Gateway fan-out: one downstream request per gateway request, on average.
  const out = graph.calls.filter((c) => c.from === 'ts-gateway-service').reduce((s, c) => s + c.perRequest!, 0);
  assert.ok(Math.abs(out - 1) < 0.05, String(out));
  // Known edges of Train-Ticket.
  const has = (a: string, b: string): boolean => graph.calls.some((c) => c.from === a && c.to === b);
  assert.ok(has('ts-travel-service', 'ts-seat-service'));
  assert.ok(has('ts-seat-service', 'ts-config-service'));
  assert.ok(has('ts-basic-service', 'ts-station-service'));
  // Self times are positive and below the end-to-end durations (ms scale).
  for (const s of report.services) assert.ok(s.meanSelf > 0 && s.meanSelf < 1, `${s.id} ${s.meanSelf}`);
});

test('importTraceFile: opts.name names the twin (default "trace")', async () => {
  const named = await importTraceFile(trace, { name: 'train-ticket' });
  assert.is(named.twin.name, 'train-ticket');
  assert.is(named.input.name, 'train-ticket');
  assert.is(named.graph.name, 'train-ticket');
  assert.is((await importTraceFile(trace)).twin.name, 'trace');
});

test('self time subtracts the union of child calls', async () => {
  const csv = [
    'TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano,Duration',
    't1,a,root,front-aaaaaaa-bbbbb,/x,1000000000,1100000000,100000',
    't1,a2,a,front-aaaaaaa-bbbbb,inner,1001000000,1099000000,98000',
    // two overlapping calls 10..40 ms and 30..50 ms: union 40 ms; front self = 100 - 40 = 60 ms
    't1,b,a2,back-ccccccc-ddddd,/y,1010000000,1040000000,30000',
    't1,c,a2,back-ccccccc-ddddd,/y,1030000000,1050000000,20000',
    't2,r,root,front-aaaaaaa-bbbbb,/x,3000000000,3060000000,60000',
  ].join('\n');
  const { graph, report } = await callGraphFromTrace(csv, 'mini.csv');
  const front = report.services.find((s) => s.id === 'front')!;
  assert.ok(Math.abs(front.meanSelf - (0.06 + 0.06) / 2) < 1e-9, String(front.meanSelf));
  assert.equal(graph.calls, [{ from: 'front', to: 'back', perRequest: 1, mode: 'sync' }]);
  assert.is(report.window, 2);
  assert.ok(Math.abs(graph.services.find((s) => s.id === 'front')!.rate! - 0.5) < 1e-12);
});

test('bad trace rows name the line', async () => {
  const head = 'TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano';
  for (const [csv, re] of [
    ['TraceID,SpanID\nx,y', /expected the header columns .*missing: ParentID/],
    [`${head}\nt,a,root,p,op,10,5`, /line 2 EndTimeUnixNano: expected an end at or after the start/],
    [`${head}\nt,a,root,p,op,abc,5`, /line 2: expected integer StartTimeUnixNano/],
    [`${head}\nt,a,root,p,op,1,5\nt,a,root,p,op,1,5`, /line 3 SpanID: duplicate span a/],
    [`${head}\nt,a,root,p,op,1,5`, /expected at least 2 root spans/],
  ] as const) {
    try {
      await callGraphFromTrace(csv, 'bad.csv');
      assert.unreachable(`should have thrown for ${csv}`);
    } catch (e) {
      assert.instance(e, TwinSpecError);
      assert.match((e as Error).message, re);
    }
  }
});

test('a parent cycle (a span its own ancestor) is refused at the line of its first span, not taken for a call', async () => {
  const head = 'TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano';
  const roots = ['t1,r,root,front-aaaaaaa-bbbbb,/x,1000,2000', 't2,r,root,front-aaaaaaa-bbbbb,/x,3000,4000'];
  const refused = async (rows: string[]): Promise<TwinSpecError> => {
    try {
      await callGraphFromTrace([head, ...rows].join('\n'), 'cyc.csv');
    } catch (e) {
      assert.instance(e, TwinSpecError);
      return e as TwinSpecError;
    }
    throw new Error('expected the trace to be refused');
  };
  // Its own parent, on line 3 (within one service: the walk up never ended before).
  const self = await refused([roots[0]!, 't1,a,a,front-aaaaaaa-bbbbb,op,1100,1200', roots[1]!]);
  assert.equal(self.problems.map((q) => [q.line, q.path]), [[3, 'ParentID']]);
  assert.match(self.message, /^1 problem in cyc\.csv\n {2}cyc\.csv:3: ParentID: span a of trace t1 is its own ancestor \(parent cycle: its ParentID is its own SpanID\)/);
  // a -> b -> a across two services (would look like calls back and forth): one problem, at the first span's line.
  const two = await refused([roots[0]!, 't1,b,a,back-ccccccc-ddddd,op,1100,1200', 't1,a,b,front-aaaaaaa-bbbbb,op,1100,1200', roots[1]!]);
  assert.equal(two.problems.map((q) => [q.line, q.path]), [[3, 'ParentID']]);
  assert.match(two.message, /cyc\.csv:3: ParentID: span b of trace t1 is its own ancestor \(parent cycle: parent chain b -> a -> b, lines 3, 4\)/);
  // Spans below a cycle are not cycles themselves: still one problem.
  const below = await refused([roots[0]!, 't1,a,b,front-aaaaaaa-bbbbb,op,1,2', 't1,b,a,front-aaaaaaa-bbbbb,op,1,2', 't1,c,a,back-ccccccc-ddddd,op,1,2', roots[1]!]);
  assert.is(below.problems.length, 1);
});

test.run();
