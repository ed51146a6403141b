import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TwinSpecError } from '../../twins/definition/errors.js';
import { exitCodeFor } from '../errors.js';
import { REPO_ROOT } from '../paths.js';
import { withTempDir } from '../test-support.js';
import { readNightlyConfig } from './config.js';
import { gatherTelemetry } from './telemetry.js';
import { SHOP_TWIN } from './test-support.js';

async function problems(dir: string, text: string): Promise<string[]> {
  const file = join(dir, 'nightly.yaml');
  await writeFile(file, text);
  try {
    await readNightlyConfig(file);
  } catch (e) {
    assert.ok(e instanceof TwinSpecError, String(e));
    assert.is(exitCodeFor(e), 3);
    return e.problems.map((p) => `${p.line ?? '-'} ${p.path}: ${p.message}`);
  }
  return [];
}

test('the bundled nightly.yaml is valid and reads as documented', async () => {
  const c = await readNightlyConfig(join(REPO_ROOT, 'twins', 'examples', 'nightly.yaml'));
  assert.is(c.twin.name, 'shop');
  assert.equal(c.entries, { users: { node: 'frontend', metric: 'rate' } });
  assert.is(c.horizon, 86400);
  assert.is(c.telemetry.kind, 'files');
  assert.is(c.simulation.window, 300);
  assert.is(c.mitigation.horizon, 6 * 3600);
  assert.is(c.simulation.stopping, null, 'sequential stopping off by default');
});

test('simulation.stopWhenClear and precision: the sequential stopping of the simulate step', () => withTempDir('nightly-config-stop', async (dir) => {
  const read = async (sim: string) => {
    const file = join(dir, 'nightly.yaml');
    await writeFile(file, [`twin: ${JSON.stringify(SHOP_TWIN)}`, `telemetry: { files: [${JSON.stringify(SHOP_TWIN)}] }`, 'entries: { users: frontend/rate }', 'forecast: { horizon: 1h }', `simulation: ${sim}`].join('\n'));
    return (await readNightlyConfig(file)).simulation.stopping;
  };
  assert.is(await read('{ stopWhenClear: false }'), null, 'off: every replication runs');
  assert.equal(await read('{ stopWhenClear: true }'), { whenClear: true, precision: null });
  assert.equal(await read('{ precision: 0.02 }'), { whenClear: false, precision: 0.02 });
  assert.equal(await read('{ stopWhenClear: true, precision: 0.02 }'), { whenClear: true, precision: 0.02 });
  assert.equal(await problems(dir, [`twin: ${JSON.stringify(SHOP_TWIN)}`, `telemetry: { files: [${JSON.stringify(SHOP_TWIN)}] }`, 'entries: { users: frontend/rate }', 'forecast: { horizon: 1h }', 'simulation: { precision: 2 }'].join('\n')),
    ['5 simulation.precision: expected a number < 1, got 2']);
}));

test('every problem at once, located, with "did you mean" and the missing files named', () => withTempDir('nightly-config', async (dir) => {
  const got = await problems(dir, [
    `twin: ${JSON.stringify(SHOP_TWIN)}`,
    'telemetry: { files: [missing.csv, also-missing.csv] }',
    'entries: { user: frontend/rate, users: frontend }',
    'forecast: { horizon: 24h, modle: ets }',
    'simulation: { replications: 0 }',
  ].join('\n'));
  // The shape's problems and, with them, the files that are not there and the entries the twin does not have.
  assert.equal(got, [
    `2 telemetry.files[0]: file not found: ${join(dir, 'missing.csv')}`,
    `2 telemetry.files[1]: file not found: ${join(dir, 'also-missing.csv')}`,
    '3 entries.user: unknown entry "user" of twin shop (did you mean "users"?)',
    '3 entries.users: expected a series as node/metric, e.g. "frontend/rate", got "frontend"',
    '4 forecast.modle: unknown property (did you mean "model"?)',
    '5 simulation.replications: expected a number >= 1, got 0',
  ]);
  // Once the schema holds, the rules that need it too: windows within the horizon.
  const next = await problems(dir, [
    `twin: ${JSON.stringify(SHOP_TWIN)}`,
    'telemetry: { files: [missing.csv] }',
    'entries: { user: frontend/rate }',
    'forecast: { horizon: 1h }',
    'simulation: { window: 2h }',
    'mitigation: { horizon: 3h }',
  ].join('\n'));
  assert.equal(next, [
    `2 telemetry.files[0]: file not found: ${join(dir, 'missing.csv')}`,
    '3 entries.user: unknown entry "user" of twin shop (did you mean "users"?)',
    '5 simulation.window: expected at most the horizon (3600 s), got 7200 s',
    '6 mitigation.horizon: expected at most the forecast horizon (3600 s), got 10800 s',
  ]);
  const twin = await problems(dir, 'twin: nowhere.yaml\ntelemetry: { prometheus: { url: "http://127.0.0.1:1", queries: [{ series: a/rate, query: up }] } }\nentries: { users: b/rate }\nforecast: { horizon: 1h }\n');
  assert.equal(twin, [
    `1 twin: file not found: ${join(dir, 'nowhere.yaml')}`,
    '3 entries.users: series b/rate is not one of the Prometheus queries (a/rate)',
  ]);
  const both = await problems(dir, `twin: ${JSON.stringify(SHOP_TWIN)}\ntelemetry: {}\nentries: { users: a/rate }\nforecast: { horizon: 1h }\n`);
  assert.equal(both, ['2 telemetry: expected exactly one of `files` (telemetry files) or `prometheus` (a server to query)']);
}));

test('the command: usage errors exit 2, an invalid config exits 3 with its location', () => withTempDir('nightly-cli', async (dir) => {
  const cli = join(REPO_ROOT, 'dist', 'runs', 'cli.js');
  const run = (args: string[]) => promisify(execFile)(process.execPath, [cli, ...args]).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
  const usage = await run(['nightly']);
  assert.is(usage.code, 2);
  assert.match(usage.stderr, '--config');
  const file = join(dir, 'bad.yaml');
  await writeFile(file, `twin: ${JSON.stringify(SHOP_TWIN)}\ntelemetry: { files: [gone.csv] }\nentries: { users: frontend/rate }\nforecast: { horizon: 1h }\n`);
  const bad = await run(['nightly', '--config', file, '--out', join(dir, 'out')]);
  assert.is(bad.code, 3);
  assert.match(bad.stderr, 'telemetry.files[0]');
  assert.match(bad.stderr, 'gone.csv');
  assert.not.match(bad.stderr, 'TwinSpecError');
  const history = await run(['history', '--store', join(dir, 'none.db')]);
  assert.is(history.code, 3);
  assert.match(history.stderr, 'no run store there');
}));

test('telemetry.bounds: each value one of the three forms, each series one that is queried, located', () => withTempDir('nightly-config', async (dir) => {
  const prom = 'prometheus: { url: "http://127.0.0.1:1", queries: [{ series: a/rate, query: up }, { series: rack/inlet_c, query: t }] }';
  const got = await problems(dir, `twin: ${JSON.stringify(SHOP_TWIN)}\ntelemetry:\n  ${prom}\n  bounds:\n    rack/inlet_c: signed\n    a/rate: [1, 100]\n    b/rate: nonnegative\nentries: { users: a/rate }\nforecast: { horizon: 1h }\n`);
  assert.equal(got, [
    '6 telemetry.bounds["a/rate"]: expected nonnegative, signed or [0, LIMIT] with LIMIT a positive number, got [1,100]',
    '7 telemetry.bounds["b/rate"]: series b/rate is not one of the Prometheus queries (a/rate, rack/inlet_c)',
  ]);
  await writeFile(join(dir, 'ok.yaml'), `twin: ${JSON.stringify(SHOP_TWIN)}\ntelemetry:\n  ${prom}\n  bounds: { rack/inlet_c: signed, a/rate: [0, 500] }\nentries: { users: a/rate }\nforecast: { horizon: 1h }\n`);
  const c = await readNightlyConfig(join(dir, 'ok.yaml'));
  assert.equal([...c.bounds], [['rack/inlet_c', 'signed'], ['a/rate', [0, 500]]]);
}));

test('a series the telemetry lacks is named at its line in the config', () => withTempDir('nightly-config', async (dir) => {
  const file = join(dir, 'nightly.yaml');
  const csv = join(REPO_ROOT, 'twins', 'examples', 'shop-telemetry.csv');
  await writeFile(file, [`twin: ${JSON.stringify(SHOP_TWIN)}`, `telemetry: { files: [${JSON.stringify(csv)}] }`, 'entries:', '  users: frontend/latency', 'forecast: { horizon: 1h }'].join('\n'));
  const config = await readNightlyConfig(file);
  const e = await gatherTelemetry(config, dir, 0).then(() => null, (err: unknown) => err as Error);
  assert.ok(e, 'refused');
  assert.match(e!.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+: entries\\.users: no telemetry series frontend/latency; the telemetry has: frontend/rate`));
  assert.is(exitCodeFor(e), 3);
}));

test.run();
