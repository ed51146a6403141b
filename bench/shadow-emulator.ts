/**
 * What the emulator adds to p50 at 100 req/s. One node with a deterministic
 * service time D and far more workers than the load needs (no queueing), so
 * its ideal response time is exactly D; the injector sends 100 req/s of
 * Poisson arrivals for SECONDS s and measures p50 from each request's
 * scheduled send time. Two baselines in their own processes separate the
 * parts: a bare node:http server answering at once (the loopback HTTP round
 * trip and the injector) and one answering after a plain setTimeout(D)
 * (plus node's timer granularity). The emulator's own figure (its latency
 * histogram, request in to answer out, scraped from /metrics) leaves the
 * HTTP round trip out.
 */
import { injectTraffic, type InjectReport } from '../runs/shadow/inject.js';
import { constantSchedule } from '../runs/shadow/inject-test-support.js';
import type { BenchSection, Cell } from './table.js';
import { singleNodePlan } from './shadow-plans.js';
import { nodeUrl, withShadow } from './shadow-run.js';
import { startTargetProcess } from './shadow-target.js';

const D_MS = 5;
const RATE = 100;
const SECONDS = 5;
const WORKERS = 64;
const TARGET_MS = 1;

const ms = (s: number | null): number | null => (s === null ? null : s * 1000);

function inject(url: string, seed: number, metricsUrl?: string): Promise<InjectReport> {
  return injectTraffic({
    targets: [{ entry: 'bench', url, schedule: constantSchedule(RATE, 'bench', 'E') }], k: 1,
    durationShadowSeconds: SECONDS, maxRequests: RATE * SECONDS * 3, seed, graceSeconds: 5,
    ...(metricsUrl ? { metricsUrls: { E: metricsUrl }, intervalSeconds: 3600 } : {}),
  });
}

async function againstProcess(sleepMs: number, seed: number): Promise<InjectReport> {
  const server = await startTargetProcess(sleepMs);
  try {
    return await inject(server.url, seed);
  } finally {
    await server.close();
  }
}

function row(what: string, d: number, r: InjectReport, serverMean: number | null): Record<string, Cell> {
  const p50 = ms(r.latency.p50);
  return {
    server: what, 'D ms': d, requests: r.sent, ok: r.ok, 'p50 ms': p50, 'p50 − D ms': p50 === null ? null : p50 - d,
    'mean ms': ms(r.latency.mean), 'p99 ms': ms(r.latency.p99), 'server-side mean − D ms': serverMean === null ? null : serverMean - d, 'injector lag p99 ms': r.lag.p99,
  };
}

export async function benchShadowEmulator(): Promise<BenchSection> {
  const seed = 11;
  const bareNow = await againstProcess(0, seed);
  const bareSleep = await againstProcess(D_MS, seed);
  const plan = singleNodePlan('E', { service: { type: 'deterministic', value: D_MS / 1000 }, workersPerReplica: WORKERS }, RATE, 1, SECONDS);
  const emulated = await withShadow(plan, async (state) => inject(nodeUrl(state, 'E'), seed, `${state.addresses.E}/metrics`));
  const node = emulated.nodes.E;
  const serverMean = node?.available ? ms(node.meanLatency) : null;
  const rows = [row('bare node:http, answers at once', 0, bareNow, null), row(`bare node:http, setTimeout(${D_MS})`, D_MS, bareSleep, null), row(`emulator, deterministic ${D_MS} ms, ${WORKERS} workers`, D_MS, emulated, serverMean)];
  const added = rows[2]!['p50 − D ms'] as number | null;
  const vsBare = added !== null && rows[1]!['p50 − D ms'] !== null ? added - (rows[1]!['p50 − D ms'] as number) : null;
  const fmt = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)} ms`);
  return {
    name: 'shadow-emulator',
    title: `Emulator overhead at ${RATE} req/s (Poisson, ${SECONDS} s, k = 1): p50 from the scheduled send, minus the service time D`,
    columns: ['server', 'D ms', 'requests', 'ok', 'p50 ms', 'p50 − D ms', 'mean ms', 'p99 ms', 'server-side mean − D ms', 'injector lag p99 ms'],
    rows,
    targets: [{
      what: `the emulator adds ≤ ${TARGET_MS} ms to p50 at ${RATE} req/s`,
      met: added !== null && added <= TARGET_MS,
      detail: `emulator p50 − D = ${fmt(added)} (HTTP round trip + injector alone: ${fmt(rows[0]!['p50 ms'] as number | null)}; emulator vs bare setTimeout(${D_MS}) server: ${fmt(vsBare)}; inside the emulator, request in to answer out: mean − D = ${fmt(serverMean === null ? null : serverMean - D_MS)})`,
    }],
  };
}
