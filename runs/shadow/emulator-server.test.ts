import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMULATOR_CONFIG_FORMAT, parseEmulatorConfig, type EmulatorRuntimeConfig } from '../../twins/shadow/emulator-config.js';
import { Emulator } from './emulator-server.js';
import { emulatorSpec, syncCall } from './materialise-test-plan.js';
import type { EmulatorSpec } from '../../twins/shadow/plan-types.js';

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** A fake callee on loopback: counts requests, answers `status` after `delayMs`. */
async function fakeCallee(status: number, delayMs = 0): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    setTimeout(() => { res.statusCode = status; res.end(); }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, server };
}

async function withEmulator(spec: EmulatorSpec, callees: Record<string, string>, body: (base: string, e: Emulator) => Promise<void>): Promise<void> {
  const config: EmulatorRuntimeConfig = { format: EMULATOR_CONFIG_FORMAT, node: 'X', spec, k: 1, seed: 1, callees, listen: { host: '127.0.0.1', port: 0 } };
  const e = new Emulator(parseEmulatorConfig(JSON.parse(JSON.stringify(config)), 'test'));
  const port = await e.listen();
  try {
    await body(`http://127.0.0.1:${port}`, e);
  } finally {
    await e.close();
  }
}

const metricValue = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.split(' ')[1]);
};

test('beyond workers + waiting room the emulator answers 503 and counts it', async () => {
  await withEmulator(emulatorSpec({ workersPerReplica: 1, queuePerReplica: 1, service: { type: 'deterministic', value: 0.3 } }), {}, async (base, e) => {
    const first = [fetchText(`${base}/n/X`), fetchText(`${base}/n/X`)];
    // Wait until both hold the worker and the waiting room, however slowly the connections open.
    while (e.station.busy + e.station.queued < 2) await new Promise((r) => setTimeout(r, 2));
    assert.is((await fetchText(`${base}/n/X`)).status, 503);
    assert.equal((await Promise.all(first)).map((r) => r.status), [200, 200]);
    const m = (await fetchText(`${base}/metrics`)).body;
    assert.is(metricValue(m, 'shadow_requests_total{node="X",outcome="rejected"}'), 1);
    assert.is(metricValue(m, 'shadow_requests_total{node="X",outcome="ok"}'), 2);
    assert.is(metricValue(m, 'shadow_request_errors_total{node="X",reason="overflow"}'), 1);
    assert.is(metricValue(m, 'shadow_latency_seconds_count{node="X",outcome="ok"}'), 2);
    assert.ok(metricValue(m, 'shadow_busy_worker_seconds_total{node="X"}') >= 0.55, 'two services of 0.3 s held a worker');
  });
});

test('a failed mandatory call is a 500; the same call optional is a 200', async () => {
  const bad = await fakeCallee(500);
  try {
    await withEmulator(emulatorSpec({ callGroups: [{ name: 'g', calls: [syncCall('B')] }] }), { B: bad.url }, async (base) => {
      assert.is((await fetchText(`${base}/n/X`)).status, 500);
      const m = (await fetchText(`${base}/metrics`)).body;
      assert.is(metricValue(m, 'shadow_request_errors_total{node="X",reason="call"}'), 1);
      assert.is(metricValue(m, 'shadow_call_attempts_total{node="X",to="B",outcome="error"}'), 1);
    });
    await withEmulator(emulatorSpec({ callGroups: [{ name: 'g', calls: [syncCall('B', { optional: true })] }] }), { B: bad.url }, async (base) => {
      assert.is((await fetchText(`${base}/n/X`)).status, 200);
    });
    assert.is(bad.hits(), 2);
  } finally {
    bad.server.closeAllConnections();
    bad.server.close();
  }
});

test('a call that times out is retried: 1 + max attempts reach the callee, then the request fails', async () => {
  const slow = await fakeCallee(200, 2000);
  try {
    const call = syncCall('B', { timeout: 0.03, retries: { max: 2, backoff: 0.005, jitter: 0.5 } });
    await withEmulator(emulatorSpec({ callGroups: [{ name: 'g', calls: [call] }] }), { B: slow.url }, async (base) => {
      assert.is((await fetchText(`${base}/n/X`)).status, 500);
      assert.is(slow.hits(), 3);
      const m = (await fetchText(`${base}/metrics`)).body;
      assert.is(metricValue(m, 'shadow_call_attempts_total{node="X",to="B",outcome="timeout"}'), 3);
    });
  } finally {
    slow.server.closeAllConnections();
    slow.server.close();
  }
});

test('other nodes are 404, /healthz answers, a bad method is 405', async () => {
  await withEmulator(emulatorSpec(), {}, async (base) => {
    assert.is((await fetchText(`${base}/n/Y`)).status, 404);
    const h = await fetchText(`${base}/healthz`);
    assert.is(h.status, 200);
    assert.is((JSON.parse(h.body) as { node: string }).node, 'X');
  });
});

test('the predicted initial work occupies workers and queue at start, and real requests wait behind it', async () => {
  const spec = emulatorSpec({ replicas: 2, workersPerReplica: 1, queuePerReplica: 5, service: { type: 'deterministic', value: 0.2 }, initial: { busy: 2, queued: 3 } });
  await withEmulator(spec, {}, async (base, e) => {
    const t = Date.now();
    e.preload();
    assert.is(e.station.busy, 2);
    assert.is(e.station.queued, 3);
    const m = (await fetchText(`${base}/metrics`)).body;
    assert.is(metricValue(m, 'shadow_queue_depth{node="X"}'), 3);
    assert.is(metricValue(m, 'shadow_in_flight{node="X"}'), 5);
    assert.is((await fetchText(`${base}/n/X`)).status, 200);
    // 3 queued over 2 replicas: the new request is third on its replica (0.2 s of the busy one, 0.2 queued, then its own).
    assert.ok(Date.now() - t >= 580, `answered ${Date.now() - t} ms after the preload`);
    // The last synthetic request ends about when ours does: wait for the station to empty.
    while (e.station.busy > 0) await new Promise((r) => setTimeout(r, 5));
    const after = (await fetchText(`${base}/metrics`)).body;
    assert.is(metricValue(after, 'shadow_initial_requests_total{node="X",outcome="ok"}'), 5);
    assert.is(metricValue(after, 'shadow_requests_total{node="X",outcome="ok"}'), 1);
  });
});

test('configuration errors name the field', () => {
  const good = { format: EMULATOR_CONFIG_FORMAT, node: 'X', spec: emulatorSpec({ callGroups: [{ name: 'g', calls: [syncCall('B')] }] }), k: 2, seed: 1, callees: { B: 'http://127.0.0.1:1' }, listen: { host: '127.0.0.1', port: 0 } };
  assert.ok(parseEmulatorConfig(good, 'c.json'));
  assert.throws(() => parseEmulatorConfig({ ...good, callees: {} }, 'c.json'), /c\.json: spec\.callGroups\[0\]\.calls\[0\]\.to: callee B has no address/);
  assert.throws(() => parseEmulatorConfig({ ...good, k: 0.5 }, 'c.json'), /k: must be a finite number >= 1/);
  assert.throws(() => parseEmulatorConfig({ ...good, spec: { ...good.spec, service: { type: 'exponential', mean: -1 } } }, 'c.json'), /spec\.service/);
  assert.throws(() => parseEmulatorConfig({ ...good, spec: { ...good.spec, workersPerReplica: 0 } }, 'c.json'), /workersPerReplica/);
});

test.run();
