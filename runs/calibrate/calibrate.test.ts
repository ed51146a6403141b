/**
 * The calibrate command and its telemetry reader: the Nezha day read onto a
 * grid (step, CPU limit, latency quantiles), located errors for bad input,
 * and a round trip through the command on telemetry recorded from a twin with
 * known parameters: the written twin loads and carries the fitted values, the
 * report holds the held-out prediction, and misuse exits 2 or 3.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadTwinFile } from '../../twins/definition/load.js';
import type { TelemetryGrid } from '../../twins/calibrate/grid.js';
import { placeholder, recorded, truth } from '../../twins/calibrate/test-support.js';
import { run } from '../commands/calibrate.js';
import { errorReport, exitCodeFor } from '../errors.js';
import { SHARED_DATA_DIR } from '../paths.js';
import { quiet, withTempDir } from '../test-support.js';
import { metricRole, readTelemetryGrid } from './telemetry.js';

const NEZHA_METRIC = join(SHARED_DATA_DIR, 'nezha-train-ticket', '2023-01-29', 'metric');
const T0 = 1_700_000_000 - (1_700_000_000 % 60);

/** Long CSV (timestamp,node,metric,value) of a grid, as a Prometheus export would give it. */
function longCsv(grid: TelemetryGrid): string {
  const rows = ['timestamp,node,metric,value'];
  for (const s of grid.services) {
    for (let w = 0; w < grid.length; w++) {
      const t = grid.start + w * grid.step + 7; // scrapes a few seconds into the minute
      rows.push(`${t},${s.id},rate,${s.rate[w]}`);
      if (Number.isFinite(s.cpu[w])) rows.push(`${t},${s.id},cpu_cores,${s.cpu[w]}`);
      if (s.cpuLimit !== null) rows.push(`${t},${s.id},cpu_limit_cores,${s.cpuLimit}`);
      for (const l of s.latency) rows.push(`${t},${s.id},server_latency_p${Math.round(100 * l.q)}_s,${Number.isFinite(l.values[w]) ? l.values[w] : 'NaN'}`);
    }
  }
  return rows.join('\n') + '\n';
}

/** Runs the command with console.log captured; returns the exit code and the printed text. */
async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  const { value, out } = await quiet(() => run(argv));
  return { code: value, out };
}

async function fails(argv: string[], pattern: RegExp, code: number): Promise<void> {
  try {
    await capture(argv);
  } catch (e) {
    const shown = errorReport('calibrate', e, false);
    assert.match(shown, pattern, shown);
    assert.is(exitCodeFor(e), code, `exit code of: ${shown}`);
    return;
  }
  assert.unreachable(`expected ${argv.join(' ')} to fail`);
}

test('metric names calibration understands', () => {
  assert.equal(metricRole('server_latency_p95_s'), { kind: 'latency', q: 0.95, toSeconds: 1 });
  assert.equal(metricRole('latency_p999_ms'), { kind: 'latency', q: 0.999, toSeconds: 1e-3 });
  assert.equal(metricRole('cpu_usage_millicores'), { kind: 'cpu', toCores: 1e-3 });
  assert.is(metricRole('client_latency_p95_s'), null);
});

test('the Nezha day onto one grid: 60 s step, CPU limit from usage / usage rate, p90/p95/p99', async () => {
  const { grid, notes } = await readTelemetryGrid([NEZHA_METRIC]);
  assert.is(grid.step, 60);
  assert.ok(grid.length >= 919 && grid.length <= 922, `windows ${grid.length}`);
  const gw = grid.services.find((s) => s.id === 'ts-gateway-service')!;
  assert.ok(Math.abs(gw.cpuLimit! - 0.5) < 0.01, `gateway limit ${gw.cpuLimit}`);
  assert.equal(gw.latency.map((l) => l.q), [0.9, 0.95, 0.99]);
  assert.ok(gw.rate.filter(Number.isFinite).length > 900);
  // front_service.csv has latency but no request rate: named, not used.
  assert.ok(notes.some((n) => /frontend: no rate series/.test(n)), notes.join('\n'));
  assert.is(grid.services.length, 19);
});

test('bad telemetry is refused with file, line and column', async () => {
  await withTempDir('calibrate', async (dir) => {
    const neg = join(dir, 'neg.csv');
    await writeFile(neg, 'timestamp,node,metric,value\n60,a,rate,1\n120,a,rate,-2\n180,a,rate,1\n');
    try {
      await readTelemetryGrid([neg]);
      assert.unreachable('negative rate accepted');
    } catch (e) {
      assert.match(errorReport('calibrate', e, false), /neg\.csv: line 3.*expected a value >= 0, got -2/);
      assert.is(exitCodeFor(e), 3);
    }
    const steps = join(dir, 'steps.csv');
    await writeFile(steps, 'timestamp,node,metric,value\n' + [0, 1, 2, 3].map((i) => `${60 * i},a,rate,1\n${30 * i},b,rate,1`).join('\n') + '\n');
    try {
      await readTelemetryGrid([steps]);
      assert.unreachable('mixed steps accepted');
    } catch (e) {
      assert.match((e as Error).message, /steps\.csv: column value: expected a step of 60 s like the rate series, got 30 s for series b\/rate/);
    }
    const twice = join(dir, 'twice.csv');
    await writeFile(twice, 'timestamp,node,metric,value\n60,a,cpu_cores,1\n120,a,cpu_cores,1\n60,a,cpu_usage_millicores,1000\n120,a,cpu_usage_millicores,1000\n60,a,rate,1\n120,a,rate,1\n');
    try {
      await readTelemetryGrid([twice]);
      assert.unreachable('two CPU series for one node in one file accepted');
    } catch (e) {
      assert.match((e as Error).message, /twice\.csv: column .*expected one cpu series per node in a file, got a second one for "a"/);
    }
    await mkdir(join(dir, 'empty'));
    try {
      await readTelemetryGrid([join(dir, 'empty')]);
      assert.unreachable('empty folder accepted');
    } catch (e) {
      assert.match(errorReport('calibrate', e, false), /empty: expected a folder with \.csv or \.json telemetry files, got none/);
    }
  });
});

test('files naming one node are its pods: rates and CPU add up, latency weighted by rate; a file named twice counts once', async () => {
  await withTempDir('calibrate', async (dir) => {
    const pod = (name: string, rate: number, cpu: number, p95: number) =>
      writeFile(join(dir, name), 'timestamp,node,metric,value\n' + [60, 120, 180].map((t) => `${t},svc,rate,${rate}\n${t},svc,cpu_cores,${cpu}\n${t},svc,cpu_limit_cores,0.5\n${t},svc,server_latency_p95_s,${p95}`).join('\n') + '\n');
    await pod('pod-1.csv', 1, 0.1, 0.02);
    await pod('pod-2.csv', 3, 0.2, 0.04);
    const { grid, notes } = await readTelemetryGrid([dir, join(dir, 'pod-1.csv')]);
    const s = grid.services[0]!;
    assert.equal(Array.from(s.rate), [4, 4, 4]);
    assert.ok(Math.abs(s.cpu[0]! - 0.3) < 1e-12);
    assert.is(s.cpuLimit, 1);
    assert.ok(Math.abs(s.latency[0]!.values[0]! - 0.035) < 1e-12, `p95 ${s.latency[0]!.values[0]}`);
    assert.ok(notes.some((n) => /svc: 2 files \(pods\) merged/.test(n)), notes.join('\n'));
  });
});

test('calibrate round trip: fitted twin written and loadable, report with the held-out check', async () => {
  await withTempDir('calibrate', async (dir) => {
    const twinFile = join(dir, 'placeholder.yaml');
    await writeFile(twinFile, stringify(placeholder()));
    const csv = join(dir, 'telemetry.csv');
    await writeFile(csv, longCsv(recorded(truth(), 5, 1, T0)));
    const out = join(dir, 'out', 'calibrated.yaml');
    const until = String(T0 + 60 * 60);
    const { code, out: printed } = await capture(['--twin', twinFile, '--telemetry', csv, '--out', out, '--until', until, '--check-until', String(T0 + 90 * 60)]);
    assert.is(code, 0);
    assert.match(printed, /prediction of the check window/);
    const twin = await loadTwinFile(out);
    const b = twin.nodes.find((n) => n.id === 'b')!;
    assert.is(b.service?.type, 'lognormal');
    const mean = (b.service as { mean: number }).mean;
    assert.ok(Math.abs(mean - 0.03) < 0.006, `b own mean ${mean}`);
    const report = JSON.parse(await readFile(join(dir, 'out', 'calibrated.calibration.json'), 'utf8')) as { window: { windows: number }; prediction: { services: { id: string; throughput: { error: number } }[] } };
    assert.is(report.window.windows, 60);
    const front = report.prediction.services.find((s) => s.id === 'front')!;
    assert.ok(Math.abs(front.throughput.error) < 0.05, `front throughput error ${front.throughput.error}`);
  });
});

test('misuse: --check-until without --until or inverted windows (2), an entry without telemetry (3), a window outside the telemetry (3)', async () => {
  await withTempDir('calibrate', async (dir) => {
    const twinFile = join(dir, 'placeholder.yaml');
    await writeFile(twinFile, stringify(placeholder()));
    const csv = join(dir, 'telemetry.csv');
    const grid = recorded(truth(), 5, 1, T0);
    await writeFile(csv, longCsv(grid));
    const out = join(dir, 'o.yaml');
    await fails(['--twin', twinFile, '--telemetry', csv, '--out', out, '--check-until', String(T0 + 600)], /--check-until needs --until/, 2);
    await fails(['--twin', twinFile, '--telemetry', csv, '--out', out, '--until', String(T0 + 200 * 60)], /calibration window .* ends after the telemetry/, 3);
    // Inverted ranges are flag mistakes (2), named by both flags, not windows the telemetry lacks (3).
    await fails(['--twin', twinFile, '--telemetry', csv, '--out', out, '--from', String(T0 + 1800), '--until', String(T0 + 600)], /--from \(2023-11-14T22:43:00\.000Z\) must be earlier than --until \(2023-11-14T22:23:00\.000Z\)/, 2);
    await fails(['--twin', twinFile, '--telemetry', csv, '--out', out, '--until', String(T0 + 1800), '--check-until', String(T0 + 1800)], /--check-until \(.*\) must be later than --until/, 2);
    await fails(['--twin', twinFile, '--telemetry', csv, '--out', out, '--from', '99999999999999999'], /--from.*expected epoch seconds up to/, 2);
    const noFront = join(dir, 'no-front.csv');
    await writeFile(noFront, longCsv({ ...grid, services: grid.services.filter((s) => s.id !== 'front') }));
    await fails(['--twin', twinFile, '--telemetry', noFront, '--out', out], /placeholder\.yaml.*entries\[0\].*rate telemetry/s, 3);
  });
});

test.run();
