/**
 * Issue 13's hand-found cases, rebuilt one per row: the input files, the
 * command line, the exit code and a fragment of the located message. Each
 * row runs the command in-process as the CLI does (runs/cli.ts: run, then
 * exitCodeFor and errorReport on failure). Before the hardening these rows
 * crashed (a class-name message, an allocation abort, a stack overflow),
 * hung, or were accepted silently.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorReport, exitCodeFor } from '../errors.js';
import { withTempDir } from '../test-support.js';
import { writeForecast } from '../../models/forecast-file.js';
import type { ForecastBundle } from '../../models/forecast.js';

const MINI = (b = 'b', extra = '') => `name: mini
nodes:
  - id: a
    servers: 2
    service: { type: exponential, mean: 10ms }${extra}
  - id: ${b}
    servers: 2
    service: { type: exponential, mean: 10ms }
edges:
  - { type: call, from: a, to: ${b}, mean: 1 }
entries:
  - node: a
    rate: 10
`;

function chain(n: number): string {
  const nodes = Array.from({ length: n }, (_, i) => `  - { id: n${i}, servers: 4, service: { type: exponential, mean: 1ms } }`);
  const edges = Array.from({ length: n - 1 }, (_, i) => `  - { type: call, from: n${i}, to: n${i + 1}, mean: 1 }`);
  return `name: deep\nnodes:\n${nodes.join('\n')}\nedges:\n${edges.join('\n')}\nentries:\n  - { node: n0, rate: 1 }\n`;
}

function nab(rows: number, edit: (i: number, stamp: string) => string = (_, s) => s): string {
  const out = ['timestamp,value'];
  for (let i = 0; i < rows; i++) {
    const stamp = new Date(Date.UTC(2014, 3, 1, 0, 5 * i)).toISOString().replace('T', ' ').slice(0, 19);
    out.push(`${edit(i, stamp)},${10 + (i % 3)}`);
  }
  return out.join('\n') + '\n';
}

const STATE = (up: string) => JSON.stringify({ format: 'shadowcast-state/1', takenAt: '2026-11-24T03:00:00Z', nodes: { a: { replicasUp: up === 'big' ? 1e9 : 1 } } });

function forecastAt(value: number): ForecastBundle {
  const steps = 4;
  const q = (v: number) => Float64Array.from({ length: steps }, () => v);
  return {
    startMs: Date.UTC(2026, 0, 1), stepMs: 300_000, steps, paths: 2, seed: 1,
    series: [{ node: 'api', metric: 'rate', model: 'snaive', notes: [], quantiles: new Map([[0.05, q(1)], [0.1, q(1)], [0.25, q(1)], [0.5, q(1)], [0.75, q(1)], [0.9, q(1)], [0.95, q(1)]]), paths: Float32Array.from({ length: steps * 2 }, () => value) }],
  };
}

const BUILT_IN = new Set(Object.getOwnPropertyNames(Object.prototype));

const SIM = ['simulate', '--twin', '$D/t.yaml', '--out', '$D/out', '--horizon', '1m', '--replications', '2', '--workers', '0', '--quiet'];
const FC = ['forecast', '--telemetry', '$D/m.csv', '--horizon', '1h', '--out', '$D/fc', '--workers', '0'];

interface Row {
  readonly issue: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
  readonly exit: number;
  readonly message: RegExp;
  /** Prepares more inputs (a forecast folder). */
  readonly setup?: (dir: string) => Promise<void>;
}

const ROWS: readonly Row[] = [
  // crashes
  ...['__proto__', 'constructor', 'toString'].map((id): Row => ({ issue: `twin node id ${id}`, files: { 't.yaml': MINI(id) }, argv: SIM, exit: 3, message: new RegExp(`t\\.yaml:6:\\d+: nodes\\[1\\]\\.id: "${id}" is a reserved name`) })),
  { issue: 'call graph service id __proto__', files: { 'g.json': JSON.stringify({ services: [{ id: 'web', rate: 1 }, { id: '__proto__' }], calls: [{ from: 'web', to: '__proto__', perRequest: 1 }] }) }, argv: ['import', 'callgraph', '$D/g.json', '--out', '$D/o.yaml'], exit: 3, message: /g\.json:1:\d+: services\[1\]\.id: "__proto__" is a reserved name/ },
  { issue: 'GraphML node id constructor', files: { 'z.graphml': '<graphml><graph edgedefault="undirected">\n<node id="a"/>\n<node id="constructor"/>\n<edge source="a" target="constructor"/></graph></graphml>' }, argv: ['import', 'zoo', '$D/z.graphml', '--out', '$D/o.yaml'], exit: 3, message: /z\.graphml:3:\d+: <node> id: "constructor" is a reserved name/ },
  { issue: 'trace service toString', files: { 'tr.csv': 'TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano\nt1,a,root,toString,GET,1000,9000\nt2,b,root,toString,GET,2000000000,2000009000\n' }, argv: ['import', 'trace', '$D/tr.csv', '--out', '$D/o.yaml'], exit: 3, message: /tr\.csv: services\[0\]\.id: "toString" is a reserved name/ },
  { issue: 'null forecast.json', files: { 't.yaml': MINI(), 'fc/forecast.json': 'null' }, argv: [...SIM, '--forecast', '$D/fc'], exit: 3, message: /fc\/forecast\.json: \(root\): expected a JSON object/ },
  { issue: 'null Prometheus document', files: { 'm.json': 'null' }, argv: ['forecast', '--telemetry', '$D/m.json', '--horizon', '1h', '--out', '$D/fc'], exit: 3, message: /m\.json: expected a Prometheus query_range response \(a JSON object\), got null/ },
  { issue: '--window 1us', files: { 't.yaml': MINI() }, argv: [...SIM, '--window', '1us'], exit: 2, message: /--horizon \/ --window \(report windows\): 60000000 is over the limit of 100000/ },
  { issue: '--horizon 1e300', files: { 't.yaml': MINI() }, argv: [...SIM, '--horizon', '1e300'], exit: 2, message: /--horizon: .* is over the limit of 31622400 s/ },
  { issue: '--paths 1e9', files: { 'm.csv': nab(100) }, argv: [...FC, '--paths', '1000000000'], exit: 2, message: /--paths: 1000000000 is over the limit of 100000/ },
  { issue: 'snapshot replicasUp 1e9', files: { 't.yaml': MINI(), 's.json': STATE('big') }, argv: [...SIM, '--state', '$D/s.json'], exit: 3, message: /s\.json:1:\d+: nodes\.a\.replicasUp: expected a number <= 10000, got 1000000000/ },
  { issue: 'sync call chain 5,000 deep', files: { 't.yaml': chain(5000) }, argv: SIM, exit: 3, message: /t\.yaml:3:\d+: nodes\[0\]: a chain of 5000 nested sync calls starts here .* over the limit of 500/ },
  { issue: '/dev/zero as telemetry', argv: ['forecast', '--telemetry', '/dev/zero', '--horizon', '1h', '--out', '$D/fc'], exit: 3, message: /\/dev\/zero: expected a readable file, got cannot read: not a regular file/ },
  { issue: 'GraphML that would pollute Object.prototype', files: { 'z.graphml': '<graphml>\n<key attr.name="label" attr.type="string" for="__proto__" id="d1"/>\n<graph edgedefault="undirected"><node id="a"/></graph></graphml>' }, argv: ['import', 'zoo', '$D/z.graphml', '--out', '$D/o.yaml'], exit: 3, message: /z\.graphml:2:\d+: <key> for: "__proto__" is a reserved name/ },
  { issue: 'garbage GraphML', files: { 'z.graphml': '<graphml><graph>\n<node id="a"><<<>>>\n' }, argv: ['import', 'zoo', '$D/z.graphml', '--out', '$D/o.yaml'], exit: 3, message: /^shadowcast import: 1 problem in .*z\.graphml\n  .*z\.graphml:\d+(:\d+)?: \(xml\): malformed XML: [^\n]*$/ },
  { issue: 'JSON nested 100,000 deep', files: { 't.json': '['.repeat(100_000) + ']'.repeat(100_000) }, argv: ['simulate', '--twin', '$D/t.json', '--out', '$D/out'], exit: 3, message: /t\.json:1:\d+: \(syntax\): nested more than 64 levels deep/ },
  // hangs
  { issue: 'forecast --epochs 1e9', files: { 'm.csv': nab(100) }, argv: [...FC, '--model', 'lstm', '--epochs', '1000000000'], exit: 2, message: /--epochs: 1000000000 is over the limit of 10000/ },
  { issue: 'backtest --windows 1e9', files: { 'm.csv': nab(100) }, argv: ['backtest', '--telemetry', '$D/m.csv', '--horizon', '1h', '--workers', '0', '--windows', '1000000000'], exit: 2, message: /--windows 1000000000 x --horizon 12 steps: series m\/value .* has 100 points/ },
  { issue: 'twin rate 1e9', files: { 't.yaml': MINI().replace('rate: 10', 'rate: 1e9') }, argv: SIM, exit: 3, message: /t\.yaml:13:\d+: entries\[0\]\.rate: expected a number <= 1000000, got 1000000000/ },
  { issue: 'twin replicas 1e12', files: { 't.yaml': MINI('b', '\n    replicas: 1000000000000') }, argv: SIM, exit: 3, message: /nodes\[0\]\.replicas: expected a number <= 10000, got 1000000000000/ },
  {
    issue: 'forecast path at float32-max rate', files: { 't.yaml': 'name: f\nnodes:\n  - { id: a, service: { type: exponential, mean: 1ms } }\nentries:\n  - { node: a, forecast: { node: api, metric: rate } }\n' },
    setup: (d) => writeForecast(join(d, 'fc'), forecastAt(3.4e38)), argv: [...SIM, '--forecast', '$D/fc'], exit: 3, message: /entries\[0\] \(.*\) peak arrival rate: 3\.400e\+38 req\/s is over the limit of 1000000 req\/s/,
  },
  { issue: 'scenario loadScale 1e6', files: { 't.yaml': MINI(), 'sc.json': '[{"op":"loadScale","factor":1e6}]' }, argv: [...SIM, '--scenario', '$D/sc.json'], exit: 3, message: /sc\.json:1:\d+: \[0\]\.factor: entry "a#0" rate after this scale: expected a number <= 1000000/ },
  { issue: '--replications 1e9', files: { 't.yaml': MINI() }, argv: [...SIM, '--replications', '1000000000'], exit: 2, message: /--replications: 1000000000 is over the limit of 1000000/ },
  { issue: 'a timestamp 8,000 years off', files: { 'm.csv': nab(300, (i, s) => (i === 150 ? s.replace('2014', '9014') : s)) }, argv: FC, exit: 3, message: /m\.csv: line 152: column timestamp: .* \(is one of these timestamps a typo\?\)/ },
  // silent wrong results
  { issue: 'scenario key Replicas', files: { 't.yaml': MINI(), 'sc.json': '[{"op":"replicas","node":"a","Replicas":3}]' }, argv: [...SIM, '--scenario', '$D/sc.json'], exit: 3, message: /\[0\]\.Replicas: unknown property \(did you mean "replicas"\?\)/ },
  { issue: 'scenario entry typo', files: { 't.yaml': MINI(), 'sc.json': '[{"op":"loadScale","factor":2,"entyr":"a#0"}]' }, argv: [...SIM, '--scenario', '$D/sc.json'], exit: 3, message: /\[0\]\.entyr: unknown property \(did you mean "entry"\?\)/ },
  { issue: 'scenario node on loadScale', files: { 't.yaml': MINI(), 'sc.json': '[{"op":"loadScale","factor":2,"node":"a"}]' }, argv: [...SIM, '--scenario', '$D/sc.json'], exit: 3, message: /\[0\]\.node: unknown property/ },
  { issue: 'scenario __proto__ key', files: { 't.yaml': MINI(), 'sc.json': '{"__proto__":{"op":"x"},"deltas":[]}' }, argv: [...SIM, '--scenario', '$D/sc.json'], exit: 3, message: /sc\.json:1:\d+: __proto__: unknown property/ },
  { issue: 'scenario no-op memLimit', files: { 't.yaml': MINI(), 'sc.json': '[{"op":"memLimit","node":"a","memLimit":"1Gi"}]' }, argv: [...SIM, '--scenario', '$D/sc.json'], exit: 3, message: /this delta would change nothing/ },
  { issue: 'scenario replicas outside autoscale', files: { 't.yaml': MINI('b', '\n    autoscale: { target: 0.5, min: 1, max: 3 }'), 'sc.json': '[{"op":"replicas","node":"a","replicas":9}]' }, argv: [...SIM, '--scenario', '$D/sc.json'], exit: 3, message: /\[0\]\.replicas: expected replicas within autoscale \[1, 3\], got 9/ },
  { issue: '--seed ""', files: { 't.yaml': MINI() }, argv: [...SIM, '--seed', ''], exit: 2, message: /--seed: expected a whole number, got ''/ },
  { issue: '--workers ""', files: { 't.yaml': MINI() }, argv: [...SIM, '--workers', ''], exit: 2, message: /--workers: expected a whole number >= 0, got ''/ },
  { issue: '--seed 0x10', files: { 't.yaml': MINI() }, argv: [...SIM, '--seed', '0x10'], exit: 2, message: /--seed: expected a whole number, got '0x10'/ },
  { issue: '--limit of a series that does not exist', files: { 'm.csv': nab(100) }, argv: [...FC, '--limit', 'm/valeu=5'], exit: 2, message: /--limit: no series m\/valeu in the telemetry \(did you mean "m\/value"\?\)/ },
  { issue: 'date 2014-02-30', files: { 'm.csv': nab(20, (i, s) => (i === 5 ? '2014-02-30 00:00:00' : s)) }, argv: FC, exit: 3, message: /m\.csv: line 7: column timestamp: .*day 30 is not in 2014-02/ },
  { issue: 'month 13', files: { 'm.csv': nab(20, (i, s) => (i === 5 ? '2014-13-01 00:00:00' : s)) }, argv: FC, exit: 3, message: /line 7: column timestamp: .*month 13 is not 01\.\.12/ },
  { issue: 'hour 25', files: { 'm.csv': nab(20, (i, s) => (i === 5 ? '2014-04-01 25:00:00' : s)) }, argv: FC, exit: 3, message: /line 7: column timestamp: .*hour 25 is not 00\.\.23/ },
  { issue: '0x10 as a value', files: { 'm.csv': nab(20).replace(/,11\n/, ',0x10\n') }, argv: FC, exit: 3, message: /m\.csv: line \d+: column value: expected a number, got "0x10"/ },
  { issue: 'an epoch-0 row among 2014 rows', files: { 'm.csv': nab(300, (i, s) => (i === 150 ? '0' : s)) }, argv: FC, exit: 3, message: /m\.csv: line 152: column timestamp: .*typo/ },
  { issue: 'trailing comma in a JSON twin', files: { 't.json': '{"name": "x", "nodes": [{"id": "a"},], "entries": [{"node": "a", "rate": 1}]}' }, argv: ['simulate', '--twin', '$D/t.json', '--out', '$D/out'], exit: 3, message: /t\.json:1:\d+: \(syntax\): invalid JSON at "\]"/ },
  { issue: 'a NUL byte in a twin', files: { 't.yaml': MINI().replace('name: mini', 'name: mi\u0000ni') }, argv: SIM, exit: 3, message: /t\.yaml: \(file\): cannot read: a NUL byte at line 1/ },
  // security
  { issue: 'YAML alias bomb', files: { 't.yaml': ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`), 'name: *a8', ''].join('\n') }, argv: SIM, exit: 3, message: /t\.yaml: \(syntax\): Excessive alias count/ },
  { issue: 'a twin whose aliases repeat one bad node 900 times', files: { 't.yaml': `bad: &bad { id: x, Servers: 2, junk: ${JSON.stringify('y'.repeat(5000))} }\nname: t\nnodes: [${Array(900).fill('*bad').join(', ')}]\nentries: [{ node: x, rate: 1 }]\n` }, argv: SIM, exit: 3, message: /problems in .*t\.yaml[\s\S]*\.\.\. and \d+ more$/ },
  { issue: 'rate profile pointing at a system file', files: { 't.yaml': MINI().replace('rate: 10', 'profile: /etc/passwd') }, argv: SIM, exit: 3, message: /entries\[0\]\.profile: "\/etc\/passwd" points outside the twin file's folder .*: refused \(give --allow-outside-paths to allow it\)/ },
  { issue: 'forecast pathsFile outside its folder', files: { 't.yaml': MINI() }, setup: async (d) => { await writeForecast(join(d, 'fc'), forecastAt(1)); const f = join(d, 'fc', 'forecast.json'); const { readFile } = await import('node:fs/promises'); await writeFile(f, (await readFile(f, 'utf8')).replace('"paths.f32"', '"../../etc/passwd"')); }, argv: [...SIM, '--forecast', '$D/fc'], exit: 3, message: /forecast\.json: pathsFile: expected a file name inside the forecast folder/ },
];

async function runCommand(argv: readonly string[]): Promise<{ code: number; message: string }> {
  const [name, ...rest] = argv;
  const mod = name === 'import' ? await import('../commands/import/index.js') : name === 'forecast' ? await import('../commands/forecast.js') : name === 'backtest' ? await import('../commands/backtest.js') : await import('../commands/simulate.js');
  const log = console.log;
  console.log = () => undefined;
  try {
    return { code: await mod.run(rest), message: '' };
  } catch (err) {
    return { code: exitCodeFor(err), message: errorReport(name!, err, false).split('\n\nusage:')[0]! };
  } finally {
    console.log = log;
  }
}

for (const row of ROWS) {
  test(`issue 13: ${row.issue}`, () => withTempDir('regress', async (dir) => {
    for (const [name, text] of Object.entries(row.files ?? {})) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    await row.setup?.(dir);
    const { code, message } = await runCommand(row.argv.map((a) => a.replace('$D', dir)));
    assert.match(message, row.message, `exit ${code}: ${message}`);
    assert.is(code, row.exit, message);
    assert.not.match(message, /\b(TypeError|RangeError|SyntaxError|Error:)|\n\s+at /, 'a class name or stack in the message');
    assert.not.match(message, /root:x:0/, 'the message quotes a file it was pointed at');
    assert.ok(message.length < 20_000, `a message of ${message.length} characters`);
    assert.equal(Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILT_IN.has(k)), [], 'the input wrote into Object.prototype');
  }));
}

test.run();
