/**
 * A forecast folder is replaced as a set: a write stopped after the new paths
 * are in but before forecast.json (a kill between the renames) must not leave
 * the earlier forecast.json (or exhaustion.json) beside the new paths, where
 * a reader would take the old metadata for the new paths without a word.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ForecastBundle } from './forecast.js';
import { REQUIRED_QUANTILES } from './forecast.js';
import { readForecast, writeForecast } from './forecast-file.js';
import { withTempDir } from './test-support.js';

function bundle(seed: number): ForecastBundle {
  const steps = 3, paths = 2;
  const quantiles = new Map(REQUIRED_QUANTILES.map((q) => [q, Float64Array.from({ length: steps }, () => seed)] as const));
  return { startMs: Date.UTC(2024, 0, 1), stepMs: 60_000, steps, paths, seed, series: [{ node: 'frontend', metric: 'rate', model: 'test', notes: [], quantiles, paths: new Float32Array(steps * paths).fill(seed) }] };
}

test('a write stopped before forecast.json leaves no forecast.json, never the earlier one beside the new paths', () =>
  withTempDir(async (dir) => {
    await writeForecast(dir, bundle(1), { files: { 'exhaustion.json': '"seed 1"\n' } });
    assert.is((await readForecast(dir)).seed, 1);
    const stop = new Error('killed');
    try {
      await writeForecast(dir, bundle(2), { files: { 'exhaustion.json': '"seed 2"\n' }, beforeMeta: () => Promise.reject(stop) });
      assert.unreachable('the write was stopped');
    } catch (e) {
      assert.is(e, stop);
    }
    try {
      const read = await readForecast(dir);
      assert.unreachable(`read seed ${read.seed} metadata beside seed ${read.series[0]!.paths[0]} paths`);
    } catch (e) {
      assert.match((e as Error).message, /forecast\.json: \(file\)/);
    }
    assert.is(await readFile(join(dir, 'exhaustion.json'), 'utf8'), '"seed 2"\n', 'no exhaustion.json of the earlier forecast');
    assert.equal((await readdir(dir)).filter((n) => n.endsWith('.tmp')), [], 'the stopped write removed its temp files');
    // A later complete write is whole again.
    await writeForecast(dir, bundle(3), { files: { 'exhaustion.json': '"seed 3"\n' } });
    const read = await readForecast(dir);
    assert.is(read.seed, 3);
    assert.is(read.series[0]!.paths[0], 3);
  }));

test.run();
