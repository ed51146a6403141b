/**
 * Pure decisions of the workflow: may this proposal be approved, rejected or
 * applied now, by whom, given the policy, the proposal, its approvals and the
 * recent changes. No clock, no store: `now` and the history are arguments, so
 * every refusal can be tested and audited with the same reason the CLI shows.
 *
 * A refusal carries a code (for tests and the audit log) and a message that
 * says what was refused and why.
 */
import { inChangeWindow, rulesFor, type BoundedField, type Policy } from './policy.js';
import { BOUNDED_ACTIONS } from './policy-read.js';
import type { Proposal, ProposalState } from './types.js';

export type RefusalCode =
  | 'not-approved' | 'wrong-role' | 'self-approval' | 'duplicate-approver' | 'approval-mismatch'
  | 'expired' | 'already-applied' | 'rejected' | 'wrong-state'
  | 'node-not-allowed' | 'action-not-allowed' | 'out-of-bounds' | 'step-too-large' | 'scale-in-on-prediction'
  | 'no-change' | 'outside-change-window' | 'rate-limited'
  /** An applier refused its arguments (runs/mitigation/appliers). */
  | 'applier-refused'
  /** The audit log's hash chain is broken (a record edited, deleted or reordered): nothing changes until it is restored. */
  | 'audit-broken';

export type Decision =
  | { readonly allowed: true; readonly basis: string }
  | { readonly allowed: false; readonly code: RefusalCode; readonly reason: string };

const refuse = (code: RefusalCode, reason: string): Decision => ({ allowed: false, code, reason });

/** One recorded approval or rejection, bound to the proposal's id and content hash. */
export interface ApprovalRecord {
  readonly proposalId: string;
  readonly proposalHash: string;
  readonly by: string;
  readonly role: string;
  readonly decision: 'approve' | 'reject';
  readonly reason: string;
  readonly at: string;
}

/** A change of one bounded field of one node, read from a scale strategy (params `from` and `to`, and its one delta). */
export interface FieldChange {
  readonly node: string;
  readonly field: BoundedField;
  readonly from: number;
  readonly to: number;
}

/**
 * The bounded change a proposal makes, or null when its action changes no
 * bounded field (rate limits, timeouts...). Throws when a scale strategy does
 * not say where it starts from: without `from` it can be neither bounded by
 * step nor rolled back.
 */
export function fieldChangeOf(proposal: Proposal): FieldChange | null {
  const s = proposal.strategy;
  const field = BOUNDED_ACTIONS[s.action];
  if (field === undefined) return null;
  const delta = s.deltas.find((d) => d.op === field);
  if (delta === undefined || (delta.op !== 'replicas' && delta.op !== 'servers')) {
    throw new Error(`strategy ${s.id}: a ${s.action} strategy must carry a '${field}' delta`);
  }
  const to = delta.op === 'replicas' ? delta.replicas : delta.servers;
  const from = s.params.from;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) {
    throw new Error(`strategy ${s.id}: params.from (the current ${field}) must be a whole number >= 0, got ${JSON.stringify(from)}`);
  }
  return { node: delta.node, field, from, to };
}

/** Anomaly sources that are observations of production; everything else (risk, exhaustion, shadow) is a prediction. */
const OBSERVED_SOURCES = new Set(['drift']);

/** Whether the proposal may be applied at all under the policy: node, action, bounds, step, and never scale in on a prediction. */
export function decideChangeAllowed(policy: Policy, proposal: Proposal): Decision {
  const s = proposal.strategy;
  let change: FieldChange | null;
  try {
    change = fieldChangeOf(proposal);
  } catch (e) {
    return refuse('out-of-bounds', (e as Error).message);
  }
  const node = change?.node ?? s.target;
  const rules = rulesFor(policy, node);
  if (rules === null) return refuse('node-not-allowed', `the policy allows no change to node '${node}' (it lists neither it nor '*')`);
  if (!rules.actions.includes(s.action)) return refuse('action-not-allowed', `the policy does not allow ${s.action} on '${node}' (allowed: ${rules.actions.join(', ')})`);
  if (change === null) return { allowed: true, basis: `${s.action} is allowed on '${node}'` };
  if (change.to === change.from) return refuse('no-change', `${change.field} of '${node}' is already ${change.to}`);
  const observed = proposal.anomalies.length > 0 && proposal.anomalies.every((a) => OBSERVED_SOURCES.has(a.source));
  if (change.to < change.from && !observed) {
    return refuse('scale-in-on-prediction', `${change.field} of '${node}' would go down from ${change.from} to ${change.to} on a prediction (evidence: ${proposal.anomalies.map((a) => a.source).join(', ') || 'none'}); capacity is reduced only on production observations`);
  }
  const bound = rules.bounds[change.field];
  if (bound !== undefined) {
    if (change.to < bound.min || change.to > bound.max) {
      return refuse('out-of-bounds', `${change.field} of '${node}' would be ${change.to}, outside the policy's bounds [${bound.min}, ${bound.max}]`);
    }
    const step = Math.abs(change.to - change.from);
    if (bound.maxStep !== undefined && step > bound.maxStep) {
      return refuse('step-too-large', `${change.field} of '${node}' would change by ${step} (${change.from} → ${change.to}); the policy allows at most ${bound.maxStep} in one change`);
    }
  }
  return { allowed: true, basis: `${s.action} of '${node}' ${change.from} → ${change.to} is within the policy` };
}

/** The auto-approve rule that covers the proposal, or null with why none does. */
export function autoApprovalRule(policy: Policy, proposal: Proposal): { readonly rule: string } | { readonly rule: null; readonly why: string } {
  const allowed = decideChangeAllowed(policy, proposal);
  if (!allowed.allowed) return { rule: null, why: allowed.reason };
  const change = fieldChangeOf(proposal);
  // A shadow that tried the strategy and did not confirm it leaves the decision to people.
  const confirmation = proposal.shadowConfirmation;
  if (confirmation !== undefined && confirmation.verdict !== 'confirmed') return { rule: null, why: `the shadow did not confirm it (${confirmation.verdict}): ${confirmation.reason}` };
  const whys: string[] = [];
  for (const r of policy.autoApprove) {
    if (r.action !== proposal.strategy.action || change === null) { whys.push(`${r.name}: covers ${r.action} only`); continue; }
    const step = change.to - change.from;
    if (step <= 0) { whys.push(`${r.name}: covers increases only`); continue; }
    if (step > r.maxStep) { whys.push(`${r.name}: step ${step} > ${r.maxStep}`); continue; }
    if (r.requireExcludesNoImprovement) {
      const ev = proposal.evaluation;
      const addressed = new Set(proposal.anomalies.map((a) => a.node));
      const effects = ev.nodes.filter((n) => addressed.has(n.node));
      if (ev.verdict !== 'better') { whys.push(`${r.name}: the evaluation is ${ev.verdict}, not better`); continue; }
      if (effects.length === 0) { whys.push(`${r.name}: the evaluation has no effect on the addressed nodes`); continue; }
      const open = effects.filter((n) => !(n.change.hi < 0));
      if (open.length > 0) { whys.push(`${r.name}: the paired interval of ${open.map((n) => `${n.node} [${n.change.lo}, ${n.change.hi}]`).join(', ')} does not exclude no improvement`); continue; }
    }
    return { rule: r.name };
  }
  return { rule: null, why: whys.length > 0 ? whys.join('; ') : 'the policy has no auto-approve rule' };
}

export function isExpired(proposal: Proposal, now: Date): boolean {
  return now.getTime() >= Date.parse(proposal.expiresAt);
}

/** Approvals that count: bound to this proposal's id and content hash, by an allowed role, not by the proposer, one per person. */
export function countedApprovers(policy: Policy, proposal: Proposal, hash: string, proposer: string, records: readonly ApprovalRecord[]): string[] {
  const out = new Set<string>();
  for (const a of records) {
    if (a.decision !== 'approve' || a.proposalId !== proposal.id || a.proposalHash !== hash) continue;
    if (!policy.approvals.roles.includes(a.role) || a.by === proposer) continue;
    out.add(a.by);
  }
  return [...out];
}

export interface ApprovalRequest {
  readonly by: string;
  readonly role: string;
  readonly decision: 'approve' | 'reject';
  /** The id and content hash the approver saw. */
  readonly proposalId: string;
  readonly proposalHash: string;
}

/** May this person approve (or reject) the proposal now? */
export function decideApproval(policy: Policy, proposal: Proposal, hash: string, proposer: string, state: ProposalState, records: readonly ApprovalRecord[], req: ApprovalRequest, now: Date): Decision {
  if (req.proposalId !== proposal.id || req.proposalHash !== hash) {
    const given = req.proposalId !== proposal.id ? `proposal ${req.proposalId}` : `other content (${req.proposalHash.slice(0, 12)}…)`;
    return refuse('approval-mismatch', `this approval was given for ${given}, not for ${proposal.id} as stored (content ${hash.slice(0, 12)}…)`);
  }
  if (state !== 'proposed' && state !== 'approved') return refuse(state === 'rejected' ? 'rejected' : 'wrong-state', `proposal ${proposal.id} is ${state}: it can no longer be ${req.decision === 'approve' ? 'approved' : 'rejected'}`);
  if (isExpired(proposal, now)) return refuse('expired', `proposal ${proposal.id} expired at ${proposal.expiresAt}`);
  if (!policy.approvals.roles.includes(req.role)) return refuse('wrong-role', `role '${req.role}' may not ${req.decision} (the policy's approver roles: ${policy.approvals.roles.join(', ')})`);
  if (req.by === proposer) return refuse('self-approval', `${req.by} proposed ${proposal.id} and may not ${req.decision} it`);
  if (records.some((a) => a.proposalId === proposal.id && a.by === req.by)) return refuse('duplicate-approver', `${req.by} has already decided on ${proposal.id}; one person counts once`);
  return { allowed: true, basis: `${req.by} (${req.role}) may ${req.decision} ${proposal.id}` };
}

export interface ApplyContext {
  readonly policy: Policy;
  readonly proposal: Proposal;
  readonly hash: string;
  readonly proposer: string;
  readonly state: ProposalState;
  readonly approvals: readonly ApprovalRecord[];
  /** When changes (applies and rollbacks) were made, any proposal. */
  readonly recentChanges: readonly Date[];
  readonly now: Date;
}

/** May the proposal be applied now? Order: its state, expiry, the policy's limits on the change, approval, window, rate. */
export function decideApply(c: ApplyContext): Decision {
  const { proposal: p, policy, now } = c;
  // A failed apply reached the target (its applier ran and broke): the target may be half-changed, so it is not retried blindly.
  if (c.state === 'failed') return refuse('already-applied', `proposal ${p.id} failed while it was being applied (state failed): the target may be half-changed; check it by hand, then propose again`);
  if (c.state === 'applied' || c.state === 'verified' || c.state === 'rolledBack') return refuse('already-applied', `proposal ${p.id} was already applied (state ${c.state}); a proposal is applied once`);
  if (c.state === 'rejected') return refuse('rejected', `proposal ${p.id} was rejected`);
  if (c.state === 'expired' || isExpired(p, now)) return refuse('expired', `proposal ${p.id} expired at ${p.expiresAt}; propose again from fresh evidence`);
  const allowed = decideChangeAllowed(policy, p);
  if (!allowed.allowed) return allowed;
  let basis: string;
  if (p.autoApproved !== null) {
    // The stored flag is not trusted alone: the rule must still exist and still cover the proposal.
    const auto = autoApprovalRule(policy, p);
    if (auto.rule !== p.autoApproved.rule) return refuse('not-approved', `proposal ${p.id} claims auto-approval by rule '${p.autoApproved.rule}', which the policy does not grant (${auto.rule === null ? auto.why : `it matches '${auto.rule}'`})`);
    basis = `auto-approved by rule '${auto.rule}'`;
  } else {
    const approvers = countedApprovers(policy, p, c.hash, c.proposer, c.approvals);
    if (approvers.length < policy.approvals.required) {
      return refuse('not-approved', `proposal ${p.id} has ${approvers.length} of the ${policy.approvals.required} approval(s) the policy requires (distinct people with role ${policy.approvals.roles.join(' or ')}, not the proposer, given for this content)`);
    }
    basis = `approved by ${approvers.join(', ')}`;
  }
  if (!inChangeWindow(policy, now)) return refuse('outside-change-window', `${now.toISOString()} is outside the policy's change windows`);
  const hourAgo = now.getTime() - 3600_000;
  const lastHour = c.recentChanges.filter((t) => t.getTime() > hourAgo).length;
  if (lastHour >= policy.maxChangesPerHour) return refuse('rate-limited', `${lastHour} change(s) in the last hour; the policy allows at most ${policy.maxChangesPerHour} per hour`);
  return { allowed: true, basis: `${basis}; ${allowed.basis}` };
}
