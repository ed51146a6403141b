/**
 * Single-file atomic writes clean up after a killed writer: before writing a
 * target, temp files of that target left by a process that is gone are
 * removed (they stayed forever before); a live writer's temp file, and temp
 * files of other targets, are left alone.
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withTempDir } from '../../models/test-support.js';
import { writeForecast } from '../../models/forecast-file.js';
import type { ForecastBundle } from '../../models/forecast.js';
import { REQUIRED_QUANTILES } from '../../models/forecast.js';
import { writeFileAtomically } from './atomic-file.js';

/** The id of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

test('writeFileAtomically removes a dead writer\'s temp file of the same target, not a live one\'s or another target\'s', () =>
  withTempDir(async (dir) => {
    const dead = deadPid();
    const live = process.ppid;
    const names = [`.report.html.${dead}.0a1b2c3d.tmp`, `.report.html.${live}.0a1b2c3d.tmp`, `.other.html.${dead}.0a1b2c3d.tmp`];
    for (const n of names) await writeFile(join(dir, n), 'partial');
    await writeFileAtomically(join(dir, 'report.html'), 'new');
    assert.is(await readFile(join(dir, 'report.html'), 'utf8'), 'new');
    assert.equal((await readdir(dir)).sort(), ['report.html', names[1]!, names[2]!].sort());
  }));

test('writeForecast removes a dead writer\'s forecast.json and paths.f32 temp files', () =>
  withTempDir(async (dir) => {
    const dead = deadPid();
    for (const n of [`forecast.json.${dead}.tmp`, `paths.f32.${dead}.tmp`, `exhaustion.json.${dead}.tmp`]) await writeFile(join(dir, n), 'partial');
    const quantiles = new Map(REQUIRED_QUANTILES.map((q) => [q, Float64Array.from([1, 1])] as const));
    const bundle: ForecastBundle = { startMs: 0, stepMs: 60_000, steps: 2, paths: 1, seed: 1, series: [{ node: 'a', metric: 'rate', model: 'test', notes: [], quantiles, paths: Float32Array.from([1, 1]) }] };
    await writeForecast(dir, bundle, { files: { 'exhaustion.json': '{}\n' } });
    assert.equal((await readdir(dir)).sort(), ['exhaustion.json', 'forecast.json', 'paths.f32']);
  }));

test.run();
