import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createStream } from '../../engine/rng.js';
import { STUB_CONFIG_FORMAT, parseStubConfig } from '../../twins/shadow/stub-config.js';
import { Stub, stubLatency, stubLatencyQuantile } from './stub-server.js';
import { httpStatus } from './inject-test-support.js';

const status = httpStatus;

test('the latency fit matches p50 and p99; degenerate quantiles give a fixed latency', () => {
  const spec = { latency: { p50: 0.01, p95: 0.03, p99: 0.05 }, errorRate: 0 };
  assert.ok(Math.abs(stubLatencyQuantile(spec, 0.5) - 0.01) < 1e-9);
  assert.ok(Math.abs(stubLatencyQuantile(spec, 0.99) - 0.05) < 1e-9);
  const d = stubLatency(spec);
  const rng = createStream(1, 0, 'fit');
  const xs = Array.from({ length: 20000 }, () => d.sample(rng)).sort((a, b) => a - b);
  assert.ok(Math.abs(xs[10000]! / 0.01 - 1) < 0.05, `sample median ${xs[10000]}`);
  assert.ok(Math.abs(xs[19800]! / 0.05 - 1) < 0.1, `sample p99 ${xs[19800]}`);
  assert.is(stubLatency({ latency: { p50: 0, p95: 0, p99: 0 }, errorRate: 0 }).sample(rng), 0);
  assert.is(stubLatency({ latency: { p50: 0.02, p95: 0.01, p99: 0.01 }, errorRate: 0 }).variance, 0);
});

test('one process serves every stubbed node: errors at errorRate, unknown nodes 404', async () => {
  const config = parseStubConfig({
    format: STUB_CONFIG_FORMAT, k: 2, seed: 5, listen: { host: '127.0.0.1', port: 0 },
    nodes: {
      fine: { latency: { p50: 0.001, p95: 0.002, p99: 0.003 }, errorRate: 0 },
      broken: { latency: { p50: 0.001, p95: 0.002, p99: 0.003 }, errorRate: 1 },
      'half/way': { latency: { p50: 0.0005, p95: 0.001, p99: 0.002 }, errorRate: 0.5 },
    },
  }, 'stub.json');
  const stub = new Stub(config);
  const port = await stub.listen();
  const base = `http://127.0.0.1:${port}`;
  try {
    assert.is(await status(`${base}/n/fine`), 200);
    assert.is(await status(`${base}/n/broken`), 500);
    assert.is(await status(`${base}/n/nobody`), 404);
    const half = await Promise.all(Array.from({ length: 200 }, () => status(`${base}/n/${encodeURIComponent('half/way')}`)));
    const errors = half.filter((s) => s === 500).length;
    assert.ok(errors > 60 && errors < 140, `${errors} errors of 200 at rate 0.5`);
    assert.ok(half.every((s) => s === 200 || s === 500));
  } finally {
    stub.server.closeAllConnections();
    stub.server.close();
  }
});

test('stub configuration errors name the field', () => {
  assert.throws(() => parseStubConfig({ format: STUB_CONFIG_FORMAT, k: 1, seed: 1, listen: { host: 'h', port: 0 }, nodes: { a: { latency: { p50: 1, p95: 1 }, errorRate: 0 } } }, 's.json'), /s\.json: nodes\.a\.latency\.p99/);
  assert.throws(() => parseStubConfig({ format: STUB_CONFIG_FORMAT, k: 1, seed: 1, listen: { host: 'h', port: 0 }, nodes: { a: { latency: { p50: 1, p95: 1, p99: 1 }, errorRate: 2 } } }, 's.json'), /errorRate/);
});

test.run();
