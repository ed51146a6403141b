/**
 * The Prometheus metrics every shadow emulator and stub exposes on /metrics,
 * named once here so the emulator (which registers them with prom-client) and
 * the injector's scraper (which reads them back) cannot drift apart.
 * All values are in SHADOW units (dilated seconds); the scraper maps them back
 * to production time.
 */

/** Every series carries the node it is about (the stub serves several nodes from one /metrics). */
export const NODE_LABEL = 'node';
/** Counter of answered requests, label OUTCOME_LABEL. */
export const REQUESTS_TOTAL = 'shadow_requests_total';
export const OUTCOME_LABEL = 'outcome';
/** ok: 2xx; error: the node answered with an error (own fault, downstream failure or timeout); rejected: 503 because the bounded queue was full. */
export const OUTCOMES = ['ok', 'error', 'rejected'] as const;
export type Outcome = (typeof OUTCOMES)[number];
// (Registering the counter is enough: an outcome with no sample counts as 0 when the family's `# TYPE` line is
// present; `counter.inc({ outcome }, 0)` for each outcome at start-up makes that explicit.)

/** Gauge: requests accepted and not yet answered (queued + in service, downstream calls included). */
export const IN_FLIGHT = 'shadow_in_flight';
/** Gauge: requests waiting for a worker. */
export const QUEUE_DEPTH = 'shadow_queue_depth';
/** Gauge: workers holding a request now (the twin's utilization is busy workers / workers). */
export const BUSY_WORKERS = 'shadow_busy_workers';
/**
 * Counter (optional but preferred): integral of BUSY_WORKERS over time, in worker-seconds.
 * Its increase over an interval divided by the interval is the exact time-averaged
 * number of busy workers; without it the scraper averages BUSY_WORKERS samples.
 */
export const BUSY_WORKER_SECONDS = 'shadow_busy_worker_seconds_total';
/** Histogram of the node's response time (accept to answer), shadow seconds, over answered ok and error requests (not rejected). */
export const LATENCY_SECONDS = 'shadow_latency_seconds';

/**
 * Buckets for LATENCY_SECONDS: log-spaced by 2^(1/4) (≈ 19 % wide, so an
 * interpolated quantile is within about 10 % of the truth) from 0.5 ms to about
 * 8 minutes, wide enough for production latencies dilated by k up to ~100.
 */
export const LATENCY_BUCKETS: readonly number[] = Array.from({ length: 81 }, (_, i) => Number((0.0005 * 2 ** (i / 4)).toPrecision(4)));
