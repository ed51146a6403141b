/**
 * Scoring a detector against labelled faults (pure): recall with a Wilson
 * interval, false alarms per fault-free hour with an exact Poisson (Garwood)
 * interval. Rules:
 *
 *  - A fault's detection window is [start, start + faultSteps + graceSteps]
 *    (the labels give a start only). A fault is *hit* when an alarm falls in
 *    it on the faulted node or on one of its direct callers (`callers`; a
 *    fault that makes a callee fail or slow shows up in its callers' client
 *    metrics) — the hit says which.
 *  - Clean steps are those at least `cleanMarginSteps` away from every
 *    fault's detection window. A false alarm is an *incident* (a node's
 *    alarms merged, groupByNode) whose first alarm is on a clean step: one
 *    incident is one page to a person, however many series it spans.
 *  - A span (a half of the data for tuning or testing) is a predicate on the
 *    step: a fault belongs to the span of its start step, an incident to that
 *    of its first step, and clean hours are the span's clean steps.
 */
import { normalQuantile } from '../../engine/quantiles.js';
import { wilson } from '../../models/exhaustion.js';
import { groupByNode, type NodeStep } from './detect-robust.js';

export interface LabelledFault {
  readonly id: string;
  readonly node: string;
  readonly type: string;
  readonly startStep: number;
  /** Whether the fault leaves a footprint in the data (the recall's denominator), by a rule the caller states. */
  readonly footprint: boolean;
}

export interface ScoreOptions {
  readonly faultSteps: number;
  readonly graceSteps: number;
  readonly cleanMarginSteps: number;
  readonly stepsPerHour: number;
  /** Alarms less than this many steps apart on a node are one incident. */
  readonly mergeGap: number;
  /** node -> the nodes that call it directly. */
  readonly callers?: ReadonlyMap<string, readonly string[]>;
  /** Confidence level of the intervals. Default 0.95. */
  readonly level?: number;
}

export interface ScoredAlarm extends NodeStep {
  readonly metric: string;
}

export interface FaultOutcome {
  readonly fault: LabelledFault;
  readonly window: readonly [number, number];
  /** First alarm in the window on the faulted node (`faulty`) or a direct caller (`caller`). */
  readonly hit: { readonly step: number; readonly node: string; readonly metric: string; readonly via: 'faulty' | 'caller' } | null;
}

export interface Rate {
  readonly count: number;
  readonly of: number;
  readonly rate: number;
  readonly lo: number;
  readonly hi: number;
}

export interface DetectionScore<A extends ScoredAlarm = ScoredAlarm> {
  readonly faults: readonly FaultOutcome[];
  /** Hits among the faults with a footprint. */
  readonly recall: Rate;
  /** Hits among all faults in the span. */
  readonly recallAll: Rate;
  /** Incidents starting on clean steps, per clean hour (`of` is clean hours). */
  readonly falseAlarms: Rate;
  readonly falseAlarmNodes: Readonly<Record<string, number>>;
  /** The first alarm of each false-alarm incident, for a person to look at. */
  readonly falseAlarmFirst: readonly A[];
}

/** Exact (Garwood) interval for a Poisson mean given a count x: bisection on the Poisson CDF. */
export function poissonInterval(x: number, level = 0.95): [number, number] {
  if (!(Number.isInteger(x) && x >= 0)) throw new RangeError(`poissonInterval: count must be a non-negative integer, got ${x}`);
  const a = (1 - level) / 2;
  const cdf = (k: number, mu: number): number => {
    if (k < 0) return 0;
    let term = Math.exp(-mu), sum = term;
    for (let i = 1; i <= k; i++) { term *= mu / i; sum += term; }
    return Math.min(1, sum);
  };
  // upper: P(X <= x; mu) = a; lower: P(X >= x; mu) = a, i.e. P(X <= x - 1; mu) = 1 - a. Both CDFs fall as mu grows.
  const solve = (k: number, target: number): number => {
    let lo = 0, hi = Math.max(10, 3 * x + 10);
    for (let i = 0; i < 200; i++) { const mid = (lo + hi) / 2; if (cdf(k, mid) > target) lo = mid; else hi = mid; }
    return (lo + hi) / 2;
  };
  return [x === 0 ? 0 : solve(x - 1, 1 - a), solve(x, a)];
}

function proportion(k: number, n: number, level: number): Rate {
  if (n === 0) return { count: 0, of: 0, rate: NaN, lo: NaN, hi: NaN };
  const [lo, hi] = wilson(k, n, normalQuantile(1 - (1 - level) / 2));
  return { count: k, of: n, rate: k / n, lo, hi };
}

export function faultWindow(f: LabelledFault, o: ScoreOptions): [number, number] {
  return [f.startStep, f.startStep + o.faultSteps + o.graceSteps];
}

/** Scores alarms on a grid of `steps` steps against the faults, over the steps where `inSpan` holds. */
export function scoreDetection<A extends ScoredAlarm>(faults: readonly LabelledFault[], alarms: readonly A[], steps: number, inSpan: (step: number) => boolean, o: ScoreOptions): DetectionScore<A> {
  const level = o.level ?? 0.95;
  const outcomes: FaultOutcome[] = faults.filter((f) => inSpan(f.startStep)).map((f) => {
    const window = faultWindow(f, o);
    const callers = new Set(o.callers?.get(f.node) ?? []);
    let hit: FaultOutcome['hit'] = null;
    for (const a of alarms) {
      if (a.step < window[0] || a.step > window[1]) continue;
      const via = a.node === f.node ? 'faulty' : callers.has(a.node) ? 'caller' : null;
      if (via === null) continue;
      if (hit === null || a.step < hit.step || (a.step === hit.step && via === 'faulty' && hit.via === 'caller')) hit = { step: a.step, node: a.node, metric: a.metric, via };
    }
    return { fault: f, window, hit };
  });
  // Clean steps: away from every fault's window (all faults, whichever span they are in) by the margin.
  const dirty = new Uint8Array(steps);
  for (const f of faults) {
    const [s, e] = faultWindow(f, o);
    for (let t = Math.max(0, s - o.cleanMarginSteps); t <= Math.min(steps - 1, e + o.cleanMarginSteps); t++) dirty[t] = 1;
  }
  let cleanSteps = 0;
  for (let t = 0; t < steps; t++) if (!dirty[t] && inSpan(t)) cleanSteps++;
  const falseAlarmNodes: Record<string, number> = {};
  const falseAlarmFirst: A[] = [];
  for (const { node, members } of groupByNode(alarms, o.mergeGap)) {
    const first = members[0]!.step;
    if (first < 0 || first >= steps || dirty[first] || !inSpan(first)) continue;
    falseAlarmFirst.push(members[0]!);
    falseAlarmNodes[node] = (falseAlarmNodes[node] ?? 0) + 1;
  }
  const hours = cleanSteps / o.stepsPerHour;
  const fa = falseAlarmFirst.length;
  const [plo, phi] = poissonInterval(fa, level);
  const withFootprint = outcomes.filter((x) => x.fault.footprint);
  return {
    faults: outcomes,
    recall: proportion(withFootprint.filter((x) => x.hit).length, withFootprint.length, level),
    recallAll: proportion(outcomes.filter((x) => x.hit).length, outcomes.length, level),
    falseAlarms: { count: fa, of: hours, rate: hours > 0 ? fa / hours : NaN, lo: hours > 0 ? plo / hours : NaN, hi: hours > 0 ? phi / hours : NaN },
    falseAlarmNodes,
    falseAlarmFirst,
  };
}
