/**
 * The nightly against a real Prometheus: Debian's /usr/bin/prometheus on a
 * free loopback port, scraping (every second) a small prom-client exporter
 * this test serves, then `runNightly` reads its telemetry over the HTTP API.
 * Also the failures: a query Prometheus refuses, one with no series, a server
 * that is not there, one that answers an error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Counter, Gauge, Registry } from 'prom-client';
import { exitCodeFor } from '../errors.js';
import { freePort, withTempDir } from '../test-support.js';
import { readNightlyConfig } from './config.js';
import { runNightly } from './pipeline.js';
import { SHOP_TWIN } from './test-support.js';


const listen = (server: Server): Promise<number> => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, ok: () => Promise<boolean>, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await ok().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The exporter: a request counter growing ~20/s at the frontend, and productcatalog's busy workers. */
function exporter(): { server: Server; stop: () => void } {
  const registry = new Registry();
  const requests = new Counter({ name: 'shop_requests_total', help: 'requests', labelNames: ['service'], registers: [registry] });
  const busy = new Gauge({ name: 'shop_busy', help: 'busy workers', labelNames: ['service'], registers: [registry] });
  busy.set({ service: 'productcatalog' }, 1);
  const timer = setInterval(() => requests.inc({ service: 'frontend' }, 2), 100);
  const server = createHttpServer((_req, res) => {
    registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text), () => res.writeHead(500).end());
  });
  return { server, stop: () => clearInterval(timer) };
}

function configText(url: string, queries: ReadonlyArray<readonly [string, string]>): string {
  return [
    `twin: ${JSON.stringify(SHOP_TWIN)}`,
    'telemetry:',
    '  prometheus:',
    `    url: ${JSON.stringify(url)}`,
    '    range: 20s',
    '    step: 1s',
    '    timeout: 5s',
    '    queries:',
    ...queries.map(([series, query]) => `      - { series: ${series}, query: ${JSON.stringify(query)} }`),
    'entries: { users: frontend/rate }',
    'forecast: { horizon: 3s, paths: 10, candidates: [snaive] }',
    'simulation: { replications: 2, window: 1s, workers: 0 }',
    'risk: { threshold: 0.9 }',
    'mitigation: { enabled: false }',
  ].join('\n') + '\n';
}

const RATE = ['frontend/rate', 'sum(rate(shop_requests_total[4s]))'] as const;

async function failure(dir: string, name: string, text: string): Promise<{ code: number; message: string; out: string }> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, text);
  const out = join(dir, `out-${name}`);
  try {
    await runNightly({ config: await readNightlyConfig(file), out, store: join(dir, 'runs.db') });
  } catch (e) {
    return { code: exitCodeFor(e), message: (e as Error).message, out };
  }
  throw new Error(`${name}: the nightly did not fail`);
}

test('the nightly reads its telemetry from a real Prometheus over HTTP; its failures are clear and leave no report', () => withTempDir('nightly-prom', async (dir) => {
  const exp = exporter();
  const expPort = await listen(exp.server);
  const promPort = await freePort();
  const url = `http://127.0.0.1:${promPort}`;
  await writeFile(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: shop\n    static_configs:\n      - targets: ['127.0.0.1:${expPort}']\n`);
  let prom: ChildProcess | null = null;
  let log = '';
  const errorServer = createHttpServer((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"error","errorType":"unavailable","error":"too many queries"}'));
  try {
    prom = spawn('/usr/bin/prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    prom.stderr!.on('data', (b: Buffer) => { log = (log + b.toString()).slice(-4000); });
    await waitFor(`prometheus to be ready (log: ${log.slice(-500)})`, async () => (await fetch(`${url}/-/ready`)).ok, 40);
    // 20 one-second steps of a 4-second rate need ~25 s of scrapes.
    await waitFor('samples', async () => {
      const r = await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent('count_over_time(shop_requests_total[1m])')}`)).json() as { data: { result: Array<{ value: [number, string] }> } };
      return Number(r.data.result[0]?.value[1] ?? 0) >= 26;
    }, 60);

    const file = join(dir, 'nightly.yaml');
    await writeFile(file, configText(url, [RATE, ['productcatalog/busy', 'max(shop_busy)']]));
    const out = join(dir, 'out');
    const r = await runNightly({ config: await readNightlyConfig(file), out, store: join(dir, 'runs.db') });
    assert.ok(existsSync(r.report));
    const saved = JSON.parse(readFileSync(join(out, 'telemetry', 'q0.json'), 'utf8')) as { data: { result: Array<{ metric: Record<string, string>; values: [number, string][] }> } };
    assert.equal(saved.data.result[0]!.metric, { __name__: 'rate', service: 'frontend' });
    const history = r.data.forecasts[0]!.history;
    assert.ok(history.length >= 15, `${history.length} points of history`);
    // The exporter counts 20 requests/s: the rate Prometheus computed from its scrapes.
    const mean = history.reduce((a, h) => a + h.value, 0) / history.length;
    assert.ok(mean > 12 && mean < 28, `mean rate ${mean}`);
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { nodes: Record<string, { busy?: number }> };
    assert.is(state.nodes.productcatalog!.busy, 1);
    assert.ok(Object.keys(r.manifest.inputs).some((f) => f.endsWith('q0.json')));

    const refused = await failure(dir, 'refused', configText(url, [['frontend/rate', 'sum(rate(shop_requests_total[4s])']]));
    assert.is(refused.code, 3);
    assert.match(refused.message, 'telemetry.prometheus.queries[0].query');
    assert.match(refused.message, 'bad_data');
    assert.not.ok(existsSync(join(refused.out, 'report.html')));

    const empty = await failure(dir, 'empty', configText(url, [['frontend/rate', 'sum(rate(no_such_metric_total[4s]))']]));
    assert.is(empty.code, 3);
    assert.match(empty.message, 'returned no series');
    assert.not.ok(existsSync(join(empty.out, 'report.html')));

    const gone = await failure(dir, 'gone', configText(`http://127.0.0.1:${await freePort()}`, [RATE]));
    assert.is(gone.code, 4);
    assert.match(gone.message, 'unreachable');
    assert.match(gone.message, 'ECONNREFUSED');
    assert.not.ok(existsSync(join(gone.out, 'report.html')));

    const errPort = await listen(errorServer);
    const erring = await failure(dir, 'erring', configText(`http://127.0.0.1:${errPort}`, [RATE]));
    assert.is(erring.code, 4);
    assert.match(erring.message, 'unavailable: too many queries');
    assert.not.ok(existsSync(join(erring.out, 'report.html')));
  } finally {
    exp.stop();
    await close(exp.server);
    if (errorServer.listening) await close(errorServer);
    if (prom && prom.exitCode === null) {
      const exited = new Promise((resolve) => prom!.once('exit', resolve));
      prom.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (prom.exitCode === null) prom.kill('SIGKILL');
    }
  }
}));

test.run();
