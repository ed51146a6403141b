/**
 * The workflow against the attempts to get around it: each is refused with a
 * clear message AND leaves a refusal in the audit log; the store stays
 * consistent, and two processes racing to apply one proposal: one wins.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { TEST_NOW, testPolicy, testProposal } from '../../twins/mitigation/decide-test-support.js';
import type { Proposal } from '../../twins/mitigation/types.js';
import type { Applier } from './appliers/applier.js';
import { commandApplier } from './appliers/command.js';
import { dryRunApplier } from './appliers/dry-run.js';
import { appendAudit, readAudit, verifyAudit } from './audit.js';
import { MitigationRefusedError } from './refusal.js';
import { MitigationStore } from './store.js';
import { applyProposal, decideOnProposal, recordProposal, rollbackProposal } from './workflow.js';

interface Ctx { store: MitigationStore; audit: string; dir: string; db: string }
async function withStore(body: (c: Ctx) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mitigate-'));
  const db = join(dir, 'mitigation.db');
  const store = new MitigationStore(db);
  try {
    await body({ store, audit: join(dir, 'audit.jsonl'), dir, db });
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Records what it was asked to do; changes nothing outside the test. */
function recordingApplier(): Applier & { calls: string[] } {
  const calls: string[] = [];
  return { ...dryRunApplier, name: 'command', changesSomething: true, calls, apply: async (c) => { calls.push(`apply ${c.field?.to}`); return 'done'; }, rollback: async (c) => { calls.push(`rollback ${c.field?.from}`); return 'undone'; } };
}

const opts = { now: TEST_NOW };

/** A store with one proposal applied (with the applier that applied it) and one more proposed; the audit log as it then is. */
async function appliedThenProposed(c: Ctx) {
  const applied = testProposal({ id: 'p-applied', node: 'a' });
  recordProposal(c.store, c.audit, applied, testPolicy(), opts);
  const applier = recordingApplier();
  await applyProposal(c.store, c.audit, applied.id, applier, opts);
  const p = testProposal({ id: 'p-next', from: 1, to: 4 });
  recordProposal(c.store, c.audit, p, testPolicy(), opts);
  const intact = readFileSync(c.audit, 'utf8');
  return { applied, applier, p, intact, lines: intact.trimEnd().split('\n') };
}
const approve = (c: Ctx, id: string, by: string, role = 'sre') => decideOnProposal(c.store, c.audit, { id, by, role, reason: 'looks right', decision: 'approve' }, opts);

async function refusedWith(promise: Promise<unknown> | (() => unknown), code: string, message: RegExp): Promise<void> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    assert.instance(e, MitigationRefusedError);
    assert.is((e as MitigationRefusedError).code, code, (e as Error).message);
    assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected a refusal ${code}`);
}

function lastAudit(c: Ctx): { decision: string; why: string; code: unknown } {
  const r = readAudit(c.audit).at(-1)!;
  return { decision: r.decision, why: r.why, code: (r.evidence as { code?: unknown } | null)?.code };
}

test('record: a small scale-out is auto-approved by the policy and applied; the trail verifies', () => withStore(async (c) => {
  const s = recordProposal(c.store, c.audit, testProposal(), testPolicy(), opts);
  assert.is(s.state, 'approved');
  assert.equal(s.proposal.autoApproved, { rule: 'small-scale-out' });
  const applier = recordingApplier();
  const r = await applyProposal(c.store, c.audit, s.proposal.id, applier, opts);
  assert.is(r.proposal.state, 'applied');
  assert.equal(applier.calls, ['apply 2']);
  assert.equal(readAudit(c.audit).map((a) => `${a.what}:${a.decision}`), ['propose:auto-approved', 'apply:allowed', 'apply:done']);
  assert.ok(verifyAudit(c.audit).ok);
}));

test('apply without approval is refused and audited', () => withStore(async (c) => {
  const p = testProposal({ from: 1, to: 4 }); // step 3: no auto-approval
  assert.is(recordProposal(c.store, c.audit, p, testPolicy(), opts).state, 'proposed');
  await refusedWith(applyProposal(c.store, c.audit, p.id, recordingApplier(), opts), 'not-approved', /has 0 of the 2 approval/);
  assert.equal(lastAudit(c), { decision: 'refused', why: lastAudit(c).why, code: 'not-approved' });
  await refusedWith(applyProposal(c.store, c.audit, p.id, dryRunApplier, opts), 'not-approved', /approval/);
  assert.is(c.store.require(p.id).state, 'proposed');
}));

test('approve with the wrong role, self-approval and the same person twice are refused and audited; two others approve', () => withStore(async (c) => {
  const p = testProposal({ from: 1, to: 4 });
  recordProposal(c.store, c.audit, p, testPolicy(), { ...opts, proposer: 'carol' });
  await refusedWith(() => approve(c, p.id, 'dave', 'intern'), 'wrong-role', /role 'intern' may not approve/);
  assert.is(lastAudit(c).code, 'wrong-role');
  await refusedWith(() => approve(c, p.id, 'carol'), 'self-approval', /carol proposed .* may not approve/);
  assert.is(lastAudit(c).code, 'self-approval');
  assert.is(approve(c, p.id, 'ann').state, 'proposed');
  await refusedWith(() => approve(c, p.id, 'ann'), 'duplicate-approver', /one person counts once/);
  assert.is(lastAudit(c).code, 'duplicate-approver');
  assert.is(approve(c, p.id, 'bob').state, 'approved');
  assert.is((await applyProposal(c.store, c.audit, p.id, recordingApplier(), opts)).proposal.state, 'applied');
}));

test('an approval replayed onto another proposal is refused; one copied in the database does not count', () => withStore(async (c) => {
  const a = testProposal({ id: 'p-a', from: 1, to: 4 });
  const b = testProposal({ id: 'p-b', from: 2, to: 5 });
  recordProposal(c.store, c.audit, a, testPolicy(), opts);
  recordProposal(c.store, c.audit, b, testPolicy(), opts);
  approve(c, a.id, 'ann');
  approve(c, a.id, 'bob');
  const hashA = c.store.require(a.id).hash;
  await refusedWith(() => decideOnProposal(c.store, c.audit, { id: b.id, by: 'ann', role: 'sre', reason: 'replay', decision: 'approve', hash: hashA }, opts), 'approval-mismatch', /given for other content \(.*\), not for p-b as stored/);
  assert.is(lastAudit(c).code, 'approval-mismatch');
  // Someone with write access copies A's approvals onto B in the store.
  const db = new Database(c.db);
  db.prepare("INSERT INTO approvals (proposal_id, proposal_hash, by, role, decision, reason, at) SELECT 'p-b', proposal_hash, by, role, decision, reason, at FROM approvals WHERE proposal_id = 'p-a'").run();
  db.prepare("UPDATE proposals SET state = 'approved' WHERE id = 'p-b'").run();
  db.close();
  await refusedWith(applyProposal(c.store, c.audit, b.id, recordingApplier(), opts), 'not-approved', /0 of the 2 approval/);
  assert.is(lastAudit(c).code, 'not-approved');
}));

test('apply after expiry and apply twice are refused and audited', () => withStore(async (c) => {
  const p = testProposal();
  recordProposal(c.store, c.audit, p, testPolicy(), opts);
  await refusedWith(applyProposal(c.store, c.audit, p.id, recordingApplier(), { now: new Date('2026-01-05T12:00:01Z') }), 'expired', /expired at 2026-01-05T12:00:00/);
  assert.is(lastAudit(c).code, 'expired');
  await applyProposal(c.store, c.audit, p.id, recordingApplier(), opts);
  await refusedWith(applyProposal(c.store, c.audit, p.id, recordingApplier(), opts), 'already-applied', /already applied/);
  assert.is(lastAudit(c).code, 'already-applied');
}));

test('a change outside the bounds and a scale-in on a prediction are refused when recorded, and audited', () => withStore(async (c) => {
  await refusedWith(() => recordProposal(c.store, c.audit, testProposal({ from: 5, to: 7 }), testPolicy(), opts), 'out-of-bounds', /outside the policy's bounds \[1, 6\]/);
  assert.is(lastAudit(c).decision, 'refused');
  assert.is(c.store.require('p-recommendation-5-7').state, 'rejected');
  await refusedWith(() => recordProposal(c.store, c.audit, testProposal({ from: 3, to: 2 }), testPolicy(), opts), 'scale-in-on-prediction', /on a prediction/);
  assert.is(lastAudit(c).decision, 'refused');
  await refusedWith(applyProposal(c.store, c.audit, 'p-recommendation-3-2', recordingApplier(), opts), 'rejected', /was rejected/);
}));

test('shell metacharacters in a command applier argument are refused before anything runs, and audited', () => withStore(async (c) => {
  const p = testProposal({ id: 'p-evil', node: 'cart;touch pwned' });
  recordProposal(c.store, c.audit, p, testPolicy(), opts);
  const applier = commandApplier({ apply: ['kubectl', 'scale', 'deployment/{node}', '--replicas={replicas}'], rollback: ['kubectl', 'scale', 'deployment/{node}', '--replicas={replicas}'] });
  await refusedWith(applyProposal(c.store, c.audit, p.id, applier, opts), 'applier-refused', /\{node\} would be "cart;touch pwned"/);
  assert.is(lastAudit(c).code, 'applier-refused');
  assert.is(c.store.require(p.id).state, 'approved', 'nothing was claimed');
}));

test('rollback with the applier that applied; refused before apply and with another applier', () => withStore(async (c) => {
  const p = testProposal();
  recordProposal(c.store, c.audit, p, testPolicy(), opts);
  await refusedWith(rollbackProposal(c.store, c.audit, p.id, recordingApplier(), opts), 'wrong-state', /only an applied change/);
  const applier = recordingApplier();
  await applyProposal(c.store, c.audit, p.id, applier, opts);
  await refusedWith(rollbackProposal(c.store, c.audit, p.id, { ...recordingApplier(), name: 'kubernetes' }, opts), 'wrong-state', /applied with the command applier/);
  const r = await rollbackProposal(c.store, c.audit, p.id, applier, opts);
  assert.is(r.proposal.state, 'rolledBack');
  assert.equal(applier.calls, ['apply 2', 'rollback 1']);
  assert.equal(c.store.history(p.id).map((h) => h.to), ['approved', 'applied', 'rolledBack']);
  assert.ok(verifyAudit(c.audit).ok);
}));

test('the hourly limit counts applies and rollbacks', () => withStore(async (c) => {
  const ids: string[] = [];
  for (const [i, node] of ['a', 'b', 'c', 'd'].entries()) {
    const p: Proposal = testProposal({ id: `p${i}`, node });
    recordProposal(c.store, c.audit, p, testPolicy(), opts);
    ids.push(p.id);
  }
  const applier = recordingApplier();
  await applyProposal(c.store, c.audit, ids[0]!, applier, opts);
  await rollbackProposal(c.store, c.audit, ids[0]!, applier, opts);
  await applyProposal(c.store, c.audit, ids[1]!, applier, opts);
  await refusedWith(applyProposal(c.store, c.audit, ids[2]!, applier, opts), 'rate-limited', /3 change\(s\) in the last hour/);
}));

test('a tampered, deleted or reordered audit line: propose, approve and apply are refused and audited; rollback still works', () => withStore(async (c) => {
  const { applied, applier, p, lines } = await appliedThenProposed(c);
  const cases: Array<[string, string[], RegExp]> = [
    ['edited', lines.map((l, i) => (i === 1 ? l.replace('"decision":"allowed"', '"decision":"refused"') : l)), /audit\.jsonl:2: record 1 was edited/],
    ['deleted', lines.filter((_, i) => i !== 1), /audit\.jsonl:2: record 1 deleted before record 2/],
    ['reordered', [lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)], /audit\.jsonl:2: record 2 is out of order/],
  ];
  for (const [what, broken, where] of cases) {
    writeFileSync(c.audit, `${broken.join('\n')}\n`);
    await refusedWith(() => approve(c, p.id, 'ann'), 'audit-broken', where);
    assert.equal([lastAudit(c).code, lastAudit(c).decision], ['audit-broken', 'refused'], what);
    await refusedWith(applyProposal(c.store, c.audit, applied.id, recordingApplier(), opts), 'audit-broken', /the audit log is broken/);
    await refusedWith(() => recordProposal(c.store, c.audit, testProposal({ id: `p-${what}`, node: 'b' }), testPolicy(), opts), 'audit-broken', where);
    assert.is(lastAudit(c).code, 'audit-broken', 'the refusal is appended to the log it refuses');
    assert.is(verifyAudit(c.audit).problem?.line, 2, `${what}: verify still names the first broken record`);
  }
  assert.equal(c.store.approvals(p.id), [], 'no approval was recorded');
  assert.is(c.store.get('p-edited'), null, 'nothing proposed');
  assert.is((await rollbackProposal(c.store, c.audit, applied.id, applier, opts)).proposal.state, 'rolledBack', 'undoing is never refused');
}));

test('a log cut short, emptied or deleted (its chain intact) stops propose, approve and apply against the head the store recorded; rollback still works', () => withStore(async (c) => {
  const { applied, applier, p, intact, lines } = await appliedThenProposed(c);
  assert.equal(c.store.auditHead(), { records: 4, lastHash: readAudit(c.audit).at(-1)!.hash }, 'the head is recorded with each append');
  const cases: Array<[string, () => void, RegExp]> = [
    ['emptied', () => writeFileSync(c.audit, ''), /the log is empty, but the store recorded 4 record\(s\)/],
    ['deleted', () => rmSync(c.audit), /the log is gone, but the store recorded 4 record\(s\)/],
    ['first line kept', () => writeFileSync(c.audit, `${lines[0]}\n`), /audit\.jsonl:2: the log ends after 1 record\(s\), but the store recorded 4/],
  ];
  for (const [what, cut, message] of cases) {
    cut();
    await refusedWith(() => approve(c, p.id, 'ann'), 'audit-broken', message);
    await refusedWith(applyProposal(c.store, c.audit, applied.id, recordingApplier(), opts), 'audit-broken', /the audit log is broken/);
    await refusedWith(() => recordProposal(c.store, c.audit, testProposal({ id: `p-${what.replace(/ /g, '-')}`, node: 'b' }), testPolicy(), opts), 'audit-broken', /the audit log is broken/);
    assert.is(lastAudit(c).code, 'audit-broken', `${what}: the refusal is appended`);
    assert.is(verifyAudit(c.audit, c.store.auditHead()).ok, false, `${what}: still broken after the refusals`);
    assert.is(c.store.auditHead()!.records, 4, `${what}: a refusal on a broken log does not move the head`);
  }
  assert.equal(c.store.approvals(p.id), [], 'no approval was recorded');
  assert.is((await rollbackProposal(c.store, c.audit, applied.id, applier, opts)).proposal.state, 'rolledBack', 'undoing is never refused');
  // Restored from a copy: the workflow goes on, and the head follows.
  writeFileSync(c.audit, intact);
  approve(c, p.id, 'ann');
  assert.is(c.store.auditHead()!.records, 5);
  assert.ok(verifyAudit(c.audit, c.store.auditHead()).ok);
}));

test('crash consistency: one record appended without its head (a step that stopped before its commit) is accepted and its head recorded next; a store from before heads were kept starts recording', () => withStore(async (c) => {
  const p = testProposal({ id: 'p-1', from: 1, to: 4 });
  recordProposal(c.store, c.audit, p, testPolicy(), opts);
  assert.is(c.store.auditHead()!.records, 1);
  // What a crash between the append and the commit leaves: the record in the log, the head one behind.
  appendAudit(c.audit, { who: 'ann', what: 'approve', proposal: p.id, why: 'crashed before its commit', evidence: null, decision: 'approved' });
  assert.is(c.store.auditHead()!.records, 1);
  approve(c, p.id, 'ann');
  assert.equal(c.store.auditHead(), { records: 3, lastHash: readAudit(c.audit).at(-1)!.hash }, 'accepted, and the new head recorded');
  // Two records past the head were written around the workflow: refused.
  appendAudit(c.audit, { who: 'x', what: 'test', proposal: null, why: 'a', evidence: null, decision: 'done' });
  appendAudit(c.audit, { who: 'x', what: 'test', proposal: null, why: 'b', evidence: null, decision: 'done' });
  await refusedWith(() => approve(c, p.id, 'bob'), 'audit-broken', /audit\.jsonl:5: record 4 was written around the workflow/);
  // A store made before heads were kept: no head, the log is held to its chain alone, and the next append records one.
  const legacy = new Database(c.db);
  legacy.exec('DELETE FROM audit_head');
  legacy.close();
  assert.is(c.store.auditHead(), null);
  approve(c, p.id, 'bob');
  assert.equal(c.store.auditHead(), { records: 7, lastHash: readAudit(c.audit).at(-1)!.hash });
}));

test('four processes race to apply one proposal: exactly one wins, the others are refused as already applied', () => withStore(async (c) => {
  const p = testProposal();
  recordProposal(c.store, c.audit, p, testPolicy(), opts);
  const helper = join(dirname(fileURLToPath(import.meta.url)), 'store-race-main.js');
  const start = String(Date.now() + 700);
  const outs = await Promise.all([0, 1, 2, 3].map(() => promisify(execFile)(process.execPath, [helper, c.db, c.audit, p.id, start])));
  const results = outs.map((o) => o.stdout.trim()).sort();
  assert.equal(results, ['refused already-applied', 'refused already-applied', 'refused already-applied', 'won']);
  assert.is(c.store.applications(p.id).length, 1);
  assert.ok(verifyAudit(c.audit, c.store.auditHead()).ok);
  assert.is(c.store.auditHead()!.records, readAudit(c.audit).length, 'every racer recorded the head of its own append');
}));

test.run();
