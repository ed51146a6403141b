/**
 * The workflow around a proposal: record (with the policy's auto-approval),
 * approve or reject, apply, roll back. Each step decides with the pure rules
 * (twins/mitigation/decide.ts) inside an IMMEDIATE transaction of the store,
 * so concurrent commands see one order; each step, allowed or refused, is
 * appended to the audit log. An allowed step's audit record is written inside
 * its transaction (a failed append undoes the state change); a refusal's
 * after it, then MitigationRefusedError is thrown with the same reason.
 * Every append goes through appendAudited, which records the log's new head
 * in the store in the same transaction, so a log cut short is seen.
 */
import { autoApprovalRule, decideApply, decideApproval, decideChangeAllowed, countedApprovers, type Decision } from '../../twins/mitigation/decide.js';
import { proposalContentHash } from '../../twins/mitigation/decide-hash.js';
import type { Policy } from '../../twins/mitigation/policy.js';
import type { Proposal } from '../../twins/mitigation/types.js';
import { ApplierRefusal, changeOf, type Applier } from './appliers/applier.js';
import { existsSync } from 'node:fs';
import { appendAudit, verifyAudit, type AuditEntry, type AuditRecord, type AuditVerdict } from './audit.js';
import { MitigationApplyError, MitigationRefusedError } from './refusal.js';
import type { MitigationStore, StoredProposal } from './store.js';

/** Who acts when no person does. */
export const ENGINE = 'shadowcast';

export interface StepOptions {
  readonly now?: Date;
}

/**
 * The log checked against the head the store recorded (verifyAudit); null
 * when there is nothing to check: no log yet and no head (a new state folder).
 * A store made before heads were kept has none: its log is held to its chain
 * alone until the next append records one.
 */
function auditVerdict(store: MitigationStore, audit: string): AuditVerdict | null {
  const head = store.auditHead();
  if (head === null && !existsSync(audit)) return null;
  return verifyAudit(audit, head);
}

/**
 * Appends a record and records the log's new head in the store, in one
 * IMMEDIATE transaction (nested in the step's own when there is one), so
 * no other step appends in between. The record is written (and synced)
 * before the transaction commits: a crash in between leaves the log one
 * record past the head, which verifyAudit accepts and the next append
 * records. A log that does not match the head (or whose chain is broken) is
 * still appended to, e.g. the refusal that says so, but its head is not
 * moved: the log stays broken until it is restored.
 */
export function appendAudited(store: MitigationStore, audit: string, entry: AuditEntry, now?: Date): AuditRecord {
  return store.transaction(() => {
    const v = auditVerdict(store, audit);
    const record = appendAudit(audit, entry, now);
    if (v === null || v.ok) store.setAuditHead({ records: record.seq + 1, lastHash: record.hash }, now ?? new Date());
    return record;
  });
}

function refused(store: MitigationStore, audit: string, who: string, what: string, proposal: string | null, d: Decision & { allowed: false }, evidence: unknown, now: Date): never {
  appendAudited(store, audit, { who, what, proposal, why: d.reason, evidence: { code: d.code, ...(evidence as object) }, decision: 'refused' }, now);
  throw new MitigationRefusedError(`${what} refused: ${d.reason}`, d.code);
}

/**
 * A log whose chain is broken (a record edited, deleted or reordered), or
 * that no longer reaches the head the store recorded (records cut off its
 * end, emptied, deleted, rewritten), is no trail to act on: proposing,
 * approving and applying are refused until a person restores it, and the
 * refusal itself is appended (it chains from the last line, so `audit
 * verify` still names the first broken record). A torn last line is left to
 * appendAudit, which refuses every append after it. Rollback is never
 * refused: undoing must always be possible.
 */
function requireIntactAudit(store: MitigationStore, audit: string, who: string, what: string, proposal: string | null, now: Date): void {
  const v = auditVerdict(store, audit);
  if (v === null || v.ok || v.problem === null || v.problem.kind === 'torn') return;
  refused(store, audit, who, what, proposal, { allowed: false, code: 'audit-broken', reason: `the audit log is broken: ${v.problem.message}; nothing is changed until it is restored from a copy ('shadowcast audit verify' names the record; the store keeps its own history of every state change)` }, { line: v.problem.line, kind: v.problem.kind }, now);
}

/**
 * Stores a proposal under the policy it is judged by from now on, with the
 * policy's auto-approval applied (the proposal's `autoApproved` is set here,
 * never trusted from the caller), and audits it. A change the policy does not
 * allow at all is recorded as rejected, audited, and refused.
 */
export function recordProposal(store: MitigationStore, audit: string, proposal: Proposal, policy: Policy, options: StepOptions & { readonly proposer?: string } = {}): StoredProposal {
  const now = options.now ?? new Date();
  const proposer = options.proposer ?? ENGINE;
  requireIntactAudit(store, audit, proposer, 'propose', proposal.id, now);
  const allowed = decideChangeAllowed(policy, proposal);
  const auto = allowed.allowed ? autoApprovalRule(policy, proposal) : null;
  const stored: Proposal = { ...proposal, autoApproved: auto !== null && auto.rule !== null ? { rule: auto.rule } : null };
  const hash = proposalContentHash(stored);
  const evidence = { strategy: stored.strategy.id, anomalies: stored.anomalies.map((a) => a.id), verdict: stored.evaluation.verdict, hash };
  store.transaction(() => {
    const state = !allowed.allowed ? 'rejected' : stored.autoApproved !== null ? 'approved' : 'proposed';
    store.insertProposal(stored, hash, proposer, policy, state, now);
    const why = !allowed.allowed ? allowed.reason : stored.autoApproved !== null ? `auto-approved by rule '${stored.autoApproved.rule}'` : `awaiting ${policy.approvals.required} approval(s): ${auto !== null && auto.rule === null ? auto.why : ''}`;
    appendAudited(store, audit, { who: proposer, what: 'propose', proposal: stored.id, why, evidence: { ...evidence, choice: stored.choice }, decision: !allowed.allowed ? 'refused' : stored.autoApproved !== null ? 'auto-approved' : 'proposed' }, now);
  });
  if (!allowed.allowed) throw new MitigationRefusedError(`proposal ${stored.id} refused: ${allowed.reason}`, allowed.code);
  return store.require(stored.id);
}

export interface ApprovalInput {
  readonly id: string;
  readonly by: string;
  readonly role: string;
  readonly reason: string;
  readonly decision: 'approve' | 'reject';
  /** The content hash the person approved; default the stored one (the CLI shows it with the proposal). */
  readonly hash?: string;
}

/** Approves or rejects; the proposal becomes approved once enough distinct approvers have approved it, rejected on any rejection. */
export function decideOnProposal(store: MitigationStore, audit: string, input: ApprovalInput, options: StepOptions = {}): StoredProposal {
  const now = options.now ?? new Date();
  requireIntactAudit(store, audit, input.by, input.decision, input.id, now);
  let refusal: (Decision & { allowed: false }) | null = null;
  store.transaction(() => {
    const s = store.require(input.id);
    const records = store.approvals(input.id);
    const req = { by: input.by, role: input.role, decision: input.decision, proposalId: input.id, proposalHash: input.hash ?? s.hash };
    // The stored body is re-hashed: an edit of the stored proposal breaks every approval of it.
    const d = decideApproval(s.policy, s.proposal, proposalContentHash(s.proposal), s.proposer, s.state, records, req, now);
    if (!d.allowed) { refusal = d; return; }
    store.addApproval({ ...req, reason: input.reason, at: now.toISOString() });
    let decision: string = input.decision === 'approve' ? 'approved' : 'rejected';
    if (input.decision === 'reject') store.setState(input.id, 'rejected', input.by, input.reason, now);
    else {
      const approvers = countedApprovers(s.policy, s.proposal, s.hash, s.proposer, store.approvals(input.id));
      if (approvers.length >= s.policy.approvals.required && s.state === 'proposed') store.setState(input.id, 'approved', input.by, `approved by ${approvers.join(', ')}`, now);
      else if (s.state === 'proposed') decision = `approval ${approvers.length} of ${s.policy.approvals.required}`;
    }
    appendAudited(store, audit, { who: input.by, what: input.decision, proposal: input.id, why: input.reason, evidence: { role: input.role, hash: req.proposalHash, basis: d.basis }, decision }, now);
  });
  if (refusal !== null) refused(store, audit, input.by, input.decision, input.id, refusal, { role: input.role }, now);
  return store.require(input.id);
}

/** The pure apply decision on a stored proposal, its approvals and the store's recent changes. */
function applyDecision(store: MitigationStore, s: StoredProposal, now: Date): Decision {
  return decideApply({
    policy: s.policy, proposal: s.proposal, hash: proposalContentHash(s.proposal), proposer: s.proposer, state: s.state,
    approvals: store.approvals(s.proposal.id), recentChanges: store.changesSince(new Date(now.getTime() - 3600_000)), now,
  });
}

/**
 * Whether applyProposal would go ahead now (nothing claimed, nothing
 * audited): lets a caller that must first watch a window (verify's "before")
 * skip it when the apply will be refused anyway; applyProposal then decides
 * again, under the lock, and audits.
 */
export function wouldApply(store: MitigationStore, audit: string, id: string, applier: Applier, now = new Date()): boolean {
  try {
    applier.describe(changeOf(store.require(id).proposal), 'apply');
  } catch {
    return false;
  }
  const v = auditVerdict(store, audit);
  if (v !== null && !v.ok) return false;
  return applyDecision(store, store.require(id), now).allowed;
}

export interface ApplyResult {
  readonly proposal: StoredProposal;
  /** What the applier did or, for dry-run, would do. */
  readonly detail: string;
}

/**
 * Applies a proposal with an applier. Refused unless approved (by people or
 * the policy's auto-approval), unexpired, within the policy and not yet
 * applied; the applier's own checks (argument patterns) come first, so a
 * refused argument changes nothing. A dry run decides and audits like a real
 * apply but leaves the proposal applicable.
 */
export async function applyProposal(store: MitigationStore, audit: string, id: string, applier: Applier, options: StepOptions & { readonly by?: string } = {}): Promise<ApplyResult> {
  const now = options.now ?? new Date();
  const by = options.by ?? ENGINE;
  requireIntactAudit(store, audit, by, 'apply', id, now);
  const first = store.require(id);
  const change = changeOf(first.proposal);
  let description: string;
  try {
    description = applier.describe(change, 'apply');
  } catch (e) {
    if (!(e instanceof ApplierRefusal)) throw e;
    refused(store, audit, by, 'apply', id, { allowed: false, code: 'applier-refused', reason: e.message }, { applier: applier.name }, now);
  }
  const decide = (s: StoredProposal): Decision => applyDecision(store, s, now);
  if (!applier.changesSomething) {
    const d = decide(first);
    if (!d.allowed) refused(store, audit, by, 'apply', id, d, { applier: applier.name }, now);
    const detail = await applier.apply(change);
    appendAudited(store, audit, { who: by, what: 'apply', proposal: id, why: d.basis, evidence: { applier: applier.name, change: description }, decision: 'dry-run' }, now);
    return { proposal: first, detail };
  }
  const d = store.decideAndClaim(id, decide, (s, ok) => {
    store.setState(id, 'applied', by, ok.basis, now);
    store.addApplication({ proposalId: id, kind: 'apply', applier: applier.name, at: now.toISOString(), by, detail: description });
    appendAudited(store, audit, { who: by, what: 'apply', proposal: id, why: ok.basis, evidence: { applier: applier.name, change: description, hash: s.hash }, decision: 'allowed' }, now);
  });
  if (!d.allowed) refused(store, audit, by, 'apply', id, d, { applier: applier.name }, now);
  try {
    const detail = await applier.apply(change);
    appendAudited(store, audit, { who: by, what: 'apply', proposal: id, why: 'the applier finished', evidence: { applier: applier.name, detail }, decision: 'done' });
    return { proposal: store.require(id), detail };
  } catch (e) {
    const message = (e as Error).message;
    store.transaction(() => {
      store.setState(id, 'failed', by, message, new Date());
      appendAudited(store, audit, { who: by, what: 'apply', proposal: id, why: message, evidence: { applier: applier.name }, decision: 'failed' });
    });
    throw new MitigationApplyError(`apply of ${id} with the ${applier.name} applier failed: ${message} (the proposal is marked failed; check the target by hand)`, { cause: e });
  }
}

/**
 * Rolls an applied (or verified) change back with the applier that made it.
 * No approval is needed (it restores the state the approvals started from)
 * and the hourly limit does not apply: undoing must always be possible.
 */
export async function rollbackProposal(store: MitigationStore, audit: string, id: string, applier: Applier, options: StepOptions & { readonly by?: string; readonly why?: string } = {}): Promise<ApplyResult> {
  const now = options.now ?? new Date();
  const by = options.by ?? ENGINE;
  const why = options.why ?? 'rollback requested';
  const change = changeOf(store.require(id).proposal);
  const d = store.decideAndClaim(id, (s): Decision => {
    if (s.state !== 'applied' && s.state !== 'verified') return { allowed: false, code: 'wrong-state', reason: `proposal ${id} is ${s.state}: only an applied change can be rolled back` };
    const made = store.applications(id).filter((a) => a.kind === 'apply').at(-1);
    if (made !== undefined && made.applier !== applier.name) return { allowed: false, code: 'wrong-state', reason: `proposal ${id} was applied with the ${made.applier} applier; roll it back with the same one` };
    return { allowed: true, basis: why };
  }, () => {
    store.setState(id, 'rolledBack', by, why, now);
    store.addApplication({ proposalId: id, kind: 'rollback', applier: applier.name, at: now.toISOString(), by, detail: applier.describe(change, 'rollback') });
    appendAudited(store, audit, { who: by, what: 'rollback', proposal: id, why, evidence: { applier: applier.name, change: applier.describe(change, 'rollback') }, decision: 'allowed' }, now);
  });
  if (!d.allowed) refused(store, audit, by, 'rollback', id, d, { applier: applier.name }, now);
  try {
    const detail = await applier.rollback(change);
    appendAudited(store, audit, { who: by, what: 'rollback', proposal: id, why, evidence: { applier: applier.name, detail }, decision: 'done' });
    return { proposal: store.require(id), detail };
  } catch (e) {
    const message = (e as Error).message;
    store.transaction(() => {
      store.setState(id, 'failed', by, `rollback failed: ${message}`, new Date());
      appendAudited(store, audit, { who: by, what: 'rollback', proposal: id, why: message, evidence: { applier: applier.name }, decision: 'failed' });
    });
    throw new MitigationApplyError(`rollback of ${id} with the ${applier.name} applier failed: ${message} (the proposal is marked failed; check the target by hand)`, { cause: e });
  }
}
