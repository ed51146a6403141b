/**
 * Prometheus metrics of a shadow process (emulator or stub), served on
 * `/metrics`. Every time is in SHADOW seconds (divide by k, exported as
 * `shadow_dilation`, for production time). Series are labelled by `node`, so
 * the stub, which serves several nodes, exports the same names. The names the
 * injector's scraper reads come from metric-names.ts, so the two cannot drift.
 *
 *  shadow_requests_total{node,outcome}            ok | error | rejected (503, waiting room full)
 *  shadow_request_errors_total{node,reason}       overflow | call (a mandatory call failed) | injected (stub)
 *  shadow_latency_seconds{node,outcome}           histogram, arrival to response (ok and error; a 503 is counted, not timed)
 *  shadow_in_flight{node}                         admitted and not yet answered (queued, in service, calling, link delay)
 *  shadow_queue_depth{node}                       waiting for a worker
 *  shadow_busy_workers{node}, shadow_workers{node} held workers and workers in all (emulator only; also queue_depth)
 *  shadow_busy_worker_seconds_total{node}         worker-seconds held: utilization = rate / shadow_workers
 *  shadow_call_attempts_total{node,to,outcome}    downstream attempts: ok | error | timeout
 *  shadow_initial_requests_total{node,outcome}    the predicted state's synthetic requests (not in the request series)
 *  shadow_dilation                                k
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BUSY_WORKERS, BUSY_WORKER_SECONDS, IN_FLIGHT, LATENCY_BUCKETS, LATENCY_SECONDS, NODE_LABEL, OUTCOME_LABEL, OUTCOMES, QUEUE_DEPTH, REQUESTS_TOTAL, type Outcome } from './metric-names.js';

export type RequestOutcome = Outcome;

/** Live occupancy read at scrape time (a stub has no workers nor queue: only in_flight). */
export interface Occupancy {
  inFlight(node: string): number;
  queued?(node: string): number;
  busy?(node: string): number;
  workers?(node: string): number;
}

export class ShadowMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'node' | 'outcome'>;
  readonly errors: Counter<'node' | 'reason'>;
  readonly duration: Histogram<'node' | 'outcome'>;
  readonly busySeconds: Counter<'node'>;
  readonly callAttempts: Counter<'node' | 'to' | 'outcome'>;
  readonly initialRequests: Counter<'node' | 'outcome'>;

  constructor(nodes: readonly string[], k: number, occupancy: Occupancy) {
    const registers = [this.registry];
    this.requests = new Counter({ name: REQUESTS_TOTAL, help: 'Requests answered, by outcome (rejected: 503, waiting room full).', labelNames: [NODE_LABEL, OUTCOME_LABEL], registers });
    this.errors = new Counter({ name: 'shadow_request_errors_total', help: 'Error responses by reason.', labelNames: ['node', 'reason'], registers });
    this.duration = new Histogram({ name: LATENCY_SECONDS, help: 'Response time, arrival to response, shadow seconds (ok and error responses).', labelNames: [NODE_LABEL, OUTCOME_LABEL], buckets: [...LATENCY_BUCKETS], registers });
    this.busySeconds = new Counter({ name: BUSY_WORKER_SECONDS, help: 'Worker-seconds held (service and calls), shadow seconds.', labelNames: ['node'], registers });
    this.callAttempts = new Counter({ name: 'shadow_call_attempts_total', help: 'Downstream call attempts by callee and outcome.', labelNames: ['node', 'to', 'outcome'], registers });
    this.initialRequests = new Counter({ name: 'shadow_initial_requests_total', help: 'Synthetic requests of the predicted initial state, by outcome.', labelNames: ['node', 'outcome'], registers });
    const gauge = (name: string, help: string, read: (node: string) => number): void => {
      new Gauge({
        name, help, labelNames: ['node'], registers,
        collect() {
          for (const node of nodes) this.set({ node }, read(node));
        },
      });
    };
    gauge(IN_FLIGHT, 'Requests admitted and not yet answered.', (n) => occupancy.inFlight(n));
    const { queued, busy, workers } = occupancy;
    if (queued) gauge(QUEUE_DEPTH, 'Requests waiting for a worker.', queued);
    if (busy) gauge(BUSY_WORKERS, 'Workers held.', busy);
    if (workers) gauge('shadow_workers', 'Workers over all replicas.', workers);
    new Gauge({ name: 'shadow_dilation', help: 'Time-dilation factor k: production seconds = shadow seconds / k.', registers }).set(k);
    // Zero series up front, so a reader sees every node from the first scrape.
    for (const node of nodes) for (const outcome of OUTCOMES) this.requests.inc({ node, outcome }, 0);
  }

  /** A request answered after `seconds` (shadow). */
  answered(node: string, outcome: RequestOutcome, seconds: number): void {
    this.requests.inc({ node, outcome });
    // A 503 from a full waiting room takes no time worth timing: it would pull the latency quantiles down.
    if (outcome !== 'rejected') this.duration.observe({ node, outcome }, seconds);
  }
}
