import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { injectTraffic, INJECT_FILE } from './inject.js';
import { NotLoopbackError, isLoopbackHost } from './inject-loopback.js';
import { planArrivals } from './inject-schedule.js';
import { constantSchedule, startServer } from './inject-test-support.js';

test('open loop holds a constant 300 req/s for 3 s: everything scheduled is sent, spread evenly over the window', async () => {
  const server = await startServer();
  try {
    // Production 600 req/s at k = 2 is 300 req/s in the shadow.
    const r = await injectTraffic({ targets: [{ entry: 'in', url: server.url, schedule: constantSchedule(600) }], k: 2, durationShadowSeconds: 3, maxRequests: 100_000, seed: 7, lagBoundMs: 200 });
    // The seeded Poisson count: expected 900, sd √900 = 30; 4 sd = 120.
    assert.ok(Math.abs(r.expected - 900) < 1e-6, `expected ${r.expected}`);
    assert.ok(Math.abs(r.scheduled - 900) <= 120, `scheduled ${r.scheduled}`);
    assert.is(r.sent, r.scheduled);
    assert.is(r.unsent, 0);
    assert.is(server.arrivals.length, r.sent);
    assert.is(r.ok, r.sent);
    assert.is(r.errors + r.failed + r.timeouts, 0);
    assert.ok(Math.abs(r.rate.achieved / r.rate.scheduled - 1) < 0.05, `achieved ${r.rate.achieved} vs ${r.rate.scheduled}`);
    assert.ok(Math.abs(r.production.rate.expected - 600) < 1e-6);
    // Open loop at the server: each second gets its ~300 (Poisson sd √300 ≈ 17; 4 sd ≈ 70), not a burst.
    const first = server.arrivals[0]!;
    const perSecond = [0, 0, 0];
    for (const t of server.arrivals) perSecond[Math.min(2, Math.floor((t - first) / 1000))]!++;
    for (const n of perSecond) assert.ok(Math.abs(n - 300) <= 70, `per second ${perSecond}`);
    assert.ok(r.latency.count === r.ok && r.latency.p50! > 0 && r.latency.p50! <= r.latency.p99!);
    assert.is(r.production.latency.p50, r.latency.p50! / 2);
  } finally {
    await server.close();
  }
});

test('stops at maxRequests, before the duration', async () => {
  const server = await startServer();
  try {
    const t0 = Date.now();
    const r = await injectTraffic({ targets: [{ entry: 'in', url: server.url, schedule: constantSchedule(1000) }], k: 1, durationShadowSeconds: 10, maxRequests: 50, seed: 1, lagBoundMs: 200 });
    assert.is(r.sent, 50);
    assert.is(server.arrivals.length, 50);
    assert.ok(r.capped);
    assert.ok(r.windowSeconds < 1, `window ${r.windowSeconds}`);
    assert.ok(Date.now() - t0 < 5000);
  } finally {
    await server.close();
  }
});

test('refuses a non-loopback target or metrics URL before sending anything', async () => {
  for (const url of ['http://10.0.0.1:8080/', 'http://example.com/', 'https://127.0.0.1/', 'http://128.0.0.1/', 'not a url']) {
    await injectTraffic({ targets: [{ entry: 'in', url, schedule: constantSchedule(10) }], k: 1, durationShadowSeconds: 1, maxRequests: 10, seed: 1 }).then(
      () => assert.unreachable(`accepted ${url}`),
      (e: unknown) => assert.instance(e, NotLoopbackError),
    );
  }
  const server = await startServer();
  try {
    await injectTraffic({ targets: [{ entry: 'in', url: server.url, schedule: constantSchedule(10) }], metricsUrls: { api: 'http://192.168.1.1/metrics' }, k: 1, durationShadowSeconds: 1, maxRequests: 10, seed: 1 }).then(
      () => assert.unreachable('accepted a remote metrics URL'),
      (e: unknown) => assert.instance(e, NotLoopbackError),
    );
    assert.is(server.arrivals.length, 0);
  } finally {
    await server.close();
  }
  assert.ok(isLoopbackHost('127.3.2.1') && isLoopbackHost('localhost') && isLoopbackHost('[::1]'));
  assert.not.ok(isLoopbackHost('127.0.0.1.example.com'));
});

test('latency counts from the scheduled send time: a 200 ms stall shows in the p99, not hidden by late sends', async () => {
  let stalled = false;
  let start = 0;
  // The server blocks the (shared) event loop for 200 ms once, 1 s in: the injector cannot send during it either.
  const server = await startServer((_req, res) => {
    const now = Date.now();
    if (start === 0) start = now;
    if (!stalled && now - start > 1000) {
      stalled = true;
      while (Date.now() - now < 200) { /* stall */ }
    }
    res.end('ok');
  });
  try {
    const r = await injectTraffic({ targets: [{ entry: 'in', url: server.url, schedule: constantSchedule(200) }], k: 1, durationShadowSeconds: 2, maxRequests: 10_000, seed: 3 });
    assert.ok(stalled);
    // ~40 of ~400 requests were scheduled inside the stall, with 0..200 ms left of it: the p99 is near 200 ms.
    assert.ok(r.latency.p99! >= 0.15, `p99 ${r.latency.p99}`);
    assert.ok(r.latency.p50! < 0.05, `p50 ${r.latency.p50}`);
    assert.ok(r.lag.max >= 150, `lag max ${r.lag.max}`);
    assert.ok(r.saturated, 'a send lag of 200 ms is saturation');
    // The stall is in second 1; on a busy machine scheduling delays may already have made second 0 late.
    assert.ok(r.saturation.at === 0 || r.saturation.at === 1, `saturated at ${r.saturation.at}`);
    assert.ok(Math.abs(r.saturation.targetRateAt! - 200) < 1e-9);
  } finally {
    await server.close();
  }
});

test('outstanding answers after the grace period are timeouts; the report is written to outDir', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shadow-inject-'));
  // Answers only every other request; the rest hang.
  let n = 0;
  const server = await startServer((_req, res) => {
    if (n++ % 2 === 0) res.end('ok');
  });
  try {
    const r = await injectTraffic({ targets: [{ entry: 'in', url: server.url, schedule: constantSchedule(50) }], k: 1, durationShadowSeconds: 0.5, maxRequests: 1000, seed: 5, graceSeconds: 0.3, outDir: dir });
    assert.ok(r.sent > 5);
    assert.is(r.ok + r.timeouts, r.sent);
    assert.is(r.ok, Math.ceil(r.sent / 2));
    const written = JSON.parse(await readFile(join(dir, INJECT_FILE), 'utf8')) as { sent: number; timeouts: number };
    assert.is(written.sent, r.sent);
    assert.is(written.timeouts, r.timeouts);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('non-2xx answers are errors', async () => {
  const server = await startServer((_req, res) => {
    res.statusCode = 503;
    res.end();
  });
  try {
    const r = await injectTraffic({ targets: [{ entry: 'in', url: server.url, schedule: constantSchedule(100) }], k: 1, durationShadowSeconds: 0.3, maxRequests: 1000, seed: 2 });
    assert.ok(r.sent > 0);
    assert.is(r.errors, r.sent);
    assert.is(r.ok, 0);
  } finally {
    await server.close();
  }
});

test('the arrival plan is a function of the seed; rates are divided and steps stretched by k', () => {
  const s = { ...constantSchedule(0), step: 10, rates: [100, 0, 400] };
  const a = planArrivals([s], 4, 90, 1e6, 'x');
  const b = planArrivals([s], 4, 90, 1e6, 'x');
  assert.equal(Array.from(a.atMs), Array.from(b.atMs));
  assert.not.equal(Array.from(planArrivals([s], 4, 90, 1e6, 'y').atMs), Array.from(a.atMs));
  // Shadow: 25 req/s on [0, 40), nothing on [40, 80), 100 req/s after.
  assert.is(a.expected, 25 * 40 + 100 * 10);
  assert.ok(Array.from(a.atMs).every((t) => t < 40_000 || t >= 80_000));
  const det = planArrivals([{ ...s, process: 'deterministic', rates: [10] }], 1, 1, 1e6, 1);
  assert.equal(Array.from(det.atMs).map((t) => Math.round(t)), [100, 200, 300, 400, 500, 600, 700, 800, 900]);
});

test.run();
