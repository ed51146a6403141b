/** `simulate --fidelity screened`: its flags, and what summary.json and the console say about the screened nodes. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../paths.js';
import { withTempDir } from '../test-support.js';
import { UsageError } from '../usage-error.js';
import { parseSimulateArgs, simulate } from './simulate.js';

const SHOP = join(REPO_ROOT, 'twins/examples/shop.yaml');

test('--pilot and --load-margin need --fidelity screened; the pilot fits in the replications', () => {
  assert.throws(() => parseSimulateArgs(['--twin', SHOP, '--out', 'x', '--pilot', '5']), (e: unknown) => e instanceof UsageError && /belong to --fidelity screened/.test(e.message));
  assert.throws(() => parseSimulateArgs(['--twin', SHOP, '--out', 'x', '--fidelity', 'screened', '--replications', '4', '--pilot', '5']), (e: unknown) => e instanceof UsageError && /--pilot \(5\) must not exceed --replications \(4\)/.test(e.message));
  assert.throws(() => parseSimulateArgs(['--twin', SHOP, '--out', 'x', '--fidelity', 'half']), (e: unknown) => e instanceof UsageError);
  assert.is(parseSimulateArgs(['--twin', SHOP, '--out', 'x'])!.screened, null);
  assert.equal(parseSimulateArgs(['--twin', SHOP, '--out', 'x', '--fidelity', 'screened', '--load-margin', '2'])!.screened, { pilot: 10, margin: 2 });
});

test('summary.json names each screened node with its utilisation and P(wait) at the high load', () => withTempDir('simulate-fidelity', async (dir) => {
  const args = parseSimulateArgs(['--twin', SHOP, '--out', dir, '--horizon', '30s', '--window', '30s', '--replications', '4', '--pilot', '2', '--workers', '0', '--fidelity', 'screened', '--quiet'])!;
  const { table } = await simulate(args);
  const run = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).run;
  assert.is(run.fidelity.mode, 'screened');
  assert.is(run.fidelity.pilotReplications, 2);
  const ids = run.fidelity.screened.map((n: { id: string }) => n.id);
  assert.ok(ids.includes('cartcache') && !ids.includes('productcatalog'), ids.join(','));
  for (const n of run.fidelity.screened) {
    assert.ok(n.utilization >= 0 && n.utilization <= 0.5 && n.pWait >= 0 && n.pWait <= 0.2, JSON.stringify(n));
    assert.match(n.reason, /utilisation .*P\(wait\)/);
  }
  assert.is(run.events, run.fidelity.events.pilot + run.fidelity.events.reduced);
  assert.match(table, /fidelity screened: \d+ node\(s\) screened/);
  assert.match(table, /screened cartcache: utilisation/);
}));

test.run();
