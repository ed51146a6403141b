/**
 * Sequential stopping per what-if cell, end to end on the small twin
 * (test-batch.ts): at target 0.25, svc with 1 replica fails every
 * replication (clearly above after the first look: the cell misses, however
 * the other node goes), with 8 never (every node clear below after a few
 * looks), and with 3 about one in five (9 of 48 with this seed): its
 * interval still holds 0.25 at the cap. The stopped cells keep the verdict
 * the full run gives them; the files are the same for 1 and 2 workers; and
 * --find does not choose the undecided cell.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { whatif, type WhatifArgs } from '../commands/whatif.js';
import { withTempDir } from '../test-support.js';
import { writeBatch } from './test-batch.js';

const args = (batch: string, out: string, extra: Partial<WhatifArgs> = {}): WhatifArgs => ({
  batch, out, find: false, target: undefined, maxCells: 64, yes: false, workers: 0, resume: true, quiet: true, ...extra,
});
const SETTINGS = 'replications: 48\nhorizon: 120s\nwindow: 60s\ntarget: 0.25\nstopWhenClear: true\n';
const GRID = '  svc.replicas: [1, 3, 8]\n';
const OUTPUTS = ['cells.csv', 'cells.json', 'report.html'];

interface CellsFile {
  cells: Array<{ id: string; verdict: string; replications: number; pairedReplications: number; stopping: { stoppedEarly: boolean; reason: string; looks: number } | null; nodes: Array<{ node: string; failures: number; vsBase: unknown }> }>;
}
const cellsOf = async (out: string) => (JSON.parse(await readFile(join(out, 'cells.json'), 'utf8')) as CellsFile).cells;

test('a clear cell stops early, a straddling one runs to the cap, and stopping keeps the full run\'s verdicts', () => withTempDir('whatif-stop', async (dir) => {
  const batch = await writeBatch(dir, GRID, SETTINGS);
  const r = await whatif(args(batch, join(dir, 'out')));
  const cells = await cellsOf(join(dir, 'out'));
  const [one, three, eight] = cells;
  assert.equal(cells.map((c) => c.verdict), ['misses', 'undecided', 'meets']);
  // 48 replications in 48 chunks of 1, looks every 6 (runs/montecarlo/stopping.ts).
  assert.is(one!.replications, 6, 'failing every replication: settled at the first look');
  assert.ok(one!.stopping!.stoppedEarly);
  assert.ok(eight!.replications > 6 && eight!.replications < 48, `never failing: settled before the cap (${eight!.replications})`);
  assert.match(eight!.stopping!.reason, /every node's P\(fail\) is clear of 25\.0 %/);
  assert.is(three!.replications, 48, 'straddling: runs to the cap');
  assert.not.ok(three!.stopping!.stoppedEarly);
  assert.match(three!.stopping!.reason, /not yet clear of 25\.0 % .*svc.*the most asked \(48\) reached/);
  // The base (svc 1 replica: the first cell's run) stopped at 6, so every cell pairs with it on 6.
  assert.equal(cells.map((c) => c.pairedReplications), [6, 6, 6]);
  assert.is(r.stats.replications, 6 + 48 + eight!.replications);
  const csv = await readFile(join(dir, 'out', 'cells.csv'), 'utf8');
  assert.match(csv, /svc\.replicas=3,3,svc,.*,undecided,48,6,false,/);

  // Without stopping every cell runs 48: the stopped cells' verdicts are the same, and the straddling cell's figures are identical.
  const full = await writeBatch(join(dir), GRID, SETTINGS.replace('stopWhenClear: true\n', ''));
  await whatif(args(full, join(dir, 'full'), { workers: 2 }));
  const all = await cellsOf(join(dir, 'full'));
  assert.equal(all.map((c) => c.replications), [48, 48, 48]);
  assert.equal(all.map((c) => c.verdict), ['misses', 'undecided', 'meets']);
  // (Only the paired change differs: the full run pairs all 48 with the base, the stopped one 6.)
  const own = (c: CellsFile['cells'][number]) => c.nodes.map(({ vsBase: _, ...n }) => n);
  assert.equal(own(all[1]!), own(three!));
}));

test('with stopping, identical files for 1 and 2 workers', () => withTempDir('whatif-stop-workers', async (dir) => {
  const batch = await writeBatch(dir, GRID, SETTINGS);
  await whatif(args(batch, join(dir, 'w1'), { workers: 1, resume: false }));
  await whatif(args(batch, join(dir, 'w2'), { workers: 2, resume: false }));
  for (const name of OUTPUTS) {
    const [a, b] = await Promise.all([readFile(join(dir, 'w1', name), 'utf8'), readFile(join(dir, 'w2', name), 'utf8')]);
    assert.ok(a === b, `${name} differs between 1 and 2 workers`);
  }
}));

test('--find does not choose an undecided cell, and says so', () => withTempDir('whatif-stop-find', async (dir) => {
  const batch = await writeBatch(dir, GRID, SETTINGS);
  const out = join(dir, 'out');
  const r = await whatif(args(batch, out, { find: true }));
  const find = r.find!;
  // The search runs 3 first (undecided: not a pass, so it goes up), then 8.
  assert.equal(find.searches[0]!.evaluated, ['svc.replicas=3', 'svc.replicas=8']);
  assert.is(find.chosen?.id, 'svc.replicas=8');
  assert.equal(find.undecided, ['svc.replicas=3']);
  assert.match(find.explanation, /3 was left undecided, so the fewest may be lower/);
  // With the undecided cell the only one, nothing is chosen (the command exits 1).
  const only = await writeBatch(dir, '  svc.replicas: [3]\n', SETTINGS);
  const none = (await whatif(args(only, out, { find: true }))).find!;
  assert.is(none.chosen, null);
  assert.match(none.explanation, /^monotone search .*none: even 3 svc replicas do not clearly meet the target \(undecided after 48 replications/);
}));

test.run();
