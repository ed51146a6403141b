/**
 * Detectors: typed data in, Anomaly records out (no file I/O). Four sources:
 *
 *  - risk: a node of a simulation summary whose P(fail) upper bound (Wilson)
 *    reaches the threshold. Critical when even the lower bound does.
 *  - exhaustion: a forecast series with a limit whose paths cross it with a
 *    probability whose upper bound (Wilson) reaches the threshold
 *    (models/exhaustion.ts). Critical when the point estimate is ≥ 0.5.
 *  - shadow: the shadow's telemetry of a node and metric against
 *    production's over the same span, judged (judge.ts) with production as
 *    the baseline. Only `fail` is an anomaly; every comparison, inconclusive
 *    ones included, is returned so a caller sees what could not be judged.
 *  - drift: production's observed values of a metric against what the
 *    forecast the twin was driven with predicted for the same steps (its
 *    sample paths at those steps, pooled). A fail means the twin's inputs no
 *    longer describe production, so its risk figures are stale.
 *
 * Anomaly ids are `${source}:${node}:${metric or condition}` (types.ts), so
 * the same problem has the same id in every run.
 */
import { firstCrossings, wilson } from '../../models/exhaustion.js';
import type { ForecastBundle } from '../../models/forecast.js';
import { judge, quantileSorted, type JudgeOptions } from './judge.js';
import type { Anomaly, JudgeEvidence } from './types.js';

function pct(p: number): string {
  return `${(100 * p).toFixed(p < 0.01 ? 2 : 1)} %`;
}

export interface RiskOptions {
  /** P(fail) whose upper bound makes an anomaly. Default 0.05. */
  readonly threshold?: number;
}

/** The per-node figures a risk anomaly needs: those of a risk report (twins/risk.ts) or of a written result (twins/shadow/result.ts). */
export interface NodeRiskFigures {
  readonly id: string;
  readonly pFail: { readonly mean: number; readonly lo: number; readonly hi: number };
  readonly mainCondition: string | null;
  readonly timeToFailure: { readonly p10: number; readonly p50: number; readonly p90: number } | null;
}

/** A node is at risk when the upper bound of its Wilson interval reaches the threshold; critical when even the lower bound does. In node order. */
export function riskAnomalies(nodes: readonly NodeRiskFigures[], options: RiskOptions = {}): Anomaly[] {
  const threshold = options.threshold ?? 0.05;
  const out: Anomaly[] = [];
  for (const n of nodes) {
    if (n.pFail.hi < threshold) continue;
    const condition = n.mainCondition;
    out.push({
      id: `risk:${n.id}:${condition ?? 'fail'}`,
      source: 'risk',
      node: n.id,
      severity: n.pFail.lo >= threshold ? 'critical' : 'warning',
      summary: `${n.id}: P(fail) ${pct(n.pFail.mean)} [${pct(n.pFail.lo)}, ${pct(n.pFail.hi)}] reaches ${pct(threshold)}${condition ? ` (${condition})` : ''}`,
      evidence: { source: 'risk', pFail: { ...n.pFail }, threshold, condition, timeToFailure: n.timeToFailure },
    });
  }
  return out;
}

export interface ExhaustionOptions {
  /** Crossing probability whose upper bound makes an anomaly. Default 0.05. */
  readonly threshold?: number;
}

/**
 * Time to the limit: quantiles of the first crossing among the paths that
 * cross (conditional on crossing; `probability` says how many do), in
 * seconds from the forecast's start to the end of the crossing step.
 */
export function exhaustionAnomalies(bundle: ForecastBundle, options: ExhaustionOptions = {}): Anomaly[] {
  const threshold = options.threshold ?? 0.05;
  const out: Anomaly[] = [];
  for (const s of bundle.series) {
    if (s.limit === undefined) continue;
    const hits = firstCrossings(s.paths, bundle.paths, bundle.steps, s.limit).filter(Number.isFinite).sort((a, b) => a - b);
    const probability = hits.length / bundle.paths;
    const [lo, hi] = wilson(hits.length, bundle.paths);
    if (hi < threshold) continue;
    const secs = Float64Array.from(hits, (k) => ((k + 1) * bundle.stepMs) / 1000);
    const timeToLimit = secs.length > 0 ? { p10: quantileSorted(secs, 0.1), p50: quantileSorted(secs, 0.5), p90: quantileSorted(secs, 0.9) } : null;
    out.push({
      id: `exhaustion:${s.node}:${s.metric}`,
      source: 'exhaustion',
      node: s.node,
      severity: probability >= 0.5 ? 'critical' : 'warning',
      summary: `${s.node} ${s.metric}: reaches its limit ${s.limit} with probability ${pct(probability)} [${pct(lo)}, ${pct(hi)}]` + (timeToLimit ? `, median ${Math.round(timeToLimit.p50)} s after the forecast starts` : ''),
      evidence: { source: 'exhaustion', metric: s.metric, limit: s.limit, probability, timeToLimit },
    });
  }
  return out;
}

/** Which direction of shift is a problem: latency and CPU up ('increase'), throughput down ('decrease'), or either. */
export type BadDirection = 'increase' | 'decrease' | 'either';

export interface Comparison {
  readonly node: string;
  readonly metric: string;
  /** The reference: production (shadow) or the twin's prediction (drift). */
  readonly baseline: readonly number[];
  /** What is judged against it: the shadow's values (shadow) or production's (drift). */
  readonly candidate: readonly number[];
  readonly bad?: BadDirection;
}

export interface Judged {
  readonly node: string;
  readonly metric: string;
  readonly evidence: JudgeEvidence;
  /** Set when the verdict is a fail in a bad direction. */
  readonly anomaly: Anomaly | null;
}

function inBadDirection(e: JudgeEvidence, bad: BadDirection): boolean {
  if (bad === 'either') return true;
  return bad === 'increase' ? e.shift.lo > 0 : e.shift.hi < 0;
}

function judgedAnomaly(source: 'shadow' | 'drift', c: Comparison, options: JudgeOptions): Judged {
  const evidence = judge(c.baseline, c.candidate, options);
  let anomaly: Anomaly | null = null;
  if (evidence.verdict === 'fail' && inBadDirection(evidence, c.bad ?? 'either')) {
    const what = source === 'shadow' ? 'shadow against production' : 'production against the twin\'s forecast';
    const rel = evidence.shift.estimate / Math.abs(quantileSorted(Float64Array.from(c.baseline.filter(Number.isFinite)).sort(), 0.5));
    anomaly = {
      id: `${source}:${c.node}:${c.metric}`,
      source,
      node: c.node,
      // Critical when the shift is beyond three times the tolerated one.
      severity: Number.isFinite(rel) && Math.abs(rel) > 3 * evidence.tolerance && evidence.tolerance > 0 ? 'critical' : 'warning',
      summary: `${c.node} ${c.metric}: ${what} shifted by ${Number(evidence.shift.estimate.toPrecision(3))} [${Number(evidence.shift.lo.toPrecision(3))}, ${Number(evidence.shift.hi.toPrecision(3))}]${Number.isFinite(rel) ? ` (${(100 * rel).toFixed(0)} % of the baseline median)` : ''}`,
      evidence: { source, metric: c.metric, ...evidence },
    };
  }
  return { node: c.node, metric: c.metric, evidence, anomaly };
}

/** Shadow vs production, per node and metric: production is the baseline, the shadow the candidate. */
export function shadowAnomalies(comparisons: readonly Comparison[], options: JudgeOptions = {}): Judged[] {
  return comparisons.map((c) => judgedAnomaly('shadow', c, options));
}

/** Production observations of one node and metric on the forecast's time grid. */
export interface Observed {
  readonly node: string;
  readonly metric: string;
  /** Epoch ms of each value. */
  readonly times: readonly number[];
  readonly values: readonly number[];
  readonly bad?: BadDirection;
}

export interface DriftOptions extends JudgeOptions {
  /** At most this many predicted values form the baseline (paths taken in order, whole paths). Default 4000. */
  readonly maxPredicted?: number;
}

/**
 * Production against the forecast: for each observed (node, metric) that the
 * bundle forecasts, the production values at forecast steps (times on the
 * step grid, within the horizon) are the candidate, and the first paths'
 * values at the same steps the baseline. Observations off the grid or outside
 * the horizon are not used; a series with no forecast is skipped.
 */
export function driftAnomalies(bundle: ForecastBundle, observed: readonly Observed[], options: DriftOptions = {}): Judged[] {
  const maxPredicted = options.maxPredicted ?? 4000;
  const out: Judged[] = [];
  for (const o of observed) {
    const s = bundle.series.find((x) => x.node === o.node && x.metric === o.metric);
    if (!s) continue;
    const steps: number[] = [];
    const candidate: number[] = [];
    o.times.forEach((t, i) => {
      const k = (t - bundle.startMs) / bundle.stepMs;
      if (Number.isInteger(k) && k >= 0 && k < bundle.steps) {
        steps.push(k);
        candidate.push(o.values[i]!);
      }
    });
    const nPaths = Math.max(1, Math.min(bundle.paths, Math.floor(maxPredicted / Math.max(1, steps.length))));
    const baseline: number[] = [];
    for (let p = 0; p < nPaths; p++) for (const k of steps) baseline.push(s.paths[p * bundle.steps + k]!);
    out.push(judgedAnomaly('drift', { node: o.node, metric: o.metric, baseline, candidate, bad: o.bad ?? 'either' }, options));
  }
  return out;
}
