import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Series } from '../../models/telemetry/series.js';
import { loadTwinFile } from '../../twins/definition/load.js';
import { stateFromTelemetry } from './state-from-telemetry.js';
import { SHOP_TWIN } from './test-support.js';

const T0 = Date.UTC(2026, 0, 1);
const series = (node: string, metric: string, values: number[]): Series => ({
  node, metric, file: 'x.csv', startMs: T0, stepMs: 300_000, values: Float64Array.from(values), filled: new Uint8Array(values.length), allowNegative: false, notes: [],
});

test('the snapshot is the last value of each node state series; what the twin cannot hold is clamped with a warning', async () => {
  const twin = await loadTwinFile(SHOP_TWIN);
  const s = stateFromTelemetry(twin, [
    series('frontend', 'rate', [100, 120]),
    series('frontend', 'replicas', [2, 3]),
    series('productcatalog', 'busy', [1, 2.4]),
    series('productcatalog', 'queue', [0, 500]), // 1 replica x queue 200
    series('productcatalog', 'memory', [1, 300 * 2 ** 20]), // limit 192Mi
    series('cart', 'busy', [3]), // ends a step before the others
  ], T0 + 300_000);
  assert.equal(s.document.nodes, {
    frontend: { replicasUp: 3 },
    productcatalog: { replicasUp: 1, busy: 2, queue: 200, memory: 192 * 2 ** 20 * 0.99 },
    cart: { replicasUp: 1, busy: 3 },
  });
  assert.is(s.document.takenAt, '2026-01-01T00:05:00.000Z');
  assert.is(s.warnings.length, 2);
  assert.match(s.warnings[0]!, 'productcatalog/queue is 500, more than 1 replica(s) hold (200): clamped');
  assert.match(s.warnings[1]!, 'productcatalog/memory');
  const pc = twin.indexOf.get('productcatalog')!;
  assert.equal(Array.from(s.snapshot.nodes[pc]!.queue), [200]);
  assert.is(s.snapshot.nodes[twin.indexOf.get('currency')!], null, 'no series: starts empty');
});

test.run();
