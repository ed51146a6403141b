/**
 * The `shadowcast forecast` / `backtest` commands end to end (they live in
 * runs/commands/ but are the models' front door, so they are tested here with
 * the models suite): the bundle written must be the one readForecast reads.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run as backtestCommand } from '../runs/commands/backtest.js';
import { run as forecastCommand } from '../runs/commands/forecast.js';
import { REQUIRED_QUANTILES } from './forecast.js';
import { readForecast } from './forecast-file.js';
import { NAB_DIR, NEZHA_METRIC_DIR, silently, withTempDir } from './test-support.js';


test('forecast writes a bundle that readForecast reads back, with exhaustion for bounded metrics', () =>
  withTempDir(async (dir) => {
    const out = join(dir, 'fc');
    const files = [join(NAB_DIR, 'ec2_cpu_utilization_24ae8d.csv'), join(NAB_DIR, 'rds_cpu_utilization_cc0c53.csv')];
    const code = await silently(() => forecastCommand(['--telemetry', ...files, '--horizon', '2h', '--paths', '20', '--seed', '4', '--workers', '0', '--out', out]));
    assert.is(code, 0);
    const b = await readForecast(out);
    assert.is(b.steps, 24);
    assert.is(b.stepMs, 300_000);
    assert.is(b.paths, 20);
    assert.is(b.seed, 4);
    assert.equal(b.series.map((s) => `${s.node}/${s.metric}`), ['ec2_cpu_utilization_24ae8d/cpu_utilization', 'rds_cpu_utilization_cc0c53/cpu_utilization']);
    assert.is(b.startMs, Date.UTC(2014, 1, 28, 14, 35));
    for (const s of b.series) {
      assert.match(s.model, /^auto:/);
      for (const q of REQUIRED_QUANTILES) assert.is(s.quantiles.get(q)!.length, 24);
    }
    assert.is(b.series[0]!.limit, 100);
    const ex = JSON.parse(await readFile(join(out, 'exhaustion.json'), 'utf8')) as { series: Array<{ node: string; probability: number }> };
    assert.equal(ex.series.map((e) => e.node), ['ec2_cpu_utilization_24ae8d', 'rds_cpu_utilization_cc0c53']);
    // The first ends 5 minutes before the second: forecast from its own end, the extra step dropped.
    assert.ok(b.series[0]!.notes.some((n) => /ends 1 steps before the common start/.test(n)));
    assert.ok(ex.series[0]!.probability >= 0 && ex.series[0]!.probability <= 1);
  }));

test('forecast on Nezha pods with a short history and unusable columns still writes every usable series', () =>
  withTempDir(async (dir) => {
    const out = join(dir, 'nz');
    const file = join(NEZHA_METRIC_DIR, 'ts-route-service-b6c59fb57-zv8dt_metric.csv');
    assert.is(await silently(() => forecastCommand(['--telemetry', file, '--horizon', '30m', '--paths', '10', '--model', 'ets', '--out', out, '--workers', '0'])), 0);
    const b = await readForecast(out);
    assert.is(b.steps, 30);
    const rate = b.series.find((s) => s.metric === 'rate')!;
    assert.ok(rate.notes.some((n) => /shorter than two daily seasons/.test(n)));
  }));

test('series that end more than a horizon apart are refused, naming both', () =>
  withTempDir(async (dir) => {
    const out = join(dir, 'apart');
    const files = [join(NAB_DIR, 'ec2_cpu_utilization_24ae8d.csv'), join(NAB_DIR, 'elb_request_count_8c0756.csv')];
    try {
      await silently(() => forecastCommand(['--telemetry', ...files, '--horizon', '2h', '--out', out, '--workers', '0']));
      assert.unreachable('accepted series a month apart');
    } catch (e) {
      assert.match((e as Error).message, /ec2_cpu_utilization_24ae8d\.csv: series ec2_cpu_utilization_24ae8d\/cpu_utilization ends \d+ steps before elb_request_count_8c0756\/request_count/);
    }
  }));

test('usage errors name the flag; --help is exit 0', async () => {
  assert.is(await silently(() => forecastCommand(['--help'])), 0);
  for (const [args, pattern] of [
    [['--horizon', '2h', '--out', 'x'], /--telemetry: expected at least one path/],
    [['--telemetry', 'a.csv', '--horizon', 'soon', '--out', 'x'], /--horizon: expected a duration/],
    [['--telemetry', 'a.csv', '--horizon', '2h', '--out', 'x', '--model', 'prophet'], /--model: expected auto or one of/],
    [['--telemetry', 'a.csv', '--horizon', '2h', '--out', 'x', '--paths', '0'], /--paths: expected a positive whole number/],
    [['--telemetry', 'a.csv', '--horizon', '2h', '--out', 'x', '--backend', 'tpu'], /--backend: expected one of auto, cpu, wasm/],
  ] as const) {
    try {
      await forecastCommand([...args]);
      assert.unreachable(`accepted ${args.join(' ')}`);
    } catch (e) {
      assert.match((e as Error).message, pattern);
    }
  }
});

test('backtest prints a table and writes JSON with model and seasonal naive metrics', () =>
  withTempDir(async (dir) => {
    const json = join(dir, 'bt.json');
    const code = await silently(() => backtestCommand(['--telemetry', join(NAB_DIR, 'rds_cpu_utilization_cc0c53.csv'), '--horizon', '24', '--windows', '3', '--workers', '0', '--json', json]));
    assert.is(code, 0);
    const r = JSON.parse(await readFile(json, 'utf8')) as { summary: { series: number; model: { windows: number; mase: number; cover80: number }; baseline: { mase: number } } };
    assert.is(r.summary.series, 1);
    assert.is(r.summary.model.windows, 3);
    assert.ok(r.summary.model.mase > 0 && r.summary.baseline.mase > 0);
    assert.ok(r.summary.model.cover80 >= 0 && r.summary.model.cover80 <= 1);
  }));

test('series at different steps: one forecast folder per step and an index; --resample gives one forecast', () =>
  withTempDir(async (dir) => {
    // The same NAB series at its own 5-minute step and downsampled to 15 minutes by a file written here.
    const src = join(NAB_DIR, 'ec2_cpu_utilization_24ae8d.csv');
    const lines = (await readFile(src, 'utf8')).trim().split('\n');
    const coarse = [lines[0], ...lines.slice(1).filter((_, i) => i % 3 === 0)].join('\n').replace(/ec2_cpu_utilization_24ae8d/g, 'coarse');
    const coarseFile = join(dir, 'coarse_cpu_utilization.csv');
    await writeFile(coarseFile, coarse + '\n');
    const out = join(dir, 'fc');
    const code = await silently(() => forecastCommand(['--telemetry', src, coarseFile, '--horizon', '2h', '--paths', '10', '--workers', '0', '--out', out]));
    assert.is(code, 0);
    const index = JSON.parse(await readFile(join(out, 'forecast-groups.json'), 'utf8')) as { groups: Array<{ stepSeconds: number; folder: string }> };
    assert.equal(index.groups.map((g) => [g.stepSeconds, g.folder]), [[300, 'step-300s'], [900, 'step-900s']]);
    assert.is((await readForecast(join(out, 'step-300s'))).steps, 24);
    assert.is((await readForecast(join(out, 'step-900s'))).steps, 8);
    try {
      await readForecast(out);
      assert.unreachable('a multi-step folder is not one forecast');
    } catch (e) {
      assert.match((e as Error).message, /holds forecasts at several steps: pass one of .*step-300s/);
    }
    const one = join(dir, 'one');
    assert.is(await silently(() => forecastCommand(['--telemetry', src, coarseFile, '--horizon', '2h', '--paths', '10', '--workers', '0', '--resample', '15m', '--out', one])), 0);
    const b = await readForecast(one);
    assert.is(b.stepMs, 900_000);
    assert.is(b.series.length, 2);
    assert.ok(b.series[0]!.notes.some((n) => /resampled from a 300 s to a 900 s step/.test(n)));
  }));

test.run();
