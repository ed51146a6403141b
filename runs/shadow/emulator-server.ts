/**
 * The service emulator of one duplicated node: an HTTP server whose requests
 * go through the node's replicas and workers (emulator-station.ts), take a
 * service time drawn from the node's distribution times k (slept, or burnt
 * on the CPU), make the node's downstream calls (emulator-calls.ts), free
 * their worker, cross the node's link delay and answer: 200, 500 when a
 * mandatory call failed, 503 when the waiting room was full.
 *
 * Predicted state at t0: `preload()` injects spec.initial.busy +
 * spec.initial.queued synthetic requests at once. They are admitted like
 * arrivals (least-in-flight replica), so the first `capacity` of them take
 * workers and the rest wait: the node starts with the predicted work in
 * service and in its queues, and real requests wait behind it. Synthetic
 * requests draw a fresh service time (exact for exponential service, whose
 * residual is again exponential; an approximation otherwise), make their
 * calls like any request, and are counted only in
 * shadow_initial_requests_total, so request and latency series hold real
 * traffic alone. The materialiser calls preload when the process is
 * recorded and acknowledged (emulator-main.ts), which is the shadow's t0.
 */
import { performance } from 'node:perf_hooks';
import type { Server, ServerResponse } from 'node:http';
import { distributionFromSpec, type Distribution, type DistributionSpec } from '../../engine/distributions.js';
import { createStream, type Rng } from '../../engine/rng.js';
import type { EmulatorRuntimeConfig } from '../../twins/shadow/emulator-config.js';
import { Station } from './emulator-station.js';
import { CompensatedSleeper, burn } from './emulator-work.js';
import { runCallGroups, type CallEnvironment } from './emulator-calls.js';
import { attempt, createCallAgent } from './emulator-http-client.js';
import { ShadowMetrics } from './emulator-metrics.js';
import { createShadowServer, listen, nodePath, sendText } from './emulator-http-server.js';

export type ProcessOutcome = 'ok' | 'error' | 'rejected';

export class Emulator {
  readonly server: Server;
  readonly metrics: ShadowMetrics;
  readonly station: Station;
  private readonly service: Distribution;
  private readonly serviceRng: Rng;
  private readonly sleeper = new CompensatedSleeper();
  private readonly calls: CallEnvironment;
  private readonly agent = createCallAgent();
  private inFlight = 0;
  private readonly startedAt = Date.now();

  constructor(readonly config: EmulatorRuntimeConfig) {
    const { spec, node, seed, k } = config;
    this.station = new Station(spec.replicas, spec.workersPerReplica, spec.queuePerReplica);
    this.service = distributionFromSpec(spec.service as DistributionSpec, `${node}.service`);
    // One stream per purpose, so the service draws do not depend on how many calls were drawn.
    this.serviceRng = createStream(seed, 0, `emulator|${node}|service`);
    const urls = new Map(Object.entries(config.callees).map(([id, base]) => [id, `${base}${nodePath(id)}`]));
    this.calls = {
      k,
      countRng: createStream(seed, 0, `emulator|${node}|calls`),
      jitterRng: createStream(seed, 0, `emulator|${node}|jitter`),
      attempt: (to, deadlineMs) => attempt(this.agent, urls.get(to)!, deadlineMs),
      sleep: (ms) => this.sleeper.sleep(ms),
      onAttempt: (to, outcome) => this.metrics.callAttempts.inc({ node, to, outcome }),
    };
    this.metrics = new ShadowMetrics([node], k, {
      inFlight: () => this.inFlight,
      queued: () => this.station.queued,
      busy: () => this.station.busy,
      workers: () => this.station.capacity,
    });
    this.server = createShadowServer({
      registry: this.metrics.registry,
      node: (id, res) => this.onRequest(id, res),
      health: () => ({
        role: 'emulator', node, k, pid: process.pid, uptimeSeconds: (Date.now() - this.startedAt) / 1000,
        inFlight: this.inFlight, queued: this.station.queued, busy: this.station.busy, workers: this.station.capacity,
        timerOvershootMs: this.sleeper.learnedOvershootMs,
      }),
    });
  }

  listen(): Promise<number> {
    return listen(this.server, this.config.listen);
  }

  /** Injects the predicted initial work (see the module comment); the synthetic requests run on their own. */
  preload(): void {
    const { busy, queued } = this.config.spec.initial;
    const node = this.config.node;
    for (let i = 0; i < busy + queued; i++) {
      void this.process().then((outcome) => this.metrics.initialRequests.inc({ node, outcome }));
    }
  }

  close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(id: string, res: ServerResponse): void {
    if (id !== this.config.node) return sendText(res, 404, `this emulator serves ${this.config.node}, not ${id}\n`);
    const start = performance.now();
    void this.process().then((outcome) => {
      this.metrics.answered(this.config.node, outcome, (performance.now() - start) / 1000);
      if (outcome === 'ok') sendText(res, 200, 'ok\n');
      else if (outcome === 'rejected') sendText(res, 503, 'queue full\n');
      else sendText(res, 500, 'a mandatory call failed\n');
    });
  }

  /** One request through the node: admission, worker, service, calls, link delay. */
  async process(): Promise<ProcessOutcome> {
    const { spec, node, k } = this.config;
    const admission = this.station.admit();
    if (admission === null) {
      this.metrics.errors.inc({ node, reason: 'overflow' });
      return 'rejected';
    }
    this.inFlight++;
    try {
      await admission.started;
      const held = performance.now();
      let ok: boolean;
      try {
        const ms = this.service.sample(this.serviceRng) * k * 1000;
        if (spec.work === 'burn') await burn(ms);
        else await this.sleeper.sleep(ms);
        ok = await runCallGroups(this.calls, spec.callGroups);
      } finally {
        admission.release();
        this.metrics.busySeconds.inc({ node }, (performance.now() - held) / 1000);
      }
      if (spec.delay > 0) await this.sleeper.sleep(spec.delay * k * 1000);
      if (!ok) this.metrics.errors.inc({ node, reason: 'call' });
      return ok ? 'ok' : 'error';
    } finally {
      this.inFlight--;
    }
  }
}
