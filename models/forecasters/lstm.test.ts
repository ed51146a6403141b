import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { forecastHistory } from '../pipeline.js';
import type { SeriesHistory } from '../pipeline.js';
import { seasonalSeries } from '../test-support.js';
import { GlobalLstm } from './lstm.js';
import { assertBackend, BackendUnavailableError, useBackend } from './tf-backend.js';

const TINY = { window: 8, units: 4, epochs: 2, windowsPerSeries: 32, batchSize: 32, seed: 5 };
const histories: SeriesHistory[] = [0, 1].map((i) => ({
  node: `n${i}`, metric: 'cpu', stepMs: 3_600_000, startMs: 0, values: seasonalSeries(120, 24, `lstm-${i}`, { noise: 0.3 }), allowNegative: false, notes: [],
}));

test('backends that are not installed fail loudly, naming the package', async () => {
  for (const [name, pkg] of [['tensorflow', '@tensorflow/tfjs-node'], ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'], ['webgpu', '@tensorflow/tfjs-backend-webgpu']] as const) {
    try {
      await useBackend(name);
      assert.unreachable(`${name} should not be available here`);
    } catch (e) {
      assert.instance(e, BackendUnavailableError);
      assert.match((e as Error).message, `tfjs backend "${name}" is not available`);
      assert.match((e as Error).message, pkg);
    }
  }
  await useBackend('cpu');
  assert.is(tf.getBackend(), 'cpu');
  // tfjs would carry on silently on cpu; the assertion does not.
  assert.throws(() => assertBackend('wasm'), /tfjs backend "wasm" is not available: .*fell back to "cpu"/);
  assert.throws(() => assertBackend('cpu', false), (e: unknown) => e instanceof BackendUnavailableError);
});

test('wasm backend loads offline from the installed package', async () => {
  await useBackend('wasm');
  assert.is(tf.getBackend(), 'wasm');
  await useBackend('cpu');
});

test('tiny global LSTM: trains, forecasts correlated paths, deterministic given the seed', async () => {
  const a = await GlobalLstm.train(histories, { ...TINY, backend: 'cpu' });
  const b = await GlobalLstm.train(histories, { ...TINY, backend: 'cpu' });
  try {
    assert.is(a.report.backend, 'cpu');
    assert.is(a.report.secondsPerEpoch.length, 2);
    assert.ok(a.report.loss.every(Number.isFinite));
    const opts = { model: 'lstm' as const, horizon: 4, paths: 8, seed: 2, calibrate: false };
    const ra = await forecastHistory(histories[0]!, { ...opts, external: a.model });
    const rb = await forecastHistory(histories[0]!, { ...opts, external: b.model });
    assert.is(ra.series.model, 'lstm');
    assert.is(ra.series.paths.length, 8 * 4);
    assert.ok(ra.series.paths.every(Number.isFinite));
    assert.equal(Array.from(ra.series.paths), Array.from(rb.series.paths));
    const q05 = ra.series.quantiles.get(0.05)!, q95 = ra.series.quantiles.get(0.95)!;
    for (let k = 0; k < 4; k++) assert.ok(q95[k]! > q05[k]!, 'paths have spread');
  } finally {
    a.model.dispose();
    b.model.dispose();
  }
});

test.run();
