/**
 * A folder of the user's standing where a command's output file goes: every
 * command that writes an output folder refuses it before its work (exit 3,
 * naming the path), and the folder stays with what it holds. simulate and
 * whatif swap their outputs in as a whole folder, which used to remove it;
 * forecast removed an earlier forecast's file names, folders included.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../paths.js';
import { runCli, withTempDir } from '../test-support.js';

const EXAMPLES = join(REPO_ROOT, 'twins/examples');

/** Makes `out/name` a folder holding keep.txt; runs the command; checks exit 3, the message, and that the folder is as it was. */
async function refused(out: string, name: string, args: readonly string[], command: string): Promise<void> {
  await mkdir(join(out, name), { recursive: true });
  await writeFile(join(out, name, 'keep.txt'), 'mine');
  const r = await runCli(args);
  assert.is(r.code, 3, r.stderr);
  assert.ok(r.stderr.startsWith(`shadowcast ${command}: `), r.stderr);
  assert.ok(r.stderr.includes(`${join(out, name)} is a folder where an output file goes`), r.stderr);
  assert.is(await readFile(join(out, name, 'keep.txt'), 'utf8'), 'mine');
}

test('simulate: a folder named windows.csv in --out is refused before the twin is even read', () => withTempDir('clash', async (dir) => {
  const out = join(dir, 'so');
  // The twin does not exist: the refusal comes first.
  await refused(out, 'windows.csv', ['simulate', '--twin', join(dir, 'none.yaml'), '--out', out, '--replications', '2', '--horizon', '1m', '--workers', '0', '--quiet'], 'simulate');
  assert.equal(await readdir(out), ['windows.csv']);
}));

test('whatif: a folder named report.html in --out is refused before the batch is read', () => withTempDir('clash', async (dir) => {
  const out = join(dir, 'wo');
  await refused(out, 'report.html', ['whatif', '--batch', join(dir, 'none.yaml'), '--out', out, '--workers', '0', '--quiet'], 'whatif');
  assert.equal(await readdir(out), ['report.html']);
}));

test('forecast: a folder named forecast-groups.json (removed as stale by a one-step forecast) is refused before the telemetry is read', () => withTempDir('clash', async (dir) => {
  const out = join(dir, 'fo');
  await refused(out, 'forecast-groups.json', ['forecast', '--telemetry', join(dir, 'none.csv'), '--horizon', '10m', '--out', out], 'forecast');
}));

test('nightly: a folder where a simulation file goes (simulation/ is swapped whole) is refused before the run', () => withTempDir('clash', async (dir) => {
  const out = join(dir, 'night');
  await refused(out, join('simulation', 'windows.csv'), ['nightly', '--config', join(EXAMPLES, 'nightly.yaml'), '--out', out, '--store', join(dir, 'runs.db'), '--workers', '0', '--quiet'], 'nightly');
  assert.equal(await readdir(out), ['simulation']);
}));

test.run();
