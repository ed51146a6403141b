/**
 * A nightly killed during its simulation (SIGKILL, as a machine losing power
 * would) resumes: the steps before are taken from the manifest, the
 * simulation from its chunk checkpoints, and the report is the one an
 * uninterrupted run writes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { withTempDir } from '../test-support.js';
import { readNightlyConfig } from './config.js';
import type { Manifest } from './manifest.js';
import { runNightly } from './pipeline.js';
import type { NightlyReportData } from './report-data.js';
import { writeSmallNight } from './test-support.js';

const chunkFiles = (dir: string): number => {
  const root = join(dir, '.chunks');
  if (!existsSync(root)) return 0;
  return readdirSync(root).reduce((n, key) => n + readdirSync(join(root, key)).filter((f) => /^chunk-\d+\.json$/.test(f)).length, 0);
};

test('killed during the simulation, the next invocation resumes it from its checkpoints and writes the same report', () => withTempDir('nightly-kill', async (dir) => {
  // 5 replications of 3 h, one per chunk: long enough to be killed between two chunks.
  const config = await writeSmallNight(dir, 3, {}, '');
  const text = readFileSync(config, 'utf8').replace('horizon: 1h', 'horizon: 3h').replace('replications: 4, window', 'replications: 5, window').replace('mitigation: {', 'mitigation: { enabled: false,');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(config, text);
  const out = join(dir, 'out');
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'runs', 'cli.js'), 'nightly', '--config', config, '--out', out, '--store', join(dir, 'runs.db'), '--quiet'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 120_000;
  while (chunkFiles(out) < 1 && child.exitCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await exited;
  const saved = chunkFiles(out);
  assert.ok(saved >= 1 && saved < 5, `${saved} chunk(s) checkpointed when killed`);
  assert.not.ok(existsSync(join(out, 'report.html')), 'no report from the killed run');
  const killed = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  assert.ok(killed.steps.state && !killed.steps.simulate, 'the manifest stops before the simulation');

  const r = await runNightly({ config: await readNightlyConfig(config), out, store: join(dir, 'runs.db') });
  assert.ok(r.manifest.steps.forecast!.resumed && r.manifest.steps.state!.resumed);
  assert.match(r.manifest.steps.simulate!.note, `${saved} chunk(s) from checkpoints`);
  const fresh = await runNightly({ config: await readNightlyConfig(config), out: join(dir, 'fresh'), store: join(dir, 'fresh.db') });
  const a = JSON.parse(readFileSync(join(out, 'report-data.json'), 'utf8')) as NightlyReportData;
  const b = JSON.parse(readFileSync(join(dir, 'fresh', 'report-data.json'), 'utf8')) as NightlyReportData;
  assert.equal({ ...a, run: { ...a.run, createdAt: '' } }, { ...b, run: { ...b.run, createdAt: '' } }, 'the resumed run reports what an uninterrupted one does');
  assert.is(r.exitCode, fresh.exitCode);
}));

test.run();
