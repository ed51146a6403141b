/**
 * A nightly resumed after its state step reports the warnings that step gave
 * (a telemetry value the twin cannot hold, clamped), as an uninterrupted run
 * does: in report-data.json, simulation/summary.json and report.html.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTempDir } from '../test-support.js';
import { readNightlyConfig } from './config.js';
import type { Manifest } from './manifest.js';
import { runNightly } from './pipeline.js';
import type { NightlyReportData } from './report-data.js';
import { writeSmallNight } from './test-support.js';

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

test('resumed after the state step, the run keeps the state warnings', () => withTempDir('nightly-resume-warnings', async (dir) => {
  const configFile = await writeSmallNight(dir, 3, {}, '');
  // productcatalog's last busy value: more than its replicas can hold.
  const csv = join(dir, 'telemetry-3.csv');
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
  const last = lines.map((l) => l.includes(',productcatalog,busy,')).lastIndexOf(true);
  lines[last] = lines[last]!.replace(/,[^,]*$/, ',7.5');
  await writeFile(csv, lines.join('\n') + '\n');
  await writeFile(configFile, readFileSync(configFile, 'utf8').replace('mitigation: {', 'mitigation: { enabled: false,'));

  const fresh = join(dir, 'fresh');
  await runNightly({ config: await readNightlyConfig(configFile), out: fresh, store: join(dir, 'fresh.db') });
  const want = readJson<NightlyReportData>(join(fresh, 'report-data.json')).warnings;
  assert.ok(want.some((w) => /^state: productcatalog\/busy is 7\.5 .*clamped to/.test(w)), want.join('\n'));

  // The same run, as if interrupted during the simulation: the manifest ends at the state step.
  const out = join(dir, 'out');
  await runNightly({ config: await readNightlyConfig(configFile), out, store: join(dir, 'out.db') });
  const m = readJson<Manifest>(join(out, 'manifest.json'));
  const steps = { telemetry: m.steps.telemetry, forecast: m.steps.forecast, state: m.steps.state };
  await writeFile(join(out, 'manifest.json'), JSON.stringify({ ...m, steps, exitCode: null, runId: null }, null, 1) + '\n');
  for (const f of ['simulation', 'risk.json', 'mitigation.json', 'report-data.json', 'report.html']) await rm(join(out, f), { recursive: true, force: true });

  const r = await runNightly({ config: await readNightlyConfig(configFile), out, store: join(dir, 'out.db') });
  assert.ok(r.manifest.steps.state!.resumed, 'the state step was resumed');
  assert.equal(readJson<NightlyReportData>(join(out, 'report-data.json')).warnings, want, 'report-data.json');
  const simWarnings = (d: string) => readJson<{ run: { warnings: string[] } }>(join(d, 'simulation', 'summary.json')).run.warnings;
  assert.ok(simWarnings(fresh).some((w) => w.startsWith('state: productcatalog/busy is 7.5')));
  assert.equal(simWarnings(out), simWarnings(fresh), 'simulation/summary.json');
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), 'productcatalog/busy is 7.5');
}));

test.run();
