import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mmc } from '../../engine/queueing-theory.js';
import { twinOf } from '../../twins/flow/test-twins.js';
import { SHADOW_PLAN_FORMAT, type ShadowPlan } from '../../twins/shadow/plan-types.js';
import { compareShadow, comparisonTable, type MeasuredNode, type PredictedNode } from '../../twins/shadow/compare.js';
import { COMPARE_FILE, compareShadowRun, predictAtShadowLoad, twinAsShadowed } from './compare.js';
import { INJECT_FILE, INJECT_FORMAT } from './inject.js';
import { constantSchedule } from './inject-test-support.js';

const twin = twinOf({
  nodes: [
    { id: 'api', kind: 'service', replicas: 2, servers: 8, service: { type: 'exponential', mean: 0.1 } },
    { id: 'db', kind: 'service', replicas: 1, servers: 4, service: { type: 'exponential', mean: 0.05 } },
  ],
  entries: [{ id: 'in', node: 'api', rate: 99 }, { id: 'other', node: 'db', rate: 5 }],
});

const emulator = (replicas: number, workers: number) => ({
  replicas, workersPerReplica: workers, queuePerReplica: null, service: { type: 'exponential', mean: 0.1 }, delay: 0, work: 'sleep', callGroups: [],
  initial: { busy: 0, queued: 0 }, cores: 1, memoryBytes: 1e8,
}) as unknown as NonNullable<ShadowPlan['nodes'][number]['emulator']>;

function planWith(rate: number): ShadowPlan {
  return {
    format: SHADOW_PLAN_FORMAT, createdAt: '2024-01-01T00:00:00Z', target: 'local',
    twin: { name: twin.name, source: twin.source, hash: 'x' }, result: { dir: 'r', replications: 10, horizon: 600, seed: 1 }, forecast: null,
    fidelity: { value: 0.5, threshold: 0.1, depth: 1, auto: null }, mode: 'reproduce',
    budget: { processes: 4, cores: 2, memoryBytes: 1e9 }, dilation: { k: 2, reason: 'test' }, startAt: 0, duration: 600,
    nodes: [
      { id: 'api', action: 'duplicate', reasons: ['test'], pFail: null, emulator: emulator(1, 4), stub: null },
      { id: 'db', action: 'duplicate', reasons: ['test'], pFail: null, emulator: emulator(1, 4), stub: null },
    ],
    traffic: [{ ...constantSchedule(rate, 'in', 'api'), step: 600 }],
    dropped: [], trimmed: [], warnings: [], cost: { processes: 2, cores: 2, memoryBytes: 2e8, shadowSeconds: 1200, requests: rate * 600 },
  };
}

test('the prediction is the twin at the shadow load and size: M/M/4 at the injected rate, other entries silent', () => {
  const plan = planWith(20);
  const shadowed = twinAsShadowed(twin, plan);
  assert.equal(shadowed.twin.entries.map((e) => e.id), ['in']);
  assert.is(shadowed.twin.nodes[0]!.replicas, 1);
  assert.is(shadowed.twin.nodes[0]!.servers, 4);
  const p = predictAtShadowLoad(twin, plan, { horizon: 2000, replications: 8, seed: 3 });
  const api = p.get('api')!;
  assert.ok(Math.abs(api.throughput! / 20 - 1) < 0.05, `throughput ${api.throughput}`);
  assert.ok(Math.abs(api.utilization! / 0.5 - 1) < 0.05, `utilization ${api.utilization}`);
  const w = mmc(20, 10, 4).w;
  assert.ok(Math.abs(api.meanLatency! / w - 1) < 0.05, `mean ${api.meanLatency} vs M/M/4 ${w}`);
  assert.is(p.get('db')!.throughput, 0);
});

test('compare: relative errors against tolerances; a node without data is missing and never passes', () => {
  const predicted = new Map<string, PredictedNode>([
    ['api', { id: 'api', throughput: 20, utilization: 0.5, meanLatency: 0.1, p50: 0.08, p95: 0.3 }],
    ['db', { id: 'db', throughput: 5, utilization: 0.1, meanLatency: 0.05, p50: 0.04, p95: 0.15 }],
  ]);
  const measured = new Map<string, MeasuredNode>([
    ['api', { id: 'api', available: true, productionSeconds: 60, responses: 1200, throughput: 20.4, busyWorkers: 2.1, meanLatency: 0.11, p50: 0.082, p95: 0.31 }],
    ['db', { id: 'db', available: false, reason: 'no metrics at the end: crashed or unreachable (ECONNREFUSED)' }],
  ]);
  const c = compareShadow({ k: 2, nodes: [{ id: 'api', workers: 4 }, { id: 'db', workers: 4 }, { id: 'cache', workers: 1 }], measured, predicted });
  const api = c.nodes[0]!;
  assert.is(api.status, 'compared');
  assert.ok(Math.abs(api.figures!.throughput.relativeError! - 0.02) < 1e-12);
  assert.ok(Math.abs(api.figures!.utilization.measured! - 0.525) < 1e-12);
  assert.ok(api.pass, JSON.stringify(api));
  assert.is(c.nodes[1]!.status, 'missing');
  assert.not.ok(c.nodes[1]!.pass);
  assert.match(c.nodes[1]!.notes[0]!, /crashed/);
  assert.is(c.nodes[2]!.status, 'missing');
  assert.not.ok(c.pass);
  const table = comparisonTable(c);
  assert.match(table, /MISSING: no metrics at the end/);
  assert.match(table, /FAIL: 1\/3 nodes/);
  // Outside tolerance fails even when available.
  const off = compareShadow({ k: 1, nodes: [{ id: 'api', workers: 4 }], measured: new Map([['api', { ...measured.get('api')!, meanLatency: 0.2 } as MeasuredNode]]), predicted });
  assert.not.ok(off.pass);
  assert.not.ok(off.nodes[0]!.figures!.meanLatency.pass);
});

test('compareShadowRun reads inject.json, writes compare.json, marks the crashed node missing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shadow-compare-'));
  try {
    const plan = planWith(20);
    const report = {
      format: INJECT_FORMAT, k: 2, windowSeconds: 120,
      nodes: {
        api: { id: 'api', available: true, productionSeconds: 60, responses: 1200, throughput: 20, busyWorkers: 2, meanLatency: mmc(20, 10, 4).w, p50: 0.07, p95: 0.3 },
        db: { id: 'db', available: false, reason: 'no metrics at the start (connect ECONNREFUSED)' },
      },
    };
    await writeFile(join(dir, INJECT_FILE), JSON.stringify(report));
    const r = await compareShadowRun({ dir, plan, twin, replications: 4, seed: 1 });
    const written = JSON.parse(await readFile(join(dir, COMPARE_FILE), 'utf8')) as typeof r.comparison;
    assert.equal(written.nodes.map((n) => n.status), ['compared', 'missing']);
    assert.is(written.nodes[0]!.figures!.throughput.predicted !== null, true);
    assert.not.ok(written.pass);
    assert.match(r.table, /db .*MISSING/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
