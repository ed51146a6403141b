/**
 * Every command that reads a twin takes --allow-outside-paths: without it a
 * twin naming a profile outside its folder is refused with a message that
 * names the flag; with it the twin loads, and the command goes on to its next
 * input (here deliberately missing, so each case stays quick: the message
 * then names that input, never the profile). Each command's own `run`, in
 * this process, with the exit code the CLI would give its error.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exampleFile } from '../../twins/examples/paths.js';
import { exitCodeFor } from '../errors.js';
import { quiet, withTempDir } from '../test-support.js';

/** The command's exit code and error message, as the CLI would report them. */
async function runCommand(argv: readonly string[]): Promise<{ code: number; message: string }> {
  const [name, ...rest] = argv;
  const load: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
    simulate: () => import('./simulate.js'),
    calibrate: () => import('./calibrate.js'),
    whatif: () => import('./whatif.js'),
    nightly: () => import('./nightly.js'),
    mitigate: () => import('./mitigate/index.js'),
    shadow: () => import('./shadow/index.js'),
  };
  const { run } = await load[name!]!();
  try {
    return { code: (await quiet(() => run(rest))).value, message: '' };
  } catch (e) {
    return { code: exitCodeFor(e), message: e instanceof Error ? e.message : String(e) };
  }
}

const REFUSED = /points outside the twin file's folder .*give --allow-outside-paths/;

/** dir/twin/shop.yaml whose entry is driven by dir/profiles/day.csv (outside the twin's folder). */
async function outsideTwin(dir: string): Promise<string> {
  await mkdir(join(dir, 'twin'));
  await mkdir(join(dir, 'profiles'));
  await writeFile(join(dir, 'profiles', 'day.csv'), 'time,rate\n0,100\n3600,150\n');
  const shop = await readFile(exampleFile('shop.yaml'), 'utf8');
  const twin = shop.replace('  - { id: users, node: frontend, rate: 150 }', '  - { id: users, node: frontend, profile: ../profiles/day.csv }');
  assert.is.not(twin, shop, 'the shop example changed: update the entry line this test rewrites');
  await writeFile(join(dir, 'twin', 'shop.yaml'), twin);
  return join(dir, 'twin', 'shop.yaml');
}

/** Per command: its arguments for the twin at `twin` (every other input missing), and what it says once the twin is read. */
const COMMANDS: ReadonlyArray<{ name: string; args: (twin: string, dir: string) => Promise<string[]>; next: RegExp }> = [
  { name: 'simulate', args: async (twin, dir) => ['simulate', '--twin', twin, '--forecast', join(dir, 'no-forecast'), '--out', join(dir, 'sim')], next: /no-forecast/ },
  { name: 'mitigate propose', args: async (twin, dir) => ['mitigate', 'propose', '--twin', twin, '--result', join(dir, 'no-result'), '--policy', exampleFile('policy.yaml'), '--out', join(dir, 'p')], next: /no-result/ },
  { name: 'shadow plan', args: async (twin, dir) => ['shadow', 'plan', '--twin', twin, '--result', join(dir, 'no-result'), '--out', join(dir, 'plan.json')], next: /no-result/ },
  { name: 'calibrate', args: async (twin, dir) => ['calibrate', '--twin', twin, join(dir, 'no-telemetry.csv'), '--out', join(dir, 'cal.yaml')], next: /no-telemetry/ },
  {
    name: 'whatif',
    args: async (twin, dir) => {
      await writeFile(join(dir, 'batch.yaml'), `twin: ${twin}\nforecast: no-forecast\nreplications: 2\nhorizon: 60s\naxes:\n  load: [1.0]\n`);
      return ['whatif', '--batch', join(dir, 'batch.yaml'), '--out', join(dir, 'w')];
    },
    next: /no-forecast/,
  },
  {
    name: 'nightly',
    args: async (twin, dir) => {
      // The bundled nightly config with this twin: its own fields valid, its telemetry file missing.
      const config = (await readFile(exampleFile('nightly.yaml'), 'utf8')).replace(/^twin: .*$/m, `twin: ${twin}`).replace('files: [shop-telemetry.csv]', 'files: [no-telemetry.csv]');
      await writeFile(join(dir, 'nightly.yaml'), config);
      return ['nightly', '--config', join(dir, 'nightly.yaml'), '--out', join(dir, 'n'), '--store', join(dir, 'runs.sqlite')];
    },
    next: /no-telemetry/,
  },
];

for (const c of COMMANDS) {
  test(`${c.name}: a profile outside the twin's folder is refused, naming --allow-outside-paths; with it the twin is read`, async () => {
    await withTempDir('outside-paths', async (dir) => {
      const twin = await outsideTwin(dir);
      const refused = await runCommand(await c.args(twin, dir));
      assert.is(refused.code, 3, refused.message);
      assert.match(refused.message, REFUSED);
      const allowed = await runCommand([...await c.args(twin, dir), '--allow-outside-paths']);
      assert.is.not(allowed.code, 0, 'every other input is missing: the command must still fail, on that input');
      assert.not.match(allowed.message, REFUSED);
      assert.match(allowed.message, c.next);
    });
  });
}

test.run();
