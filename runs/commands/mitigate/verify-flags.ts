/**
 * The verification flags of `mitigate apply`: where the target's metric is
 * read (the shadow's endpoints with --shadow DIR, or a Prometheus server with
 * --prometheus URL --query PROMQL), which metric, the window and step, the
 * predicted interval; and how the outcome is reported. Exit 0 only when the
 * change was verified; 1 when verification did not keep it (rolled back, or
 * held unverified because the policy says hold).
 */
import { flagTable, usageError, type CommandSpec, type FlagTable } from '../../flags.js';
import type { Applier } from '../../mitigation/appliers/applier.js';
import { DEFAULT_CONFIRM_METRIC } from '../../mitigation/confirm-shadow.js';
import { isShadowMetric, shadowMetricWatch, type MetricWatch } from '../../mitigation/metric-watch.js';
import { prometheusMetricWatch } from '../../mitigation/metric-watch-prometheus.js';
import type { MitigationStore, StoredProposal } from '../../mitigation/store.js';
import { applyAndVerify, type ApplyAndVerifyResult, type VerifyJudgement } from '../../mitigation/verify.js';

function parseInterval(raw: string): { lo: number; hi: number } {
  const m = /^([-+0-9.eE]+):([-+0-9.eE]+)$/.exec(raw);
  const lo = Number(m?.[1]), hi = Number(m?.[2]);
  if (!m || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new Error(`expected LO:HI with LO <= HI (numbers in the metric's unit), got '${raw}'`);
  return { lo, hi };
}

export const VERIFY_FLAGS = flagTable({
  verify: { kind: 'choice', choices: ['auto', 'off'], default: 'auto', help: 'auto: after a real change, watch the target before and after and roll back unless it holds (needs --shadow or --prometheus)' },
  window: { kind: 'duration', value: 'DUR', absent: "the policy's verify.window", help: 'how long to watch, before and after the change' },
  step: { kind: 'duration', value: 'DUR', absent: 'window / 60', help: 'one point per step' },
  metric: { kind: 'string', value: 'NAME', default: DEFAULT_CONFIRM_METRIC, help: 'higher is worse; with --shadow a telemetry metric (latency_p95_s, latency_mean_s, errors, queue_depth...), with --prometheus the {metric} of the query' },
  predicted: { kind: 'custom', value: 'LO:HI', absent: "the shadow confirmation's p05:p95 of this metric, else none", parse: parseInterval, help: "the metric's predicted interval after the change" },
  traffic: { kind: 'choice', choices: ['plan', 'none'], default: 'plan', help: "with --shadow: drive the shadow with its plan's traffic during each window, or only watch" },
  prometheus: { kind: 'string', value: 'URL', help: "production: a Prometheus server's base URL (with --query)" },
  query: { kind: 'string', value: 'PROMQL', help: 'with --prometheus: one series, {node} (and {metric}) substituted after a strict check' },
});

export interface VerifyValues {
  readonly window?: number;
  readonly step?: number;
  readonly metric: string;
  readonly predicted?: { lo: number; hi: number };
  readonly traffic: 'plan' | 'none';
  readonly prometheus?: string;
  readonly query?: string;
  readonly shadow?: string;
  readonly as: string;
}

/** Builds the metric source once the step is known (it may follow from the policy's window). */
export type WatchFactory = (stepSeconds: number) => MetricWatch;

/** The metric source the flags name, checked now (usage errors before anything changes); null when none is named. */
export function metricWatchFor(spec: CommandSpec<FlagTable>, v: VerifyValues): WatchFactory | null {
  if ((v.prometheus === undefined) !== (v.query === undefined)) throw usageError(spec, '--prometheus and --query go together');
  if (v.prometheus !== undefined) {
    const make: WatchFactory = (stepSeconds) => prometheusMetricWatch({ url: v.prometheus!, query: v.query!, stepSeconds });
    try {
      make(1);
    } catch (e) {
      throw usageError(spec, (e as Error).message);
    }
    return make;
  }
  if (v.shadow === undefined) return null;
  if (!isShadowMetric(v.metric)) throw usageError(spec, `--metric ${v.metric} is not a shadow telemetry metric`);
  return (stepSeconds) => shadowMetricWatch({ dir: v.shadow!, stepSeconds, traffic: v.traffic });
}

/** Before-window, apply, after-window, judgement (verify.ts), with the window of --window or the policy. */
export async function verifyAfterApply(store: MitigationStore, audit: string, id: string, applier: Applier, makeWatch: WatchFactory, v: VerifyValues): Promise<ApplyAndVerifyResult> {
  const window = v.window ?? store.require(id).policy.verify.windowSeconds;
  const watch = makeWatch(v.step ?? window / 60);
  return applyAndVerify(store, audit, id, applier, watch, { metric: v.metric, windowSeconds: window, by: v.as, ...(v.predicted !== undefined ? { predicted: v.predicted } : {}) });
}

/** What a verification printed: the apply's detail (after an apply), the before-value and where it came from, the judgement, the state. */
export interface VerificationReport {
  readonly detail?: string;
  readonly before: { readonly points: number | null; readonly median: number | null; readonly source?: string };
  readonly judgement: VerifyJudgement;
  readonly proposal: StoredProposal;
}

/** Prints the outcome; the exit code: 0 verified, 1 not kept (rolled back, or held unverified because the policy says hold). */
export function reportVerification(r: VerificationReport): number {
  const j = r.judgement;
  if (r.detail !== undefined) console.log(r.detail);
  console.log(`before: ${r.before.points === null ? '' : `${r.before.points} point(s), `}median ${r.before.median ?? 'none'}${r.before.source !== undefined ? ` (${r.before.source})` : ''}`);
  console.log(`verify: ${j.verdict} → ${j.action}: ${j.reason}`);
  console.log(`${r.proposal.proposal.id}: state ${r.proposal.state}`);
  return r.proposal.state === 'verified' ? 0 : 1;
}
