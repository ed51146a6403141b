/**
 * The stub process: one HTTP server for every stubbed node. `GET /n/<id>`
 * answers after a latency drawn from a lognormal fitted to the node's
 * simulated p50 and p99 (LogNormal.fromPercentiles: median p50, and
 * sigma = ln(p99/p50) / z(0.99); the tail is what a caller's timeouts and
 * retries react to, so the fit matches the median and the 99th percentile,
 * and /healthz reports the fitted p95 beside the simulated one), times k;
 * with probability errorRate the answer is a 500 (after the same latency:
 * the simulation's error responses are timed like the others). A p50 of 0
 * answers at once; a p99 below p50 (not a distribution) is read as p50
 * (no spread). The stub has no workers or queue: a stubbed node is one the
 * plan judged not at risk, so only its response distribution matters.
 * Unknown node: 404.
 */
import { performance } from 'node:perf_hooks';
import type { Server, ServerResponse } from 'node:http';
import { Deterministic, LogNormal, type Distribution } from '../../engine/distributions.js';
import { normalQuantile } from '../../engine/quantiles.js';
import { createStream, type Rng } from '../../engine/rng.js';
import type { StubSpec } from '../../twins/shadow/plan-types.js';
import type { StubRuntimeConfig } from '../../twins/shadow/stub-config.js';
import { ShadowMetrics } from './emulator-metrics.js';
import { CompensatedSleeper } from './emulator-work.js';
import { createShadowServer, listen, sendText } from './emulator-http-server.js';

/** The latency distribution (production seconds) a stub draws for a node. */
export function stubLatency(spec: StubSpec): Distribution {
  const { p50, p99 } = spec.latency;
  if (!(p50 > 0)) return new Deterministic(0);
  return LogNormal.fromPercentiles(p50, Math.max(p99, p50));
}

/** The p-quantile of a stub's latency distribution (production seconds), for the fit report. */
export function stubLatencyQuantile(spec: StubSpec, p: number): number {
  const d = stubLatency(spec);
  return d instanceof LogNormal ? Math.exp(d.mu + d.sigma * normalQuantile(p)) : d.mean;
}

interface StubNode {
  readonly spec: StubSpec;
  readonly latency: Distribution;
  readonly latencyRng: Rng;
  readonly errorRng: Rng;
  inFlight: number;
}

export class Stub {
  readonly server: Server;
  readonly metrics: ShadowMetrics;
  private readonly nodes = new Map<string, StubNode>();
  private readonly sleeper = new CompensatedSleeper();

  constructor(readonly config: StubRuntimeConfig) {
    for (const [id, spec] of Object.entries(config.nodes)) {
      this.nodes.set(id, {
        spec,
        latency: stubLatency(spec),
        latencyRng: createStream(config.seed, 0, `stub|${id}|latency`),
        errorRng: createStream(config.seed, 0, `stub|${id}|errors`),
        inFlight: 0,
      });
    }
    this.metrics = new ShadowMetrics([...this.nodes.keys()], config.k, { inFlight: (id) => this.nodes.get(id)?.inFlight ?? 0 });
    this.server = createShadowServer({
      registry: this.metrics.registry,
      node: (id, res) => this.onRequest(id, res),
      health: () => ({
        role: 'stub', pid: process.pid, k: config.k,
        nodes: Object.fromEntries([...this.nodes].map(([id, n]) => [id, {
          inFlight: n.inFlight, errorRate: n.spec.errorRate,
          p95: { simulated: n.spec.latency.p95, fitted: stubLatencyQuantile(n.spec, 0.95) },
        }])),
      }),
    });
  }

  listen(): Promise<number> {
    return listen(this.server, this.config.listen);
  }

  private onRequest(id: string, res: ServerResponse): void {
    const n = this.nodes.get(id);
    if (n === undefined) return sendText(res, 404, `no stubbed node ${id}\n`);
    const start = performance.now();
    const failed = n.errorRng() < n.spec.errorRate;
    const ms = n.latency.sample(n.latencyRng) * this.config.k * 1000;
    n.inFlight++;
    void this.sleeper.sleep(ms).then(() => {
      n.inFlight--;
      const outcome = failed ? 'error' : 'ok';
      if (failed) this.metrics.errors.inc({ node: id, reason: 'injected' });
      this.metrics.answered(id, outcome, (performance.now() - start) / 1000);
      sendText(res, failed ? 500 : 200, failed ? 'stubbed error\n' : 'ok\n');
    });
  }
}
