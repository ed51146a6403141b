/**
 * Verifying an applied change later (`shadowcast mitigate verify ID`): the
 * same judgement as right after an apply (verify.ts, verifyApplied: a window
 * of the target's metric, its median against the predicted interval and the
 * value before the change; no data is inconclusive, never a pass; outside
 * the interval or worse rolls back), for a change applied earlier, without
 * verification or held by the policy. What differs is where "before" comes
 * from, since its window has passed. In order:
 *
 *  1. a value the caller gives (`--before`);
 *  2. the source's history, where it keeps one (Prometheus): the window that
 *     ended when the change was applied (the store's application record);
 *  3. the before-median an earlier verification of this proposal measured
 *     for this node and metric (its audit record);
 *  4. none: the judgement is then inconclusive (nothing says the change is
 *     not worse), which rolls back unless the policy says hold.
 *
 * Only an applied (or verified) change is verified: any other state is a
 * refusal, audited.
 */
import { changeOf, type Applier } from './appliers/applier.js';
import { readAudit } from './audit.js';
import type { MetricWatch } from './metric-watch.js';
import { MitigationRefusedError } from './refusal.js';
import type { MitigationStore, StoredProposal } from './store.js';
import { median, predictedFromConfirmation, verifyApplied, type VerifyJudgement, type VerifySpec } from './verify.js';
import { appendAudited, ENGINE } from './workflow.js';

export interface VerifyLaterOptions {
  readonly metric: string;
  /** Seconds to watch; default the policy's verify window. */
  readonly windowSeconds?: number;
  /** The metric's predicted interval after the change; default the shadow confirmation's p05–p95 of this metric, else none. */
  readonly predicted?: { readonly lo: number; readonly hi: number } | null;
  /** The metric's value before the change, when the caller knows it; default: found as above. */
  readonly before?: number;
  readonly tolerance?: number;
  readonly by?: string;
  readonly now?: () => Date;
}

export interface BeforeValue {
  readonly median: number | null;
  /** Where it came from, or why there is none. */
  readonly source: string;
  readonly points: number | null;
}

export interface VerifyLaterResult {
  readonly proposal: StoredProposal;
  readonly before: BeforeValue;
  readonly predicted: { readonly lo: number; readonly hi: number } | null;
  readonly judgement: VerifyJudgement;
}

/** The before-median of the latest audited verification of this proposal's node and metric that had one. */
function auditedBefore(audit: string, id: string, node: string, metric: string): { median: number; at: string } | null {
  const records = readAudit(audit).filter((r) => r.what === 'verify' && r.proposal === id);
  for (const r of records.reverse()) {
    const e = r.evidence as { node?: unknown; metric?: unknown; before?: unknown } | null;
    if (e && e.node === node && e.metric === metric && typeof e.before === 'number' && Number.isFinite(e.before)) return { median: e.before, at: r.at };
  }
  return null;
}

/** Where "before" comes from (the module comment's order). */
export async function findBefore(store: MitigationStore, audit: string, id: string, node: string, watch: MetricWatch, metric: string, windowSeconds: number, given?: number): Promise<BeforeValue> {
  if (given !== undefined) return { median: given, source: 'given (--before)', points: null };
  const minPoints = store.require(id).policy.verify.minPoints;
  const applied = store.applications(id).filter((a) => a.kind === 'apply').at(-1);
  let why = 'the metric source keeps no history';
  if (watch.past && applied) {
    const at = Date.parse(applied.at);
    try {
      const values = (await watch.past(node, metric, at - windowSeconds * 1000, at)).filter(Number.isFinite);
      if (values.length >= minPoints) return { median: median(values), source: `${watch.source}: the ${windowSeconds} s before the change was applied at ${applied.at}`, points: values.length };
      why = `${values.length} point(s) in the ${windowSeconds} s before the change was applied at ${applied.at}, fewer than the ${minPoints} the policy requires`;
    } catch (e) {
      why = `the history could not be read: ${(e as Error).message}`;
    }
  }
  const earlier = auditedBefore(audit, id, node, metric);
  if (earlier) return { median: earlier.median, source: `the before-window of the verification at ${earlier.at} (audit log)`, points: null };
  return { median: null, source: `none: ${why}, and no earlier verification of ${metric} measured one`, points: null };
}

/** Verifies an applied change now: watches the target for a window, audits the judgement, keeps, holds or rolls back. */
export async function verifyLater(store: MitigationStore, audit: string, id: string, applier: Applier, watch: MetricWatch, o: VerifyLaterOptions): Promise<VerifyLaterResult> {
  const now = o.now ?? (() => new Date());
  const s = store.require(id);
  if (s.state !== 'applied' && s.state !== 'verified') {
    const reason = `proposal ${id} is ${s.state}: only an applied change is verified`;
    appendAudited(store, audit, { who: o.by ?? ENGINE, what: 'verify', proposal: id, why: reason, evidence: { code: 'wrong-state', state: s.state }, decision: 'refused' }, now());
    throw new MitigationRefusedError(`verify refused: ${reason}`, 'wrong-state');
  }
  const node = changeOf(s.proposal).target;
  const windowSeconds = o.windowSeconds ?? s.policy.verify.windowSeconds;
  const before = await findBefore(store, audit, id, node, watch, o.metric, windowSeconds, o.before);
  const predicted = o.predicted !== undefined ? o.predicted : predictedFromConfirmation(store, id, node, o.metric);
  const spec: VerifySpec = { node, metric: o.metric, predicted, before: before.median, beforeSource: before.source, ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}) };
  const judgement = await verifyApplied(store, audit, id, applier, watch, spec, { windowSeconds, now });
  return { proposal: store.require(id), before, predicted, judgement };
}
