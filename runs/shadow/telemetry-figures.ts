/**
 * From scrapes of a shadow node's /metrics to figures in PRODUCTION units:
 * per interval (the telemetry rows) and over the whole injection window (what
 * `shadow compare` checks). Dilation by k maps back as: rates × k, latencies
 * / k; gauges (in flight, queue depth, busy workers) are unchanged, since
 * Little's law gives (λ/k)·(W·k) = λ·W.
 */
import type { MeasuredNode } from '../../twins/shadow/compare.js';
import { BUSY_WORKER_SECONDS, BUSY_WORKERS, IN_FLIGHT, LATENCY_SECONDS, NODE_LABEL, OUTCOME_LABEL, QUEUE_DEPTH, REQUESTS_TOTAL } from './metric-names.js';
import { histogramIncrease, histogramQuantile, type CumulativeHistogram, type Scrape } from './telemetry-prom.js';

/** What one scrape says about a node (null fields: the metric was absent). */
export interface NodeReading {
  readonly ok: number | null;
  readonly error: number | null;
  readonly rejected: number | null;
  readonly inFlight: number | null;
  readonly queueDepth: number | null;
  readonly busyWorkers: number | null;
  readonly busyWorkerSeconds: number | null;
  readonly latency: CumulativeHistogram | null;
}

/** One scrape attempt: shadow milliseconds since the injection started, and the reading or why there is none. */
export interface NodeSample {
  readonly atMs: number;
  readonly reading: NodeReading | null;
  readonly failure: string | null;
}

export function readingOf(scrape: Scrape, node: string): NodeReading {
  const of = { [NODE_LABEL]: node };
  return {
    ok: scrape.sum(REQUESTS_TOTAL, { ...of, [OUTCOME_LABEL]: 'ok' }),
    error: scrape.sum(REQUESTS_TOTAL, { ...of, [OUTCOME_LABEL]: 'error' }),
    rejected: scrape.sum(REQUESTS_TOTAL, { ...of, [OUTCOME_LABEL]: 'rejected' }),
    inFlight: scrape.sum(IN_FLIGHT, of),
    queueDepth: scrape.sum(QUEUE_DEPTH, of),
    busyWorkers: scrape.sum(BUSY_WORKERS, of),
    busyWorkerSeconds: scrape.sum(BUSY_WORKER_SECONDS, of),
    latency: scrape.histogram(LATENCY_SECONDS, of),
  };
}

/** Metrics of a telemetry row (long CSV `metric` column), production units. */
export const TELEMETRY_METRICS = [
  'rate', 'errors', 'rejected', 'latency_mean_s', 'latency_p50_s', 'latency_p95_s', 'latency_p99_s', 'in_flight', 'queue_depth', 'busy_workers',
] as const;
export type TelemetryMetric = (typeof TELEMETRY_METRICS)[number];
export type IntervalFigures = Record<TelemetryMetric, number | null>;

const increase = (later: number | null, earlier: number | null): number | null =>
  later === null || earlier === null || later < earlier ? null : later - earlier;

/** True when a counter went down between the readings: the process restarted and the increase is unknown. */
export function restarted(a: NodeReading, b: NodeReading): boolean {
  const pairs: Array<[number | null, number | null]> = [[a.ok, b.ok], [a.error, b.error], [a.rejected, b.rejected], [a.busyWorkerSeconds, b.busyWorkerSeconds], [a.latency?.count ?? null, b.latency?.count ?? null]];
  return pairs.some(([x, y]) => x !== null && y !== null && y < x);
}

const EMPTY: IntervalFigures = Object.fromEntries(TELEMETRY_METRICS.map((m) => [m, null])) as IntervalFigures;

/** Figures of the interval between readings a and b, `seconds` shadow seconds apart. */
export function intervalFigures(a: NodeReading, b: NodeReading, seconds: number, k: number): IntervalFigures {
  if (!(seconds > 0) || restarted(a, b)) return { ...EMPTY, in_flight: b.inFlight, queue_depth: b.queueDepth, busy_workers: b.busyWorkers };
  const perSecond = (x: number | null) => (x === null ? null : (x / seconds) * k);
  const ok = increase(b.ok, a.ok), error = increase(b.error, a.error);
  const lat = b.latency ? histogramIncrease(b.latency, a.latency) : null;
  const q = (p: number) => {
    const v = lat ? histogramQuantile(lat, p) : null;
    return v === null ? null : v / k;
  };
  const busySeconds = increase(b.busyWorkerSeconds, a.busyWorkerSeconds);
  return {
    rate: ok === null || error === null ? null : perSecond(ok + error),
    errors: perSecond(error),
    rejected: perSecond(increase(b.rejected, a.rejected)),
    latency_mean_s: lat && lat.count > 0 ? lat.sum / lat.count / k : null,
    latency_p50_s: q(0.5),
    latency_p95_s: q(0.95),
    latency_p99_s: q(0.99),
    in_flight: b.inFlight,
    queue_depth: b.queueDepth,
    busy_workers: busySeconds !== null ? busySeconds / seconds : b.busyWorkers,
  };
}

/**
 * Whole-window figures of a node from its samples (first = at the window's
 * start, last = at its end). Missing, with the reason, when the node gave no
 * reading at either end, restarted in between, or lacks the request counters.
 */
export function measuredNode(id: string, samples: readonly NodeSample[], k: number): MeasuredNode {
  const first = samples[0], last = samples[samples.length - 1];
  if (!first || !last || samples.length < 2) return { id, available: false, reason: 'fewer than two scrapes' };
  if (!first.reading) return { id, available: false, reason: `no metrics at the start (${first.failure ?? 'unreadable'})` };
  if (!last.reading) return { id, available: false, reason: `no metrics at the end: crashed or unreachable (${last.failure ?? 'unreadable'})` };
  const a = first.reading, b = last.reading;
  if (a.ok === null || b.ok === null || a.error === null || b.error === null) return { id, available: false, reason: `metrics lack ${REQUESTS_TOTAL}{${OUTCOME_LABEL}="ok|error"}` };
  // A restart between any two consecutive readings loses the requests of the dead process.
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1]!.reading, cur = samples[i]!.reading;
    if (prev && cur && restarted(prev, cur)) return { id, available: false, reason: `restarted during the run (a counter went down at ${(samples[i]!.atMs / 1000).toFixed(1)} shadow s)` };
  }
  const seconds = (last.atMs - first.atMs) / 1000;
  const f = intervalFigures(a, b, seconds, k);
  const busySeconds = increase(b.busyWorkerSeconds, a.busyWorkerSeconds);
  let busyWorkers: number | null = busySeconds !== null && seconds > 0 ? busySeconds / seconds : null;
  if (busyWorkers === null) {
    // No integral exposed: average the gauge over the readings inside the window.
    const gauge = samples.map((s) => s.reading?.busyWorkers ?? null).filter((v): v is number => v !== null);
    busyWorkers = gauge.length > 0 ? gauge.reduce((x, y) => x + y, 0) / gauge.length : null;
  }
  return {
    id, available: true,
    productionSeconds: seconds / k,
    responses: b.ok + b.error - a.ok - a.error,
    throughput: f.rate ?? 0,
    busyWorkers,
    meanLatency: f.latency_mean_s,
    p50: f.latency_p50_s,
    p95: f.latency_p95_s,
  };
}
