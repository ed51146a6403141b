/**
 * A service's own work per request, from the server latency its pod reports.
 * That latency is the whole response (own work plus the synchronous calls it
 * waits for), so: (1) in the windows with traffic and no saturation, take the
 * median of each latency quantile across windows (robust to the odd slow
 * window: an injected fault, a GC pause); (2) fit a lognormal to those
 * quantiles: the response R; (3) subtract the calls, children first, by
 * moments: E[S] = E[R] - sum m E[R_child], Var[S] = Var[R] - sum (m Var[R_child]
 * + v_N E[R_child]^2), v_N the variance of the number of calls (rounded
 * counts: f(1-f) for the fraction f of m). At low utilisation queueing adds
 * nothing, so what is left is the service time.
 */
import { distributionFromSpec } from '../../engine/index.js';
import type { DistributionSpec, TwinNode } from '../definition/types.js';
import { finiteMedian, type ServiceTelemetry } from './grid.js';
import { fitLognormalQuantiles, type QuantilePoint } from './lognormal.js';
import type { FitQuality, MeanCv, ServiceCalibration } from './report.js';
import { fitLine } from './regression.js';

export interface ServiceTimeOptions {
  /** Fewest usable windows for a fit (default 10). */
  readonly minWindows: number;
  /** Fewest requests in a window for its quantiles to count (default 5). */
  readonly minRequests: number;
  /** CPU share of the limit at or above which a window counts as saturated (default 0.9). */
  readonly saturation: number;
  /** Window length, seconds. */
  readonly step: number;
}

/** Response moments of a node as its callers see them: mean and variance, seconds. */
export interface Moments {
  readonly mean: number;
  readonly variance: number;
}

/** A synchronous call edge of the node with its (fitted) calls per request and the callee's response moments. */
export interface ChildCall {
  readonly meanCalls: number;
  readonly child: Moments;
}

export function specMoments(spec: DistributionSpec | null): MeanCv {
  if (spec === null) return { mean: 0, cv: 0 };
  const d = distributionFromSpec(spec);
  return { mean: d.mean, cv: d.mean > 0 ? Math.sqrt(d.variance) / d.mean : 0 };
}

/** E and Var of a sum of calls: m E[R], m Var[R] + v_N E[R]^2 with v_N = f(1 - f) for rounded counts. */
export function callMoments(calls: readonly ChildCall[]): Moments {
  let mean = 0;
  let variance = 0;
  for (const c of calls) {
    const f = c.meanCalls - Math.floor(c.meanCalls);
    mean += c.meanCalls * c.child.mean;
    variance += c.meanCalls * c.child.variance + f * (1 - f) * c.child.mean ** 2;
  }
  return { mean, variance };
}

/** Own time below this share of the response is not resolvable from latency: the calls explain it. */
export const MIN_OWN_SHARE = 0.05;
/** cv given to an own time whose variance the calls already explain. */
export const FLOOR_CV = 0.25;

export interface ServiceFit {
  readonly record: Omit<ServiceCalibration, 'workers' | 'cpu'>;
  /** The node's response as callers see it: fitted when fitted, else the twin's own time plus its calls. */
  readonly response: Moments;
  readonly cpu: ServiceCalibration['cpu'];
  /** Windows with CPU at or above the saturation share, with their rate. */
  readonly saturatedRates: number[];
}

function grade(rmseLog: number, used: number, clamped: boolean): FitQuality {
  if (clamped || rmseLog >= 0.3) return 'poor';
  return rmseLog < 0.15 && used >= 30 ? 'good' : 'fair';
}

function fitCpu(t: ServiceTelemetry, reasons: string[], minWindows: number): ServiceCalibration['cpu'] {
  const line = fitLine(t.rate, t.cpu);
  if (line.n < minWindows) {
    if (t.cpu.some((v) => Number.isFinite(v))) reasons.push(`cpu: ${line.n} window(s) with CPU and rate (need ${minWindows})`);
    return null;
  }
  if (!(line.slope > 0)) {
    reasons.push('cpu: no growth of CPU with the request rate (slope <= 0): no CPU per request');
    return null;
  }
  return { perRequest: line.slope, idle: line.intercept, r2: line.r2, limit: t.cpuLimit };
}

export function fitServiceTime(node: TwinNode, t: ServiceTelemetry | undefined, calls: readonly ChildCall[], opts: ServiceTimeOptions): ServiceFit {
  const before = specMoments(node.service);
  const downstream = callMoments(calls);
  const model: Moments = { mean: before.mean + downstream.mean, variance: (before.cv * before.mean) ** 2 + downstream.variance };
  const reasons: string[] = [];
  const kept = (why: string, extra: Partial<ServiceFit['record']> = {}, cpu: ServiceCalibration['cpu'] = null, saturatedRates: number[] = []): ServiceFit => ({
    record: {
      id: node.id, status: 'kept', quality: 'none', reasons: [why, ...reasons],
      windows: { total: t?.rate.length ?? 0, withTraffic: 0, used: 0, saturated: 0 },
      rate: { mean: NaN, max: NaN }, response: null, service: { before, after: null }, ...extra,
    },
    response: model, cpu, saturatedRates,
  });
  if (!t) return kept('no telemetry for this node: the twin\'s service time is kept');
  if (node.service === null) return kept('pass-through node (no service time)');
  const n = t.rate.length;
  const traffic: number[] = [];
  const saturatedRates: number[] = [];
  let rateSum = 0, rateMax = 0, rateN = 0;
  for (let i = 0; i < n; i++) {
    const r = t.rate[i]!;
    if (!Number.isFinite(r)) continue;
    rateSum += r;
    rateN++;
    rateMax = Math.max(rateMax, r);
    if (r * opts.step < opts.minRequests) continue;
    const cpuShare = t.cpuLimit !== null ? t.cpu[i]! / t.cpuLimit : NaN;
    if (cpuShare >= opts.saturation) saturatedRates.push(r);
    else traffic.push(i);
  }
  const cpu = fitCpu(t, reasons, opts.minWindows);
  const used = traffic.filter((i) => t.latency.length > 0 && t.latency.every((l) => l.values[i]! > 0));
  const windows = { total: n, withTraffic: traffic.length + saturatedRates.length, used: used.length, saturated: saturatedRates.length };
  const rate = { mean: rateN > 0 ? rateSum / rateN : NaN, max: rateN > 0 ? rateMax : NaN };
  if (t.latency.length === 0) return kept('no server-latency quantiles in the telemetry', { windows, rate }, cpu, saturatedRates);
  if (used.length < opts.minWindows) {
    // The span itself may be too short: then no load would do, and the user must widen it (--from/--until), not wait for traffic.
    const why = n < opts.minWindows
      ? `too short a span: ${n} window(s) of ${opts.step} s in all (need ${opts.minWindows} with traffic): widen --from/--until`
      : saturatedRates.length > 0 && traffic.length < opts.minWindows
        ? `saturated all the time: ${saturatedRates.length} of ${windows.withTraffic} windows with traffic at CPU >= ${Math.round(100 * opts.saturation)} % of the limit (latency there is queueing, not service)`
        : `too little load: ${used.length} window(s) with >= ${opts.minRequests} requests and latency (need ${opts.minWindows})`;
    return kept(why, { windows, rate }, cpu, saturatedRates);
  }
  const points: QuantilePoint[] = t.latency.map((l) => ({ q: l.q, value: finiteMedian(used.map((i) => l.values[i]!)) }));
  const fit = fitLognormalQuantiles(points);
  const response: Moments = { mean: fit.mean, variance: (fit.cv * fit.mean) ** 2 };
  let ownMean = fit.mean - downstream.mean;
  let ownVar = response.variance - downstream.variance;
  let clamped = false;
  if (ownMean < MIN_OWN_SHARE * fit.mean) {
    reasons.push(`the calls it makes account for its latency (${fmtMs(downstream.mean)} of ${fmtMs(fit.mean)} mean): own time set to ${Math.round(100 * MIN_OWN_SHARE)} % of the response`);
    ownMean = MIN_OWN_SHARE * fit.mean;
    clamped = true;
  }
  if (!(ownVar > (FLOOR_CV * ownMean) ** 2 * 0.01)) {
    reasons.push(`the calls explain the spread of its latency: own cv set to ${FLOOR_CV}`);
    ownVar = (FLOOR_CV * ownMean) ** 2;
  }
  if (fit.rmseLog >= 0.3) reasons.push(`one lognormal fits the latency quantiles poorly (rms log residual ${fit.rmseLog.toFixed(2)})`);
  return {
    record: {
      id: node.id, status: 'fitted', quality: grade(fit.rmseLog, used.length, clamped), reasons, windows, rate,
      response: { mean: fit.mean, cv: fit.cv, rmseLog: fit.rmseLog, points },
      service: { before, after: { mean: ownMean, cv: Math.sqrt(ownVar) / ownMean } },
    },
    response, cpu, saturatedRates,
  };
}

function fmtMs(s: number): string {
  return `${(1000 * s).toPrecision(3)} ms`;
}
