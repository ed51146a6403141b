import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTelemetry } from '../../models/telemetry/read.js';
import { injectTraffic, TELEMETRY_FILE } from './inject.js';
import { constantSchedule, startServer } from './inject-test-support.js';
import { ShadowMetrics } from './emulator-metrics.js';
import { IN_FLIGHT, LATENCY_SECONDS, NODE_LABEL, OUTCOME_LABEL, REQUESTS_TOTAL } from './metric-names.js';
import { measuredNode, readingOf, type NodeSample } from './telemetry-figures.js';
import { telemetryInterval } from './telemetry.js';
import { injectSummary } from '../commands/shadow/traffic.js';
import { histogramQuantile, parsePrometheusText, Scrape } from './telemetry-prom.js';

/** A stand-in for an emulator: answers after 20 ms and exposes the emulator's own metrics (ShadowMetrics), so scraper and emulator are checked together. */
async function fakeEmulator() {
  let inFlight = 0;
  const metrics = new ShadowMetrics(['api'], 1, { inFlight: () => inFlight, queued: () => 0, busy: () => inFlight, workers: () => 64 });
  const server = await startServer((req, res) => {
    if (req.url === '/metrics') {
      void metrics.registry.metrics().then((text) => res.end(text));
      return;
    }
    inFlight++;
    const start = performance.now();
    setTimeout(() => {
      inFlight--;
      const seconds = (performance.now() - start) / 1000;
      metrics.busySeconds.inc({ node: 'api' }, seconds);
      metrics.answered('api', 'ok', seconds);
      res.end('ok');
    }, 20);
  });
  return { server, metrics: `http://127.0.0.1:${server.port}/metrics` };
}

test('telemetry written while injecting is read back by models/telemetry, in production units', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shadow-telemetry-'));
  const { server, metrics } = await fakeEmulator();
  try {
    const k = 2, t0 = Date.UTC(2024, 0, 1, 12);
    // Production 200 req/s, shadow 100 req/s; one production row per 0.25 s = one scrape per 0.5 shadow s; 2.5 s gives 5 rows.
    const r = await injectTraffic({
      targets: [{ entry: 'in', url: `http://127.0.0.1:${server.port}/work`, schedule: constantSchedule(200) }],
      metricsUrls: { api: metrics }, k, durationShadowSeconds: 2.5, maxRequests: 10_000, seed: 4, outDir: dir, intervalSeconds: 0.25, productionStartMs: t0, lagBoundMs: 200,
    });
    assert.equal(r.telemetry, { seconds: 0.25, rows: 5, requested: 0.25 });
    const series = await readTelemetry([join(dir, TELEMETRY_FILE)]);
    const byMetric = new Map(series.map((s) => [s.metric, s]));
    for (const m of ['rate', 'errors', 'latency_p50_s', 'latency_p95_s', 'in_flight', 'busy_workers']) assert.ok(byMetric.has(m), `missing ${m}`);
    assert.ok(series.every((s) => s.node === 'api'));
    const rate = byMetric.get('rate')!;
    assert.is(rate.stepMs, 250);
    // The window's last interval is closed by the window-end scrape: every row is there, none after the window.
    assert.is(rate.values.length, 5);
    assert.ok(Math.abs(rate.startMs - (t0 + 250)) < 60, `first row at ${rate.startMs - t0} ms after t0`);
    // Production rate ≈ 200/s: per row ~50 shadow requests (sd ~7, 4 sd ≈ 28 → ±56 % of one row); the mean over rows is tighter.
    const mean = rate.values.reduce((a, b) => a + b, 0) / rate.values.length;
    assert.ok(Math.abs(mean - 200) < 60, `mean production rate ${mean}`);
    // The emulator takes 20 ms (shadow): 10 ms in production, within the buckets' resolution and timer slack.
    const p50 = byMetric.get('latency_p50_s')!;
    for (const v of p50.values) assert.ok(v > 0.009 && v < 0.02, `production p50 ${v}`);
    // Whole-window figures for compare.
    const node = r.nodes.api!;
    assert.ok(node.available);
    if (node.available) {
      assert.ok(Math.abs(node.throughput - 200) < 50, `throughput ${node.throughput}`);
      assert.ok(node.meanLatency! > 0.009 && node.meanLatency! < 0.02, `mean ${node.meanLatency}`);
      assert.ok(Math.abs(node.productionSeconds - 1.3) < 0.2, `window ${node.productionSeconds}`);
    }
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('the telemetry interval: kept when whole rows (at least 3) fill the window, else the largest shorter one that does', () => {
  assert.equal(telemetryInterval(300, 60), { seconds: 60, rows: 5, requested: 60 });
  // A dilated window divided back by k is not always whole to the last bit.
  assert.equal(telemetryInterval((300 * 1.37) / 1.37, 60), { seconds: 60, rows: 5, requested: 60 });
  assert.equal(telemetryInterval(180, 60), { seconds: 60, rows: 3, requested: 60 });
  assert.equal(telemetryInterval(90, 60), { seconds: 30, rows: 3, requested: 60 });
  assert.equal(telemetryInterval(1.3, 0.25), { seconds: 1.3 / 6, rows: 6, requested: 0.25 });
  assert.equal(telemetryInterval(8, 60), { seconds: 8 / 3, rows: 3, requested: 60 });
  assert.throws(() => telemetryInterval(0, 60), /send window must be > 0 s/);
});

test('a send window shorter than the interval still gives a telemetry file the readers read back, on one regular step', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shadow-telemetry-'));
  const { server, metrics } = await fakeEmulator();
  try {
    const t0 = Date.UTC(2024, 0, 1, 12);
    // The default interval of a production minute, over 0.6 s: three rows of 0.2 s, not a header alone.
    const r = await injectTraffic({
      targets: [{ entry: 'in', url: `http://127.0.0.1:${server.port}/work`, schedule: constantSchedule(100) }],
      metricsUrls: { api: metrics }, k: 1, durationShadowSeconds: 0.6, maxRequests: 10_000, seed: 2, outDir: dir, productionStartMs: t0, lagBoundMs: 200,
    });
    assert.equal({ ...r.telemetry!, seconds: Number(r.telemetry!.seconds.toFixed(12)) }, { seconds: 0.2, rows: 3, requested: 60 });
    const series = await readTelemetry([join(dir, TELEMETRY_FILE)]);
    const rate = series.find((s) => s.metric === 'rate')!;
    assert.is(rate.stepMs, 200);
    assert.is(rate.values.length, 3);
    assert.is(rate.startMs, t0 + 200);
    assert.match(injectSummary(r), /\nwarning: telemetry\.csv has 3 rows per node and metric, 0\.2s apart instead of --interval 1m: the 0\.6s of production traffic hold fewer than 3 intervals/);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('an emulator that is gone at the end of the window is missing, with the reason', async () => {
  const { server, metrics } = await fakeEmulator();
  const target = await startServer();
  let closed = false;
  try {
    setTimeout(() => void server.close().then(() => (closed = true)), 300);
    const r = await injectTraffic({ targets: [{ entry: 'in', url: target.url, schedule: constantSchedule(50) }], metricsUrls: { api: metrics }, k: 1, durationShadowSeconds: 1, maxRequests: 1000, seed: 1, intervalSeconds: 0.25 });
    const node = r.nodes.api!;
    assert.not.ok(node.available);
    if (!node.available) assert.match(node.reason, /crashed or unreachable/);
  } finally {
    if (!closed) await server.close();
    await target.close();
  }
});

test('prometheus text: labels, escapes, histogram quantiles; counters going down mean a restart', () => {
  const text = [
    '# HELP x y', `${REQUESTS_TOTAL}{${NODE_LABEL}="api",${OUTCOME_LABEL}="ok",path="a\\"b"} 10`, `${REQUESTS_TOTAL}{${NODE_LABEL}="api",${OUTCOME_LABEL}="error"} 2`,
    `${REQUESTS_TOTAL}{${NODE_LABEL}="other",${OUTCOME_LABEL}="ok"} 99`,
    `${LATENCY_SECONDS}_bucket{${NODE_LABEL}="api",le="0.1"} 5`, `${LATENCY_SECONDS}_bucket{${NODE_LABEL}="api",le="0.2"} 10`, `${LATENCY_SECONDS}_bucket{${NODE_LABEL}="api",le="+Inf"} 10`,
    `${LATENCY_SECONDS}_sum{${NODE_LABEL}="api"} 1.2`, `${LATENCY_SECONDS}_count{${NODE_LABEL}="api"} 10`, `${IN_FLIGHT}{${NODE_LABEL}="api"} 3 1700000000000`,
  ].join('\n');
  const samples = parsePrometheusText(text);
  assert.is(samples[0]!.labels.path, 'a"b');
  const scrape = new Scrape(samples);
  assert.is(scrape.sum(REQUESTS_TOTAL), 111);
  assert.is(scrape.sum(REQUESTS_TOTAL, { [NODE_LABEL]: 'api' }), 12, 'a node reads its own series only');
  assert.is(scrape.sum(IN_FLIGHT), 3);
  const h = scrape.histogram(LATENCY_SECONDS)!;
  assert.is(histogramQuantile(h, 0.5), 0.1);
  assert.ok(Math.abs(histogramQuantile(h, 0.75)! - 0.15) < 1e-12);
  const a = readingOf(scrape, 'api');
  assert.is(a.ok, 10);
  const b = readingOf(new Scrape(parsePrometheusText(text.replace(' 10\n', ' 4\n'))), 'api');
  const samplesOf = (...r: typeof a[]): NodeSample[] => r.map((reading, i) => ({ atMs: i * 1000, reading, failure: null }));
  const m = measuredNode('api', samplesOf(a, b, b), 1);
  assert.not.ok(m.available);
  if (!m.available) assert.match(m.reason, /restarted/);
  assert.not.ok(measuredNode('api', [{ atMs: 0, reading: null, failure: 'ECONNREFUSED' }, ...samplesOf(a)], 1).available);
});

test.run();
