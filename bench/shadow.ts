/**
 * Shadow injector: the highest rate it holds against a trivial loopback
 * server (answers "ok" at once, in this process). For each target rate, 2 s of
 * Poisson arrivals; "held" = every scheduled request sent within the window
 * (achieved ≥ 99 % of this draw's scheduled rate) and send lag p99 within the
 * 10 ms bound, i.e. not saturated. The server shares the event loop, so this is
 * a lower bound on what the injector alone can do.
 */
import { injectTraffic } from '../runs/shadow/inject.js';
import { constantSchedule, startServer } from '../runs/shadow/inject-test-support.js';
import type { BenchSection, Cell } from './table.js';

const RATES = [500, 1000, 2000, 4000];
const SECONDS = 2;

export async function benchShadow(): Promise<BenchSection[]> {
  const rows: Record<string, Cell>[] = [];
  const server = await startServer();
  try {
    for (const rate of RATES) {
      const r = await injectTraffic({ targets: [{ entry: 'bench', url: server.url, schedule: constantSchedule(rate) }], k: 1, durationShadowSeconds: SECONDS, maxRequests: rate * SECONDS * 2, seed: rate, graceSeconds: 5 });
      rows.push({
        'target req/s': rate, 'scheduled req/s': r.rate.scheduled, 'achieved req/s': r.rate.achieved,
        'achieved/scheduled': r.rate.achieved / r.rate.scheduled, 'lag p99 ms': r.lag.p99, 'latency p99 ms': r.latency.p99 === null ? null : r.latency.p99 * 1000,
        held: !r.saturated, 'saturation': r.saturation.reasons.join('; ') || null,
      });
    }
  } finally {
    await server.close();
  }
  const held = rows.filter((r) => r.held === true).map((r) => r['target req/s'] as number);
  const maxHeld = held.length ? Math.max(...held) : 0;
  return [{
    name: 'shadow',
    title: `Shadow injector: rate held against a loopback server (${SECONDS} s per rate, Poisson)`,
    columns: ['target req/s', 'scheduled req/s', 'achieved req/s', 'achieved/scheduled', 'lag p99 ms', 'latency p99 ms', 'held', 'saturation'],
    rows,
    targets: [{ what: 'injector holds its target rate within 1 % up to at least 2,000 req/s', met: maxHeld >= 2000, detail: `highest rate held: ${maxHeld} req/s` }],
  }];
}
