/**
 * Verify after apply: watch the target's metric for the policy's window
 * through an injected reader, then keep the change, roll it back, or hold it.
 *
 *  - fewer points than the policy's minPoints: inconclusive ("no data"),
 *    never a pass (the mistake of Argo Rollouts #4479 and Flagger #1801):
 *    roll back, unless the policy says hold;
 *  - the window's median outside the predicted interval, or worse than
 *    before the change: fail, roll back;
 *  - else pass: the proposal is marked verified.
 *
 * Metrics are "higher is worse" (latency, error ratio, utilisation).
 */
import { appendAudit } from './audit.js';
import type { Applier } from './appliers/applier.js';
import type { MitigationStore } from './store.js';
import { ENGINE, rollbackProposal } from './workflow.js';

export interface MetricReader {
  /** Samples of `metric` of `node` between two instants (ms since the epoch). */
  read(node: string, metric: string, fromMs: number, toMs: number): Promise<readonly number[]>;
}

export interface VerifySpec {
  readonly node: string;
  readonly metric: string;
  /** The interval the twin predicted for the metric after the change. */
  readonly predicted: { readonly lo: number; readonly hi: number };
  /** The metric's median before the change. */
  readonly before: number;
  /** Relative worsening over `before` that is still "not worse" (default 0.05). */
  readonly tolerance?: number;
}

export type VerifyVerdict = 'pass' | 'fail' | 'inconclusive';

export interface VerifyJudgement {
  readonly verdict: VerifyVerdict;
  readonly action: 'keep' | 'rollback' | 'hold';
  readonly points: number;
  readonly median: number | null;
  readonly reason: string;
}

const median = (xs: readonly number[]): number => {
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
  if (m < spec.predicted.lo || m > spec.predicted.hi) {
    return { verdict: 'fail', action: 'rollback', points: finite.length, median: m, reason: `median ${spec.metric} ${m} is outside the predicted interval [${spec.predicted.lo}, ${spec.predicted.hi}]` };
  }
  if (m > spec.before * (1 + tol)) {
    return { verdict: 'fail', action: 'rollback', points: finite.length, median: m, reason: `median ${spec.metric} ${m} is worse than before the change (${spec.before}, tolerance ${tol * 100}%)` };
  }
  return { verdict: 'pass', action: 'keep', points: finite.length, median: m, reason: `median ${spec.metric} ${m} over ${finite.length} points is inside [${spec.predicted.lo}, ${spec.predicted.hi}] and not worse than before (${spec.before})` };
}

export interface VerifyOptions {
  /** Waits out the window; injected so tests do not sleep. */
  readonly wait: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

/** Watches an applied proposal's target for the policy's window, audits the judgement, and keeps, holds or rolls back. */
export async function verifyApplied(store: MitigationStore, audit: string, id: string, applier: Applier, reader: MetricReader, spec: VerifySpec, options: VerifyOptions): Promise<VerifyJudgement> {
  const now = options.now ?? (() => new Date());
  const s = store.require(id);
  if (s.state !== 'applied') throw new Error(`proposal ${id} is ${s.state}: only an applied change is verified`);
  const { windowSeconds, minPoints, onNoData } = s.policy.verify;
  const from = now().getTime();
  await options.wait(windowSeconds * 1000);
  const samples = await reader.read(spec.node, spec.metric, from, from + windowSeconds * 1000);
  const j = judgeWindow(samples, spec, minPoints, onNoData);
  const at = now();
  appendAudit(audit, { who: ENGINE, what: 'verify', proposal: id, why: j.reason, evidence: { metric: spec.metric, node: spec.node, points: j.points, median: j.median, predicted: spec.predicted, before: spec.before, windowSeconds }, decision: `${j.verdict}: ${j.action}` }, at);
  if (j.action === 'keep') store.transaction(() => store.setState(id, 'verified', ENGINE, j.reason, at));
  else if (j.action === 'rollback') await rollbackProposal(store, audit, id, applier, { now: at, why: `verification ${j.verdict}: ${j.reason}` });
  return j;
}
