/**
 * The Prometheus adapter of MetricWatch against a real Prometheus server on
 * loopback (started by the test, scraping a real shadow emulator every
 * second, stopped after): a range query over the watched window gives one
 * p95 per step; a series that does not exist is no data; a node id that
 * would change the query is refused; answers that are not one series are
 * errors naming why.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { freePort } from '../test-support.js';
import { join } from 'node:path';
import { injectTraffic } from '../shadow/inject.js';
import { readState } from '../shadow/materialise-state.js';
import { prometheusMetricWatch, prometheusQuery, rangeValues } from './metric-watch-prometheus.js';
import { oneNodePlan, SHADOW_NODE, withShadow } from './shadow-test-support.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const P95 = 'histogram_quantile(0.95, sum by (le) (rate(shadow_latency_seconds_bucket{node="{node}"}[5s])))';

test('queries are built from checked values; answers other than one series are errors', () => {
  assert.is(prometheusQuery(P95, 'rec', 'x'), P95.replace('{node}', 'rec'));
  for (const evil of ['rec"}) or vector(0) #', 'a b', '']) assert.throws(() => prometheusQuery(P95, evil, 'x'), /is not put into a PromQL query/);
  assert.equal(rangeValues({ status: 'success', data: { resultType: 'matrix', result: [{ values: [[1, '0.5'], [2, 'NaN'], [3, '0.25']] }] } }, 'q'), [0.5, 0.25]);
  assert.equal(rangeValues({ status: 'success', data: { resultType: 'matrix', result: [] } }, 'q'), []);
  assert.throws(() => rangeValues({ status: 'success', data: { resultType: 'matrix', result: [{ values: [] }, { values: [] }] } }, 'q'), /gives 2 series; verification needs one/);
  assert.throws(() => rangeValues({ status: 'error', error: 'parse error at char 3' }, 'q'), /refused the query q: parse error/);
});


async function startPrometheus(dir: string, target: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: shadow\n    static_configs:\n      - targets: ['${target}']\n`);
  const port = await freePort();
  const child: ChildProcess = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, stop };
    await sleep(100);
  }
  await stop();
  throw new Error('prometheus was not ready after 30 s');
}

test('against a real Prometheus scraping a shadow: one p95 per step over the window; a missing series is no data', () => withShadow(2, async (dir) => {
  const emulator = (await readState(dir))!.processes.find((p) => p.name === SHADOW_NODE)!;
  const prom = await startPrometheus(dir, `127.0.0.1:${emulator.port}`);
  try {
    const schedule = oneNodePlan(2).traffic[0]!;
    // The injected wait drives the shadow for the window, as production traffic would flow.
    const drive = async (ms: number): Promise<void> => void await injectTraffic({ targets: [{ entry: 'web', url: `${emulator.url}/n/${SHADOW_NODE}`, schedule }], k: 1, durationShadowSeconds: ms / 1000, maxRequests: 100_000, seed: 3, graceSeconds: 1 });
    await drive(5000); // the rate over 5 s needs scrapes from before the window
    const watch = prometheusMetricWatch({ url: prom.url, query: P95, stepSeconds: 1, wait: drive });
    const values = await watch.watch(SHADOW_NODE, 'latency_p95_s', 8000);
    await sleep(1500); // the last scrape of the window lands in the TSDB
    const again = await prometheusMetricWatch({ url: prom.url, query: P95, stepSeconds: 1, wait: async () => {}, now: () => Date.now() - 9500 }).watch(SHADOW_NODE, 'latency_p95_s', 8000);
    assert.ok(Math.max(values.length, again.length) >= 6, `points: ${values.length}, ${again.length}`);
    for (const v of again) assert.ok(v > 0.005 && v < 1, `a p95 of 20 ms service at 43 % load: ${v}`);
    const none = await prometheusMetricWatch({ url: prom.url, query: P95, stepSeconds: 1, wait: async () => {}, now: () => Date.now() - 9500 }).watch('cart', 'latency_p95_s', 8000);
    assert.equal(none, [], 'a node without series is no data, not zero');
  } finally {
    await prom.stop();
  }
}));

test.run();
