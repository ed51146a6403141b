import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChunkSummary, NodeChunk } from '../../twins/flow/summary.js';
import { loadTwinFile } from '../../twins/definition/load.js';
import { breachHeatmap } from './heatmap.js';
import { SHOP_TWIN } from './test-support.js';

/** A node's per-window columns for 3 replications x 4 half-hour windows (replication-major). */
function node(id: string, util: number[], err: number[], thr: number[], failTime: (number | null)[]): NodeChunk {
  return { id, metrics: {} as NodeChunk['metrics'], failTime, condition: failTime.map((t) => (t === null ? '' : 'latency')), windows: { utilization: util, errorRate: err, throughput: thr, meanQueue: util.map(() => 0) }, hist: {} as NodeChunk['hist'], winHist: [] };
}

test('P(breach) per node and hour: windows over the SLO utilization or error rate (with enough outcomes), and first failures', async () => {
  const twin = await loadTwinFile(SHOP_TWIN);
  // productcatalog: SLO utilization 0.9, error rate 0.01; recommendation: utilization 0.9, no error-rate SLO.
  const lo = [0.5, 0.5, 0.5, 0.5];
  const summary: ChunkSummary = {
    first: 0, count: 3, horizon: 7200, windowSeconds: 1800, windows: 4, events: 0, entries: [],
    nodes: [
      node('productcatalog',
        [...[0.95, 0.5, 0.5, 0.5], ...lo, ...lo], // rep 0 saturated in hour 0
        [...[0, 0, 0, 0], ...[0, 0, 0, 0.5], ...[0, 0, 0, 0.5]], // reps 1 and 2: 50 % errors in the last window...
        [...[1, 1, 1, 1], ...[1, 1, 1, 1], ...[1, 1, 1, 0.001]], // ...but rep 2 had only ~2 outcomes there (< MIN_SLO_SAMPLES)
        [null, null, 100]), // rep 2's first failure at 100 s (hour 0)
      node('recommendation', [...lo, ...lo, ...lo], [...[0.9, 0.9, 0.9, 0.9], ...lo, ...lo], [...[1, 1, 1, 1], ...lo, ...lo], [null, 5000, null]),
    ],
  };
  const cells = breachHeatmap(summary, twin).map((c) => `${c.node} h${c.hour} ${(c.pBreach * 3).toFixed(0)}/3`);
  assert.equal(cells, ['productcatalog h0 2/3', 'productcatalog h1 1/3', 'recommendation h0 0/3', 'recommendation h1 1/3']);
});

test.run();
