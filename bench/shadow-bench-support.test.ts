/**
 * The shadow bench's own pieces: the loopback target runs in a separate
 * process, answers (at once, or after its sleep), and is gone after close;
 * the 10-process fan-out plan is a valid local plan with three start levels.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { get } from 'node:http';
import { performance } from 'node:perf_hooks';
import { localLayout } from '../runs/shadow/materialise-plan.js';
import { fanOutPlan, singleNodePlan } from './shadow-plans.js';
import { startTargetProcess } from './shadow-target.js';

function fetchOk(url: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }));
    }).on('error', reject);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('the target server runs in its own process, answers after its sleep, and is gone after close', async () => {
  const now = await startTargetProcess(0);
  const slow = await startTargetProcess(30);
  try {
    assert.is.not(now.pid, process.pid);
    assert.ok(/^http:\/\/127\.0\.0\.1:\d+\/$/.test(now.url), now.url);
    const a = await fetchOk(now.url);
    assert.equal([a.status, a.body], [200, 'ok']);
    const b = await fetchOk(slow.url);
    assert.equal([b.status, b.body], [200, 'ok']);
    assert.ok(b.ms >= 29, `answered after ${b.ms} ms, expected the 30 ms sleep`);
  } finally {
    await now.close();
    await slow.close();
  }
  assert.not.ok(alive(now.pid), 'target process still running after close');
  assert.not.ok(alive(slow.pid), 'target process still running after close');
});

test('the fan-out plan starts 9 emulators in three levels, callees first, and one stub process', () => {
  const layout = localLayout(fanOutPlan());
  assert.is(layout.emulators.size, 9);
  assert.equal([...layout.stubs.keys()], ['s']);
  assert.equal(layout.levels.map((l) => [...l].sort()), [['e', 'f', 'g', 'h'], ['a', 'b', 'c', 'd'], ['gw']]);
  const gw = layout.emulators.get('gw')!;
  assert.equal(gw.callGroups.map((g) => g.calls.map((c) => c.to)), [['a', 'b', 'c'], ['d']]);
});

test('a single-node plan carries its seed to the processes and its rate to the traffic', () => {
  const plan = singleNodePlan('M', { service: { type: 'exponential', mean: 0.005 }, workersPerReplica: 4 }, 560, 4, 3, 9);
  const layout = localLayout(plan);
  assert.is(plan.result.seed, 9);
  assert.is(plan.dilation.k, 4);
  assert.equal(plan.traffic.map((t) => [t.node, t.rates[0]]), [['M', 560]]);
  assert.is(layout.emulators.get('M')!.workersPerReplica, 4);
  assert.is(layout.emulators.get('M')!.queuePerReplica, null);
});

test.run();
