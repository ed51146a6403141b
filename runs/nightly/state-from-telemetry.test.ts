import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TelemetryError } from '../../models/telemetry/errors.js';
import { readTelemetry } from '../../models/telemetry/read.js';
import type { Series } from '../../models/telemetry/series.js';
import { loadTwinFile } from '../../twins/definition/load.js';
import { exampleFile } from '../../twins/examples/paths.js';
import { withTempDir } from '../test-support.js';
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
  // busy 2.4 is an averaged gauge: rounded without a warning.
  assert.is(s.warnings.length, 2, s.warnings.join('\n'));
  assert.match(s.warnings[0]!, 'productcatalog/queue is 500 (x.csv), more than 1 replica(s) hold (200): clamped to 200');
  assert.match(s.warnings[1]!, 'productcatalog/memory is');
  const pc = twin.indexOf.get('productcatalog')!;
  assert.equal(Array.from(s.snapshot.nodes[pc]!.queue), [200]);
  assert.is(s.snapshot.nodes[twin.indexOf.get('currency')!], null, 'no series: starts empty');
});

test('state from a telemetry file: rounding and clamping quote the value as read and its line; a count over docs/limits.md is refused there', () =>
  withTempDir('state', async (dir) => {
    const twin = await loadTwinFile(exampleFile('jackson.yaml')); // single servers, unbounded queues
    const T = 1_700_000_000;
    const night = async (lastRow: string) => {
      const rows = ['timestamp,node,metric,value'];
      for (let i = 0; i < 6; i++) rows.push(`${T + 300 * i},s1,replicas,1`, `${T + 300 * i},s1,busy,1`, `${T + 300 * i},s2,queue,${i}`);
      rows.push(lastRow); // line 20: a later sample of one series
      const file = join(dir, 'tel.csv');
      await writeFile(file, rows.join('\n') + '\n');
      return stateFromTelemetry(twin, await readTelemetry([file]), (T + 1800) * 1000);
    };
    const rounded = await night(`${T + 1800},s1,replicas,1.7`);
    assert.is(rounded.document.nodes.s1!.replicasUp, 2);
    assert.ok(rounded.warnings.some((w) => w.includes('state: s1/replicas is 1.7 (') && /tel\.csv: line 20: column value\), not a whole number: rounded to 2/.test(w)), rounded.warnings.join('\n'));
    const busy = await night(`${T + 1800},s1,busy,2.5`);
    assert.is(busy.document.nodes.s1!.busy, 1);
    assert.ok(busy.warnings.some((w) => /state: s1\/busy is 2\.5 \(.*tel\.csv: line 20: column value\), more than 1 replica\(s\) hold \(1\): clamped to 1/.test(w)), busy.warnings.join('\n'));
    try {
      await night(`${T + 1800},s2,queue,1e9`);
      assert.unreachable('a queue of 1e9 accepted');
    } catch (e) {
      assert.instance(e, TelemetryError);
      assert.match((e as Error).message, /tel\.csv: line 20: column value: expected s2\/queue at most 10000000 for the nightly's state snapshot \(the limit of docs\/limits\.md on a snapshot's queue count; the twin does not bound it lower\), got 1000000000/);
    }
  }));

test.run();
