/**
 * `shadowcast whatif` as a shell sees it: a grid over --max-cells is a usage
 * error (exit 2) unless --yes; a bad batch is invalid input (exit 3) with
 * every problem located; --find with no cell under the target exits 1.
 */
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, withTempDir } from '../test-support.js';
import { writeBatch } from './test-batch.js';

const CLASS_NAME = /\b[A-Z][a-zA-Z]*Error\b/;

const cli = (args: readonly string[]) => runCli(['whatif', ...args]);

const exists = (path: string) => access(path).then(() => true, () => false);
const TINY = 'replications: 2\nhorizon: 30s\nwindow: 30s\n';

test('a grid over --max-cells asks for --yes (exit 2, nothing run); with --yes it runs', () => withTempDir('whatif-cli', async (dir) => {
  const batch = await writeBatch(dir, '  svc.replicas: [1, 2, 3]\n  a.load: [1, 2]\n', TINY);
  const out = join(dir, 'out');
  const refused = await cli(['--batch', batch, '--out', out, '--max-cells', '4', '--workers', '0']);
  assert.is(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /^shadowcast whatif: the grid of .* has 6 cells \(3 svc\.replicas × 2 a\.load\), more than --max-cells 4: that is 12 replications; add --yes to run it\n\nusage: shadowcast whatif /);
  assert.not.ok(await exists(out), 'nothing written');
  const ran = await cli(['--batch', batch, '--out', out, '--max-cells', '4', '--yes', '--workers', '0', '--quiet']);
  assert.is(ran.code, 0, ran.stderr);
  for (const f of ['cells.csv', 'cells.json', 'report.html']) assert.ok(await exists(join(out, f)), f);
}));

test('a bad batch: exit 3, every problem at once with file, line and place, no class names, nothing written', () => withTempDir('whatif-cli', async (dir) => {
  // A typo, two bad axes and a forecast folder that is not there: one run names all four.
  const batch = await writeBatch(dir, '  svc.replicas: [0, 2]\n  svx.servers: [1]\n', `${TINY}targt: 0.1\nforecast: no-such-forecast\n`);
  const out = join(dir, 'out');
  let r = await cli(['--batch', batch, '--out', out]);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /4 problems in .*batch\.yaml/);
  assert.match(r.stderr, /batch\.yaml:\d+:\d+: targt: unknown property \(did you mean "target"\?\)/);
  assert.match(r.stderr, /batch\.yaml:\d+:\d+: axes\["svc\.replicas"\]\[0\]: expected a number >= 1, got 0/);
  assert.match(r.stderr, /batch\.yaml:\d+:\d+: axes\["svx\.servers"\]: unknown node id "svx" \(did you mean "svc"\?\)/);
  assert.match(r.stderr, /batch\.yaml:\d+:\d+: forecast: .*no-such-forecast.*forecast\.json: \(file\): expected a readable forecast\.json/);
  assert.not.match(r.stderr, CLASS_NAME);
  assert.not.ok(await exists(out));
  // A shape that hides where the axes are (no axes at all) stops at the shape.
  const noAxes = join(dir, 'no-axes.yaml');
  await writeFile(noAxes, 'twin: pair.yaml\nreplicatons: 3\n');
  r = await cli(['--batch', noAxes, '--out', out]);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /must have required property 'axes'|axes: .*required/);
  assert.match(r.stderr, /replicatons: unknown property \(did you mean "replications"\?\)/);
}));

test('a twin or state file that cannot be read is the batch\'s problem: at its key\'s line, path resolved, with the others', () => withTempDir('whatif-cli', async (dir) => {
  const batch = join(dir, 'w13.yaml');
  await writeFile(batch, `twin: nothere.yaml\n${TINY}targt: 0.1\naxes:\n  load: [1]\n`);
  const out = join(dir, 'out');
  let r = await cli(['--batch', batch, '--out', out]);
  assert.is(r.code, 3, r.stderr);
  assert.is(r.stderr.trim(), [
    `shadowcast whatif: 2 problems in ${batch}`,
    `  ${batch}:1:7: twin: ${join(dir, 'nothere.yaml')}: cannot read: no such file`,
    `  ${batch}:5:8: targt: unknown property (did you mean "target"?)`,
  ].join('\n'));
  // The state is read once the batch is checked: named the same way, nothing run or written.
  const withState = await writeBatch(dir, '  svc.replicas: [4]\n', `${TINY}state: no-state.json\n`);
  r = await cli(['--batch', withState, '--out', out, '--workers', '0']);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /^shadowcast whatif: 1 problem in .*batch\.yaml\n {2}.*batch\.yaml:6:8: state: .*no-state\.json: cannot read: no such file\n$/);
  assert.not.ok(await exists(out));
}));

test('--find with no cell under the target exits 1 and says why', () => withTempDir('whatif-cli', async (dir) => {
  const batch = await writeBatch(dir, '  svc.replicas: [1, 2]\n', TINY);
  const r = await cli(['--batch', batch, '--out', join(dir, 'out'), '--find', '--workers', '0']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /find: none\n/);
}));

test.run();
