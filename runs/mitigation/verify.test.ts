import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_NOW, TEST_POLICY_YAML, testPolicy, testProposal } from '../../twins/mitigation/decide-test-support.js';
import { parsePolicyText } from '../../twins/mitigation/policy-read.js';
import type { Policy } from '../../twins/mitigation/policy.js';
import type { Applier } from './appliers/applier.js';
import { dryRunApplier } from './appliers/dry-run.js';
import { readAudit } from './audit.js';
import { MitigationStore } from './store.js';
import type { MetricWatch } from './metric-watch.js';
import { applyAndVerify, judgeWindow, verifyApplied, type VerifySpec } from './verify.js';
import { withRecordedProposal } from './verify-test-support.js';
import { recordProposal } from './workflow.js';

const spec: VerifySpec = { node: 'recommendation', metric: 'latency_p99', predicted: { lo: 0.1, hi: 0.3 }, before: 0.4 };
const many = (x: number, n = 10): number[] => Array.from({ length: n }, (_, i) => x + (i % 3) * 0.001);

test('judge: inside the prediction and better passes; outside, worse, or too few points never passes', () => {
  assert.equal(judgeWindow(many(0.2), spec, 5, 'rollback').verdict, 'pass');
  assert.equal(judgeWindow(many(0.35), spec, 5, 'rollback').action, 'rollback');
  assert.match(judgeWindow(many(0.35), spec, 5, 'rollback').reason, /outside the predicted interval/);
  assert.match(judgeWindow(many(0.25), { ...spec, before: 0.2 }, 5, 'rollback').reason, /worse than before/);
  const noBefore = judgeWindow(many(0.2), { ...spec, before: null }, 5, 'rollback');
  assert.equal([noBefore.verdict, noBefore.action], ['inconclusive', 'rollback'], 'nothing to compare with is never a pass');
  assert.is(judgeWindow(many(0.9), { ...spec, predicted: null }, 5, 'hold').verdict, 'fail', 'worse than before without a prediction');
  const none = judgeWindow([], spec, 5, 'rollback');
  assert.equal([none.verdict, none.action], ['inconclusive', 'rollback']);
  const few = judgeWindow([0.2, 0.2, NaN, 0.2], spec, 5, 'hold');
  assert.equal([few.verdict, few.action, few.points], ['inconclusive', 'hold', 3]);
});

async function scenario(policy: Policy, samples: number[] | Error): Promise<{ state: string; calls: string[]; audit: string[] }> {
  return withRecordedProposal(policy, true, async ({ store, audit, id, applier, calls }) => {
    const watched: number[] = [];
    const watch: MetricWatch = {
      source: 'test',
      watch: async (node, metric, ms) => {
        assert.equal([node, metric], ['recommendation', 'latency_p99']);
        watched.push(ms);
        if (samples instanceof Error) throw samples;
        return samples;
      },
    };
    await verifyApplied(store, audit, id, applier, watch, spec, { now: () => TEST_NOW });
    assert.equal(watched, [60_000], "the policy's window");
    return { state: store.require(id).state, calls, audit: readAudit(audit).map((r) => `${r.what}:${r.decision}`) };
  });
}

test('after apply: a pass is kept and marked verified', async () => {
  const r = await scenario(testPolicy(), many(0.2));
  assert.equal([r.state, r.calls], ['verified', ['apply']]);
  assert.ok(r.audit.includes('verify:pass: keep'));
});

test('after apply: worse than predicted rolls back automatically', async () => {
  const r = await scenario(testPolicy(), many(0.5));
  assert.equal([r.state, r.calls], ['rolledBack', ['apply', 'rollback']]);
  assert.equal(r.audit.slice(-3), ['verify:fail: rollback', 'rollback:allowed', 'rollback:done']);
});

test('after apply: no data rolls back, unless the policy says hold', async () => {
  assert.equal((await scenario(testPolicy(), [])).state, 'rolledBack');
  const unreadable = await scenario(testPolicy(), new Error('connection refused'));
  assert.equal([unreadable.state, unreadable.audit.includes('verify:inconclusive: rollback')], ['rolledBack', true], 'a metric source that cannot be read is no data');
  const hold = parsePolicyText(TEST_POLICY_YAML.replace('onNoData: rollback', 'onNoData: hold'), 'p.yaml');
  const r = await scenario(hold, [0.2]);
  assert.equal([r.state, r.calls], ['applied', ['apply']]);
  assert.ok(r.audit.includes('verify:inconclusive: hold'));
});

test('apply and verify: a refused apply is refused at once, audited, without watching a window first', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'verify-'));
  const store = new MitigationStore(join(dir, 'db'));
  const audit = join(dir, 'audit.jsonl');
  try {
    const p = testProposal({ from: 1, to: 4, expiresAt: new Date(Date.now() + 3600_000).toISOString() }); // step 3: needs two people
    recordProposal(store, audit, p, testPolicy());
    let watched = 0;
    const watch: MetricWatch = { source: 'test', watch: async () => { watched++; return many(0.2); } };
    const applier: Applier = { ...dryRunApplier, name: 'command', changesSomething: true };
    await applyAndVerify(store, audit, p.id, applier, watch, { metric: 'latency_p99' }).then(() => assert.unreachable('applied'), (e: Error) => assert.match(e.message, /apply refused: .* 0 of the 2 approval/));
    assert.is(watched, 0);
    assert.equal(readAudit(audit).map((r) => `${r.what}:${r.decision}`), ['propose:proposed', 'apply:refused']);
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
