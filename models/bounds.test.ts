/**
 * Declared bounds (issue 12): a metric whose name says nothing of its range is
 * given one by `--bounds` / telemetry.bounds, and the forecast keeps to it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run as backtestCommand } from '../runs/commands/backtest.js';
import { run as forecastCommand } from '../runs/commands/forecast.js';
import { forecastTelemetry } from './forecast-telemetry.js';
import { readForecast, writeForecast } from './forecast-file.js';
import { boundsFromText, boundsFromValue } from './telemetry/bounds.js';
import { TelemetryError } from './telemetry/errors.js';
import { readTelemetry } from './telemetry/read.js';
import { seasonalSeries, silently, withTempDir, writeTemp } from './test-support.js';

const STEP_S = 300;
const T0 = Date.UTC(2024, 0, 1) / 1000;

/** A wide CSV of one column `node.metric` at a 5-minute step. */
function wideCsv(column: string, values: ArrayLike<number>): string {
  const rows = [`timestamp,${column}`];
  for (let i = 0; i < values.length; i++) rows.push(`${T0 + i * STEP_S},${values[i]!.toFixed(3)}`);
  return rows.join('\n') + '\n';
}


async function rejectsWith(f: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await f();
  } catch (e) {
    assert.match(String((e as Error).message), pattern);
    return;
  }
  assert.unreachable(`no error; expected ${pattern}`);
}

// An inlet temperature around -2 °C: its name (`inlet_c`) does not say it may go below 0.
const cold = seasonalSeries(288 * 3, 288, 'inlet', { level: -2, amplitude: 6, noise: 0.5 });

test('a negative temperature is refused with its line and the setting to use when not declared signed', () =>
  withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'inlet.csv', wideCsv('rack1.inlet_c', cold));
    const first = cold.findIndex((v) => v < 0);
    try {
      await readTelemetry([file]);
      assert.unreachable('a negative value of a non-negative metric was accepted');
    } catch (e) {
      assert.ok(e instanceof TelemetryError, String(e));
      assert.match(e.message, `line ${first + 2}`);
      assert.match(e.message, '--bounds rack1/inlet_c=signed');
      assert.match(e.message, 'telemetry.bounds');
    }
  }));

test('declared signed, the same temperature forecasts below 0, and forecast.json records the bounds', () =>
  withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'inlet.csv', wideCsv('rack1.inlet_c', cold));
    const series = await readTelemetry([file], { bounds: new Map([['rack1/inlet_c', 'signed' as const]]) });
    const r = await forecastTelemetry(series, { horizon: { steps: 36 }, model: 'ets', paths: 30, seed: 2 }, { workers: 0 });
    const s = r.bundle.series[0]!;
    assert.ok(s.quantiles.get(0.5)!.some((v) => v < 0), 'no negative median');
    assert.ok(s.notes.some((n) => /^bounds signed \(declared\)/.test(n)), s.notes.join('\n'));
    await writeForecast(join(dir, 'fc'), r.bundle);
    assert.is((await readForecast(join(dir, 'fc'))).series[0]!.bounds, 'signed');
  }));

test('a humidity declared [0, 100] near its ceiling: no quantile or path leaves the bounds, no interval is a point', async () => {
  const wet = seasonalSeries(288 * 4, 288, 'humid', { level: 95, amplitude: 6, noise: 1.5 }).map((v) => Math.min(100, Math.max(0, v)));
  await withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'room.csv', wideCsv('room.humidity', wet));
    const series = await readTelemetry([file], { bounds: new Map([['room/humidity', [0, 100] as const]]) });
    assert.is(series[0]!.limit, 100);
    const r = await forecastTelemetry(series, { horizon: { steps: 48 }, model: 'auto', paths: 60, seed: 5 }, { workers: 0 });
    const s = r.bundle.series[0]!;
    assert.ok(s.notes.some((n) => /logit space bounded to \[0, 100\] \(declared bounds\)/.test(n)), s.notes.join('\n'));
    for (const [q, v] of s.quantiles) for (const x of v) assert.ok(x >= 0 && x <= 100, `quantile ${q}: ${x}`);
    assert.ok(s.paths.every((x) => x >= 0 && x <= 100));
    for (const [lo, hi] of [[0.1, 0.9], [0.05, 0.95]] as const) {
      const a = s.quantiles.get(lo)!, b = s.quantiles.get(hi)!;
      for (let k = 0; k < 48; k++) assert.ok(b[k]! - a[k]! > 0.05, `step ${k}: ${lo}..${hi} interval [${a[k]}, ${b[k]}]`);
    }
    assert.equal(s.bounds, [0, 100]);
  });
});

test('a value above declared bounds is refused with its line', () =>
  withTempDir(async (dir) => {
    const v = Float64Array.from({ length: 50 }, (_, i) => 40 + (i % 7));
    v[20] = 130;
    const file = await writeTemp(dir, 'room.csv', wideCsv('room.humidity', v));
    try {
      await readTelemetry([file], { bounds: new Map([['room/humidity', [0, 100] as const]]) });
      assert.unreachable('a value above the declared bound was accepted');
    } catch (e) {
      assert.ok(e instanceof TelemetryError, String(e));
      assert.match(e.message, /line 22: column room\.humidity: expected a value within the declared bounds \[0, 100\]/);
    }
  }));

test('bound parsing: the three forms, and nothing else', () => {
  assert.equal(boundsFromText('signed'), 'signed');
  assert.equal(boundsFromText('nonnegative'), 'nonnegative');
  assert.equal(boundsFromText('[0, 100]'), [0, 100]);
  assert.equal(boundsFromText('[0,2.5]'), [0, 2.5]);
  for (const bad of ['[1,100]', '[0,0]', '[0,-3]', '[0,x]', 'positive', '0..100', '']) assert.is(boundsFromText(bad), null, bad);
  assert.equal(boundsFromValue([0, 8]), [0, 8]);
  for (const bad of [[0], [0, 1, 2], ['0', 1], 'Signed', 3]) assert.is(boundsFromValue(bad), null, JSON.stringify(bad));
});

test('forecast --bounds: applied and recorded; a bad value or an unknown series is a usage error', () =>
  withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'inlet.csv', wideCsv('rack1.inlet_c', cold));
    const out = join(dir, 'fc');
    assert.is(await silently(() => forecastCommand(['--telemetry', file, '--bounds', 'rack1/inlet_c=signed', '--horizon', '1h', '--model', 'snaive', '--paths', '10', '--workers', '0', '--out', out])), 0);
    const json = JSON.parse(await readFile(join(out, 'forecast.json'), 'utf8')) as { series: Array<{ bounds?: unknown }> };
    assert.is(json.series[0]!.bounds, 'signed');
    await rejectsWith(() => silently(() => forecastCommand(['--telemetry', file, '--bounds', 'rack1/inlet_c=negative', '--horizon', '1h', '--out', out])), /--bounds.*nonnegative, signed or \[0, LIMIT\]/);
    await rejectsWith(() => silently(() => forecastCommand(['--telemetry', file, '--bounds', 'rack1/inlet=signed', '--horizon', '1h', '--out', out])), /a non-negative value/);
    await rejectsWith(() => silently(() => forecastCommand(['--telemetry', file, '--bounds', 'rack1/inlet_c=signed', '--bounds', 'rack2/inlet_c=signed', '--horizon', '1h', '--out', out])), /--bounds: no series rack2\/inlet_c/);
    await rejectsWith(() => silently(() => forecastCommand(['--telemetry', file, '--bounds', 'rack1/inlet_c=signed', '--bounds', 'rack1/inlet_c=nonnegative', '--horizon', '1h', '--out', out])), /--bounds: rack1\/inlet_c is declared twice/);
  }));

test('backtest takes --bounds too: the signed temperature is backtested, refused without it', () =>
  withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'inlet.csv', wideCsv('rack1.inlet_c', cold));
    const args = ['--telemetry', file, '--horizon', '1h', '--model', 'snaive', '--windows', '2', '--no-calibrate', '--workers', '0'];
    assert.is(await silently(() => backtestCommand([...args, '--bounds', 'rack1/inlet_c=signed'])), 0);
    await rejectsWith(() => silently(() => backtestCommand(args)), /--bounds rack1\/inlet_c=signed/);
  }));

test.run();
