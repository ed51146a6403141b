/**
 * Every reader and command entry point the fuzz suite drives, in-process:
 * each target has seed inputs (the bundled examples, or small valid inputs
 * written here) and runs its reader on a mutated copy written to a temp file.
 * A target names what a located error must mention (the file it read).
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTwinFile, twinFromObject } from '../../twins/definition/load.js';
import { arrivalLimitProblems } from '../../twins/definition/arrival-limits.js';
import type { Twin } from '../../twins/definition/types.js';
import { exampleFile } from '../../twins/examples/paths.js';
import { importCallGraphFile } from '../../twins/import/callgraph.js';
import { importTraceFile } from '../../twins/import/trace.js';
import { importZooTwin } from '../../twins/import/zoo.js';
import { applyScenario, readScenarioFile } from '../../twins/scenario/index.js';
import { routedTwin, SQUARE } from '../../twins/network/test-support.js';
import { readStateSnapshot } from '../../twins/state.js';
import { readTelemetry } from '../../models/telemetry/read.js';
import { readForecast, writeForecast } from '../../models/forecast-file.js';
import type { ForecastBundle } from '../../models/forecast.js';

export interface Target {
  readonly name: string;
  /** File name the mutated text is written to (its extension picks the reader's syntax). */
  readonly file: string;
  readonly seeds: readonly string[];
  /** Reads `file` (inside `dir`) as the entry point does. */
  run(file: string, dir: string): Promise<unknown>;
}

const CALL_GRAPH = JSON.stringify({
  name: 'mini',
  services: [
    { id: 'web', kind: 'gateway', rate: 100, servers: 32, service: { type: 'exponential', mean: '2ms' } },
    { id: 'api', servers: 4, service: { type: 'lognormal', mean: 0.005, cv: 1 } },
    { id: 'db', kind: 'database' },
  ],
  calls: [{ from: 'web', to: 'api', perRequest: 1.5 }, { from: 'api', to: 'db', rate: 75 }],
}, null, 1);

const TRACE = [
  'TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano',
  ...[0, 1, 2, 3].flatMap((t) => [
    `t${t},a${t},root,ts-ui-dashboard-6d5b-x1,GET /home,${1_000_000_000 * t + 1000},${1_000_000_000 * t + 9_000_000}`,
    `t${t},b${t},a${t},ts-route-service-b6c59fb57-zv8dt,GET /route,${1_000_000_000 * t + 2000},${1_000_000_000 * t + 5_000_000}`,
  ]),
].join('\n');

const GRAPHML = `<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="Latitude" attr.type="double" for="node" id="d1" />
  <key attr.name="Longitude" attr.type="double" for="node" id="d2" />
  <key attr.name="label" attr.type="string" for="node" id="d3" />
  <key attr.name="LinkSpeedRaw" attr.type="double" for="edge" id="d4" />
  <graph edgedefault="undirected">
    <node id="0"><data key="d1">40.7</data><data key="d2">-74.0</data><data key="d3">NewYork</data></node>
    <node id="1"><data key="d1">41.9</data><data key="d2">-87.6</data><data key="d3">Chicago</data></node>
    <node id="2"><data key="d1">34.0</data><data key="d2">-118.2</data><data key="d3">LosAngeles</data></node>
    <edge source="0" target="1"><data key="d4">10000000000</data></edge>
    <edge source="1" target="2"><data key="d4">10000000000</data></edge>
  </graph>
</graphml>
`;

function wideCsv(): string {
  const rows = ['timestamp,api.rate,db.cpu_pct'];
  for (let i = 0; i < 60; i++) rows.push(`${new Date(Date.UTC(2014, 3, 1, 0, 5 * i)).toISOString().replace('T', ' ').slice(0, 19)},${100 + (i % 7)},${40 + (i % 5)}`);
  return rows.join('\n') + '\n';
}

function longCsv(): string {
  const rows = ['timestamp,node,metric,value'];
  for (let i = 0; i < 40; i++) rows.push(`${1396310400 + 300 * i},api,rate,${50 + (i % 3)}`);
  return rows.join('\n') + '\n';
}

function prometheus(): string {
  const values = Array.from({ length: 40 }, (_, i) => [1396310400 + 60 * i, String(10 + (i % 4))]);
  return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: 'rate', service: 'api' }, values }] } }, null, 1);
}

/** A small valid forecast of series api/rate (for the forecast.json target). */
function smallForecast(): ForecastBundle {
  const steps = 4;
  const paths = 3;
  const q = (v: number) => Float64Array.from({ length: steps }, () => v);
  return {
    startMs: Date.UTC(2026, 0, 1), stepMs: 300_000, steps, paths, seed: 1,
    series: [{
      node: 'api', metric: 'rate', model: 'snaive', notes: [],
      quantiles: new Map([[0.05, q(8)], [0.1, q(9)], [0.25, q(9.5)], [0.5, q(10)], [0.75, q(10.5)], [0.9, q(11)], [0.95, q(12)]]),
      paths: Float32Array.from({ length: steps * paths }, (_, i) => 10 + (i % 3)),
    }],
  };
}

let shop: Twin | null = null;
async function shopTwin(): Promise<Twin> {
  shop ??= await loadTwinFile(exampleFile('shop.yaml'));
  return shop;
}

/** The targets, with their seeds read from the bundled examples. */
export async function fuzzTargets(): Promise<Target[]> {
  const example = (name: Parameters<typeof exampleFile>[0]) => readFile(exampleFile(name), 'utf8');
  const [shopYaml, network, jackson, state] = await Promise.all([example('shop.yaml'), example('network.yaml'), example('jackson.yaml'), example('shop-state.json')]);
  const scenario = JSON.stringify([
    { op: 'replicas', node: 'productcatalog', replicas: 2 },
    { op: 'loadScale', factor: 1.5 },
    { op: 'timeout', node: 'cart', timeout: '800ms' },
    { op: 'rateLimit', entry: 'users', rate: 300, burst: 50, at: '10m' },
  ], null, 1);
  // Link failures and IGP metrics on a routed square: they rebuild the forwarding tables.
  const square = twinFromObject(routedTwin(SQUARE, { traffic: { gravity: {} } }, ['A', 'B', 'C', 'D'].map((r) => ({ id: `from-${r}`, node: r, rate: 10 }))), { source: 'square' });
  const networkScenario = JSON.stringify([
    { op: 'linkDown', between: ['A', 'B'] },
    { op: 'linkMetric', station: 'A->C#0', metric: 0.01 },
    { op: 'linkUp', station: 'B->A#0', at: '2m' },
    { op: 'serviceScale', node: 'C->D#0', factor: 0.5 },
  ], null, 1);
  const forecastDir = async (dir: string): Promise<string> => {
    const d = join(dir, 'fc');
    await mkdir(d, { recursive: true });
    await writeForecast(d, smallForecast());
    return d;
  };
  const forecastJson = await (async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'shadowcast-fuzz-seed-'));
    try {
      return await readFile(join(await forecastDir(dir), 'forecast.json'), 'utf8');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return [
    {
      name: 'twin (YAML)', file: 'twin.yaml', seeds: [shopYaml, network, jackson],
      // The twin reader, then the run's own load check (simulate does both before anything runs).
      run: async (file) => {
        const twin = await loadTwinFile(file);
        const load = arrivalLimitProblems(twin, 3600, null);
        if (load.length > 0) throw new (await import('../usage-error.js')).InputError(`${file}: ${load.join('; ')}`);
      },
    },
    {
      // The whole command, in-process: read, check, simulate 2 short replications in this thread, write the files.
      name: 'simulate command', file: 'twin.yaml', seeds: [jackson, shopYaml],
      run: async (file, dir) => {
        const { parseSimulateArgs, simulate } = await import('../commands/simulate.js');
        const args = parseSimulateArgs(['--twin', file, '--out', join(dir, 'out'), '--horizon', '2s', '--window', '1s', '--replications', '2', '--workers', '0', '--quiet', '--no-resume']);
        return simulate(args!);
      },
    },
    { name: 'twin (JSON)', file: 'twin.json', seeds: [JSON.stringify((await import('yaml')).parse(shopYaml), null, 1)], run: (file) => loadTwinFile(file) },
    { name: 'call graph', file: 'graph.json', seeds: [CALL_GRAPH], run: (file) => importCallGraphFile(file) },
    { name: 'trace', file: 'trace.csv', seeds: [TRACE], run: (file) => importTraceFile(file) },
    { name: 'GraphML', file: 'topo.graphml', seeds: [GRAPHML], run: (file) => importZooTwin(file, { load: 5000 }) },
    { name: 'state snapshot', file: 'state.json', seeds: [state], run: async (file) => readStateSnapshot(file, await shopTwin()) },
    { name: 'scenario', file: 'scenario.json', seeds: [scenario], run: async (file) => applyScenario(await shopTwin(), await readScenarioFile(file)) },
    { name: 'network scenario', file: 'scenario.json', seeds: [networkScenario], run: async (file) => applyScenario(square, await readScenarioFile(file)) },
    { name: 'telemetry CSV', file: 'metrics.csv', seeds: [wideCsv(), longCsv()], run: (file) => readTelemetry([file]) },
    { name: 'telemetry Prometheus', file: 'metrics.json', seeds: [prometheus()], run: (file) => readTelemetry([file]) },
    {
      name: 'forecast.json', file: 'forecast.json', seeds: [forecastJson],
      run: async (file, dir) => {
        const d = await forecastDir(join(dir, 'f'));
        await writeFile(join(d, 'forecast.json'), await readFile(file));
        return readForecast(d);
      },
    },
  ];
}
