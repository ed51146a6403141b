/**
 * `shadowcast forecast --out DIR` over a folder that holds an earlier
 * forecast of the other layout (one forecast, or one per step): the earlier
 * files go once the new forecast is made (before it is written), so `simulate --forecast DIR`
 * never reads the old forecast beside the new one; anything else in the
 * folder stays. An --out that is a file is refused before any work.
 */
import { access, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readForecast } from '../../models/forecast-file.js';
import { NAB_DIR, silently, withTempDir } from '../../models/test-support.js';
import { InputError } from '../usage-error.js';
import { run as forecastCommand } from './forecast.js';

const exists = (p: string) => access(p).then(() => true, () => false);

test('a per-step forecast written over a single one removes the single one, and back; other files stay', () =>
  withTempDir(async (dir) => {
    const src = join(NAB_DIR, 'ec2_cpu_utilization_24ae8d.csv');
    const lines = (await readFile(src, 'utf8')).trim().split('\n');
    const coarseFile = join(dir, 'coarse_cpu_utilization.csv');
    await writeFile(coarseFile, [lines[0], ...lines.slice(1).filter((_, i) => i % 3 === 0)].join('\n').replace(/ec2_cpu_utilization_24ae8d/g, 'coarse') + '\n');
    const out = join(dir, 'fc');
    const base = ['--horizon', '1h', '--paths', '10', '--workers', '0', '--out', out];
    assert.is(await silently(() => forecastCommand(['--telemetry', src, ...base])), 0);
    await writeFile(join(out, 'notes.txt'), 'mine\n');
    assert.is((await readForecast(out)).steps, 12);
    // Two steps now: the single forecast at the top must go, or simulate would read it.
    assert.is(await silently(() => forecastCommand(['--telemetry', src, coarseFile, ...base])), 0);
    for (const f of ['forecast.json', 'paths.f32', 'exhaustion.json']) assert.not.ok(await exists(join(out, f)), f);
    assert.ok(await exists(join(out, 'forecast-groups.json')));
    try {
      await readForecast(out);
      assert.unreachable('a multi-step folder is not one forecast');
    } catch (e) {
      assert.match((e as Error).message, /holds forecasts at several steps/);
    }
    // And back to one forecast: the index and the step folders go.
    assert.is(await silently(() => forecastCommand(['--telemetry', coarseFile, ...base])), 0);
    assert.not.ok(await exists(join(out, 'forecast-groups.json')));
    assert.not.ok(await exists(join(out, 'step-300s')));
    assert.not.ok(await exists(join(out, 'step-900s')));
    assert.is((await readForecast(out)).stepMs, 900_000);
    assert.is(await readFile(join(out, 'notes.txt'), 'utf8'), 'mine\n', 'a file the forecast did not write stays');
  }));

test('a folder given to --telemetry stands for its .csv and .json files, as in calibrate', () =>
  withTempDir(async (dir) => {
    const folder = join(dir, 'telemetry');
    await mkdir(folder);
    for (const f of ['ec2_cpu_utilization_24ae8d.csv', 'rds_cpu_utilization_cc0c53.csv']) await copyFile(join(NAB_DIR, f), join(folder, f));
    await writeFile(join(folder, 'README.txt'), 'not telemetry\n');
    const out = join(dir, 'fc');
    assert.is(await silently(() => forecastCommand(['--telemetry', folder, '--horizon', '1h', '--paths', '10', '--workers', '0', '--out', out])), 0);
    assert.equal((await readForecast(out)).series.map((s) => s.node), ['ec2_cpu_utilization_24ae8d', 'rds_cpu_utilization_cc0c53']);
  }));

test('an --out that is a file is refused before any work', () =>
  withTempDir(async (dir) => {
    const file = join(dir, 'taken.csv');
    await writeFile(file, 'x\n');
    try {
      await forecastCommand(['--telemetry', join(NAB_DIR, 'ec2_cpu_utilization_24ae8d.csv'), '--horizon', '1h', '--out', file]);
      assert.unreachable('refused');
    } catch (e) {
      assert.instance(e, InputError);
      assert.match((e as Error).message, /--out .*taken\.csv: exists and is not a folder/);
    }
  }));

test.run();
