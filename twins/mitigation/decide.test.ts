import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePolicyText } from './policy-read.js';
import { autoApprovalRule, decideApply, decideApproval, decideChangeAllowed, type ApplyContext, type ApprovalRecord } from './decide.js';
import { proposalContentHash } from './decide-hash.js';
import { TEST_NOW, TEST_POLICY_YAML, testPolicy, testProposal } from './decide-test-support.js';
import type { Proposal } from './types.js';

const approval = (p: Proposal, by: string, role = 'sre', hash = proposalContentHash(p)): ApprovalRecord => ({ proposalId: p.id, proposalHash: hash, by, role, decision: 'approve', reason: 'ok', at: TEST_NOW.toISOString() });
const ctx = (p: Proposal, extra: Partial<ApplyContext> = {}): ApplyContext => ({
  policy: testPolicy(), proposal: p, hash: proposalContentHash(p), proposer: 'engine', state: 'proposed', approvals: [], recentChanges: [], now: TEST_NOW, ...extra,
});
const code = (d: ReturnType<typeof decideApply>): string => (d.allowed ? 'allowed' : d.code);

test('auto-approval: a small scale-out whose paired interval excludes no improvement', () => {
  assert.equal(autoApprovalRule(testPolicy(), testProposal({ from: 1, to: 3 })), { rule: 'small-scale-out' });
  const big = autoApprovalRule(testPolicy(), testProposal({ from: 1, to: 4 }));
  assert.is(big.rule, null);
  assert.match((big as { why: string }).why, /step 3 > 2/);
  const open = autoApprovalRule(testPolicy(), testProposal({ change: { lo: -0.2, hi: 0.01 } }));
  assert.is(open.rule, null);
  assert.match((open as { why: string }).why, /not better|does not exclude no improvement/);
});

test('apply without approval is refused; two distinct approvers allow it', () => {
  const p = testProposal();
  assert.is(code(decideApply(ctx(p))), 'not-approved');
  assert.is(code(decideApply(ctx(p, { approvals: [approval(p, 'ann')] }))), 'not-approved');
  const ok = decideApply(ctx(p, { approvals: [approval(p, 'ann'), approval(p, 'bob')] }));
  assert.ok(ok.allowed);
  assert.match((ok as { basis: string }).basis, /approved by ann, bob/);
});

test('two-person rule: the proposer and the same person twice do not count; nor does a wrong role', () => {
  const p = testProposal();
  assert.is(code(decideApply(ctx(p, { approvals: [approval(p, 'engine'), approval(p, 'ann')] }))), 'not-approved');
  assert.is(code(decideApply(ctx(p, { approvals: [approval(p, 'ann'), approval(p, 'ann')] }))), 'not-approved');
  assert.is(code(decideApply(ctx(p, { approvals: [approval(p, 'ann'), approval(p, 'bob', 'intern')] }))), 'not-approved');
  const h = proposalContentHash(p);
  const req = { by: 'ann', role: 'sre', decision: 'approve' as const, proposalId: p.id, proposalHash: h };
  assert.is(code(decideApproval(testPolicy(), p, h, 'engine', 'proposed', [], { ...req, role: 'intern' }, TEST_NOW)), 'wrong-role');
  assert.is(code(decideApproval(testPolicy(), p, h, 'ann', 'proposed', [], req, TEST_NOW)), 'self-approval');
  assert.is(code(decideApproval(testPolicy(), p, h, 'engine', 'proposed', [approval(p, 'ann')], req, TEST_NOW)), 'duplicate-approver');
  assert.ok(decideApproval(testPolicy(), p, h, 'engine', 'proposed', [], req, TEST_NOW).allowed);
});

test('an approval replayed onto another proposal, or onto edited content, does not count', () => {
  const a = testProposal({ id: 'p-a' });
  const b = testProposal({ id: 'p-b', to: 3 });
  const replayed = [approval(a, 'ann'), approval(a, 'bob')].map((r) => ({ ...r, proposalId: b.id }));
  assert.is(code(decideApply(ctx(b, { approvals: replayed }))), 'not-approved');
  const edited = { ...a, choice: 'edited after approval' };
  assert.is(code(decideApply(ctx(edited, { approvals: [approval(a, 'ann'), approval(a, 'bob')] }))), 'not-approved');
  const h = proposalContentHash(b);
  assert.is(code(decideApproval(testPolicy(), b, h, 'engine', 'proposed', [], { by: 'ann', role: 'sre', decision: 'approve', proposalId: a.id, proposalHash: proposalContentHash(a) }, TEST_NOW)), 'approval-mismatch');
});

test('expiry, applying twice, a rejected proposal', () => {
  const p = testProposal();
  const ok = [approval(p, 'ann'), approval(p, 'bob')];
  assert.is(code(decideApply(ctx(p, { approvals: ok, now: new Date('2026-01-05T12:00:00Z') }))), 'expired');
  assert.is(code(decideApply(ctx(p, { approvals: ok, state: 'applied' }))), 'already-applied');
  assert.is(code(decideApply(ctx(p, { approvals: ok, state: 'rolledBack' }))), 'already-applied');
  const failed = decideApply(ctx(p, { approvals: ok, state: 'failed' }));
  assert.is(code(failed), 'already-applied');
  assert.ok(!failed.allowed && /failed while it was being applied/.test(failed.reason), 'a failed apply is not called applied');
  assert.is(code(decideApply(ctx(p, { approvals: ok, state: 'rejected' }))), 'rejected');
});

test('bounds, steps, nodes and actions of the policy', () => {
  const pol = testPolicy();
  assert.is(code(decideChangeAllowed(pol, testProposal({ from: 5, to: 7 }))), 'out-of-bounds');
  assert.is(code(decideChangeAllowed(pol, testProposal({ from: 1, to: 5 }))), 'step-too-large');
  assert.is(code(decideChangeAllowed(pol, testProposal({ node: 'cart', from: 1, to: 5 }))), 'out-of-bounds');
  assert.ok(decideChangeAllowed(pol, testProposal({ node: 'cart', from: 1, to: 4 })).allowed);
  const noStar = parsePolicyText(TEST_POLICY_YAML.replace(/  "\*":\n    actions: \[scaleOut\]\n    bounds:\n      replicas: \{ min: 1, max: 4 \}\n/, ''), 'p.yaml');
  assert.is(code(decideChangeAllowed(noStar, testProposal({ node: 'cart' }))), 'node-not-allowed');
  const p = testProposal();
  const autoscale = { ...p, strategy: { ...p.strategy, action: 'autoscale' as const, deltas: [] } };
  assert.is(code(decideChangeAllowed(pol, autoscale)), 'action-not-allowed');
  const noFrom = { ...p, strategy: { ...p.strategy, params: { to: 2 } } };
  assert.match((decideChangeAllowed(pol, noFrom) as { reason: string }).reason, /params\.from/);
});

test('never scale in on a prediction; on production observations it may', () => {
  const pol = testPolicy();
  for (const source of ['risk', 'shadow'] as const) {
    const d = decideChangeAllowed(pol, testProposal({ from: 3, to: 2, source }));
    assert.is(code(d), 'scale-in-on-prediction');
    assert.match((d as { reason: string }).reason, /on a prediction/);
  }
  assert.ok(decideChangeAllowed(pol, testProposal({ from: 3, to: 2, source: 'drift' })).allowed);
  assert.is(autoApprovalRule(pol, testProposal({ from: 3, to: 2, source: 'drift' })).rule, null, 'auto-approval never covers a decrease');
});

test('change windows and the hourly rate limit', () => {
  const p = { ...testProposal(), autoApproved: { rule: 'small-scale-out' } };
  assert.ok(decideApply(ctx(p)).allowed);
  const recent = [new Date('2026-01-05T09:40:00Z'), new Date('2026-01-05T10:00:00Z'), new Date('2026-01-05T10:20:00Z')];
  assert.is(code(decideApply(ctx(p, { recentChanges: recent }))), 'rate-limited');
  assert.ok(decideApply(ctx(p, { recentChanges: [new Date('2026-01-05T09:29:00Z'), ...recent.slice(1)] })).allowed, 'older than an hour does not count');
  const windowed = parsePolicyText(TEST_POLICY_YAML + 'changeWindows:\n  - { days: [tue], from: "09:00", to: "17:00" }\n', 'p.yaml');
  assert.is(code(decideApply(ctx(p, { policy: windowed }))), 'outside-change-window');
});

test('a forged auto-approval flag is not trusted', () => {
  const p = { ...testProposal({ from: 1, to: 4 }), autoApproved: { rule: 'small-scale-out' } };
  const d = decideApply(ctx(p));
  assert.is(code(d), 'not-approved');
  assert.match((d as { reason: string }).reason, /claims auto-approval/);
});

test('a shadow that did not confirm the strategy leaves it to people; a confirmed one does not stand in the way', () => {
  const confirmation = (verdict: 'confirmed' | 'not-confirmed' | 'inconclusive') => ({
    verdict, node: 'recommendation', metric: 'latency_p95_s', windowSeconds: 10, stepSeconds: 0.1, baseline: null, candidate: null, judge: null, reason: `${verdict} by hand`,
  });
  for (const verdict of ['not-confirmed', 'inconclusive'] as const) {
    const r = autoApprovalRule(testPolicy(), { ...testProposal(), shadowConfirmation: confirmation(verdict) });
    assert.is(r.rule, null, verdict);
    assert.match((r as { why: string }).why, new RegExp(`the shadow did not confirm it \\(${verdict}\\)`));
    const forged = { ...testProposal(), shadowConfirmation: confirmation(verdict), autoApproved: { rule: 'small-scale-out' } };
    assert.is(code(decideApply(ctx(forged))), 'not-approved', 'a stored flag does not override it');
  }
  assert.equal(autoApprovalRule(testPolicy(), { ...testProposal(), shadowConfirmation: confirmation('confirmed') }), { rule: 'small-scale-out' });
});

test.run();
