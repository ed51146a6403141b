/**
 * Verify after apply: watch the target's metric for a window (through a
 * MetricWatch: the shadow's Prometheus endpoints or a Prometheus server,
 * metric-watch*.ts), then keep the change, roll it back, or hold it.
 *
 *  - fewer points than the policy's minPoints: inconclusive ("no data"),
 *    never a pass (the mistake of Argo Rollouts #4479 and Flagger #1801):
 *    roll back, unless the policy says hold; a metric source that cannot be
 *    read is no data too;
 *  - no measurement from before the change: inconclusive as well (nothing
 *    says the change is not worse);
 *  - the window's median outside the predicted interval, or worse than
 *    before the change beyond the tolerance: fail, roll back;
 *  - else pass: the proposal is marked verified.
 *
 * Metrics are "higher is worse" (latency, error ratio, utilisation).
 * `applyAndVerify` is the whole step: before-window, apply, after-window,
 * judgement.
 */
import { changeOf, type Applier } from './appliers/applier.js';
import type { MetricWatch } from './metric-watch.js';
import type { MitigationStore } from './store.js';
import { appendAudited, applyProposal, ENGINE, rollbackProposal, wouldApply, type ApplyResult } from './workflow.js';

export interface VerifySpec {
  readonly node: string;
  readonly metric: string;
  /** The interval predicted for the metric's median after the change; null when nothing predicted it. */
  readonly predicted: { readonly lo: number; readonly hi: number } | null;
  /** The metric's median before the change; null when it could not be measured. */
  readonly before: number | null;
  /** Relative worsening over `before` that is still "not worse" (default 0.05). */
  readonly tolerance?: number;
  /** Where `before` came from, for the audit log (verify-later.ts); absent: the window watched just before the change. */
  readonly beforeSource?: string;
}

export type VerifyVerdict = 'pass' | 'fail' | 'inconclusive';

export interface VerifyJudgement {
  readonly verdict: VerifyVerdict;
  readonly action: 'keep' | 'rollback' | 'hold';
  readonly points: number;
  readonly median: number | null;
  readonly reason: string;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The pure judgement of one window's samples. */
export function judgeWindow(samples: readonly number[], spec: VerifySpec, minPoints: number, onNoData: 'rollback' | 'hold'): VerifyJudgement {
  const finite = samples.filter((x) => Number.isFinite(x));
  if (finite.length < minPoints) {
    return { verdict: 'inconclusive', action: onNoData, points: finite.length, median: finite.length > 0 ? median(finite) : null, reason: `${finite.length} point(s) of ${spec.metric} on '${spec.node}' in the window, fewer than the ${minPoints} the policy requires: inconclusive, never a pass; the policy says ${onNoData}` };
  }
  const m = median(finite);
  const tol = spec.tolerance ?? 0.05;
  const p = spec.predicted;
  if (p !== null && (m < p.lo || m > p.hi)) {
    return { verdict: 'fail', action: 'rollback', points: finite.length, median: m, reason: `median ${spec.metric} ${fmt(m)} is outside the predicted interval [${fmt(p.lo)}, ${fmt(p.hi)}]` };
  }
  if (spec.before === null) {
    return { verdict: 'inconclusive', action: onNoData, points: finite.length, median: m, reason: `median ${spec.metric} ${fmt(m)}, but there is no measurement from before the change to compare with: inconclusive, never a pass; the policy says ${onNoData}` };
  }
  if (m > spec.before * (1 + tol)) {
    return { verdict: 'fail', action: 'rollback', points: finite.length, median: m, reason: `median ${spec.metric} ${fmt(m)} is worse than before the change (${fmt(spec.before)}, tolerance ${tol * 100}%)` };
  }
  const inside = p === null ? '' : `inside the predicted [${fmt(p.lo)}, ${fmt(p.hi)}] and `;
  return { verdict: 'pass', action: 'keep', points: finite.length, median: m, reason: `median ${spec.metric} ${fmt(m)} over ${finite.length} points is ${inside}not worse than before (${fmt(spec.before)})${p === null ? '; no predicted interval was given to check it against' : ''}` };
}

const fmt = (v: number): string => Number(v.toPrecision(4)).toString();

export interface VerifyOptions {
  /** Seconds to watch (default: the policy's verify window). */
  readonly windowSeconds?: number;
  readonly now?: () => Date;
}

/** Watches an applied proposal's target for the window, audits the judgement, and keeps, holds or rolls back. */
export async function verifyApplied(store: MitigationStore, audit: string, id: string, applier: Applier, watch: MetricWatch, spec: VerifySpec, options: VerifyOptions = {}): Promise<VerifyJudgement> {
  const now = options.now ?? (() => new Date());
  const s = store.require(id);
  // A verified change may be verified again later (verify-later.ts): a change that stopped holding is rolled back all the same.
  if (s.state !== 'applied' && s.state !== 'verified') throw new Error(`proposal ${id} is ${s.state}: only an applied change is verified`);
  const { minPoints, onNoData } = s.policy.verify;
  const windowSeconds = options.windowSeconds ?? s.policy.verify.windowSeconds;
  const { values, failure } = await watchSafely(watch, spec.node, spec.metric, windowSeconds);
  const judged = judgeWindow(values, spec, minPoints, onNoData);
  const j = failure === null ? judged : { ...judged, reason: `${judged.reason} (the metric source failed: ${failure})` };
  const at = now();
  appendAudited(store, audit, { who: ENGINE, what: 'verify', proposal: id, why: j.reason, evidence: { source: watch.source, metric: spec.metric, node: spec.node, points: j.points, median: j.median, predicted: spec.predicted, before: spec.before, ...(spec.beforeSource !== undefined ? { beforeSource: spec.beforeSource } : {}), windowSeconds }, decision: `${j.verdict}: ${j.action}` }, at);
  if (j.action === 'keep') store.transaction(() => store.setState(id, 'verified', ENGINE, j.reason, at));
  else if (j.action === 'rollback') await rollbackProposal(store, audit, id, applier, { now: at, why: `verification ${j.verdict}: ${j.reason}` });
  return j;
}

/** A source that cannot be read gives no points (no data), with why; it never fails the step. */
export async function watchSafely(watch: MetricWatch, node: string, metric: string, windowSeconds: number): Promise<{ values: readonly number[]; failure: string | null }> {
  try {
    return { values: await watch.watch(node, metric, windowSeconds * 1000), failure: null };
  } catch (e) {
    return { values: [], failure: (e as Error).message };
  }
}

export interface ApplyAndVerifyOptions extends VerifyOptions {
  readonly metric: string;
  /** The predicted interval of the metric after the change; default: what the shadow showed (p05–p95 of its changed window) when the proposal was confirmed on one for this metric, else none. */
  readonly predicted?: { readonly lo: number; readonly hi: number } | null;
  readonly tolerance?: number;
  readonly by?: string;
}

export interface ApplyAndVerifyResult extends ApplyResult {
  readonly before: { readonly points: number; readonly median: number | null };
  readonly judgement: VerifyJudgement;
}

/** The shadow's p05–p95 of the changed window, when it measured this metric of this node. */
export function predictedFromConfirmation(store: MitigationStore, id: string, node: string, metric: string): { lo: number; hi: number } | null {
  const c = store.require(id).proposal.shadowConfirmation;
  if (c === undefined || c.node !== node || c.metric !== metric || c.candidate === null || c.candidate.p05 === null || c.candidate.p95 === null) return null;
  return { lo: c.candidate.p05, hi: c.candidate.p95 };
}

/** Measures the metric for a window before the change, applies it, watches a window after it, and keeps or rolls back. */
export async function applyAndVerify(store: MitigationStore, audit: string, id: string, applier: Applier, watch: MetricWatch, options: ApplyAndVerifyOptions): Promise<ApplyAndVerifyResult> {
  const s = store.require(id);
  const node = changeOf(s.proposal).target;
  const windowSeconds = options.windowSeconds ?? s.policy.verify.windowSeconds;
  if (!applier.changesSomething) throw new RangeError(`the ${applier.name} applier changes nothing: there is nothing to verify`);
  const by = options.by !== undefined ? { by: options.by } : {};
  let before: readonly number[] = [];
  // A refusal is known before the before-window: applyProposal then refuses and audits it at once,
  // without a window watched for nothing (should it go ahead after all, there is no "before").
  if (wouldApply(store, audit, id, applier)) before = (await watchSafely(watch, node, options.metric, windowSeconds)).values;
  const beforeMedian = before.length >= s.policy.verify.minPoints ? median(before) : null;
  const applied = await applyProposal(store, audit, id, applier, by);
  const predicted = options.predicted !== undefined ? options.predicted : predictedFromConfirmation(store, id, node, options.metric);
  const spec: VerifySpec = { node, metric: options.metric, predicted, before: beforeMedian, ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}) };
  const judgement = await verifyApplied(store, audit, id, applier, watch, spec, { windowSeconds, ...(options.now ? { now: options.now } : {}) });
  return { ...applied, proposal: store.require(id), before: { points: before.length, median: beforeMedian }, judgement };
}
