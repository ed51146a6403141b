/**
 * The what-if batch end to end on a small twin: common random numbers
 * across cells, identical files for any worker count and after an
 * interrupted run resumes, and --find's answer checked by hand.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { whatif, type WhatifArgs } from '../commands/whatif.js';
import { withTempDir } from '../test-support.js';
import { writeBatch } from './test-batch.js';

const args = (batch: string, out: string, extra: Partial<WhatifArgs> = {}): WhatifArgs => ({
  batch, out, find: false, target: undefined, maxCells: 64, yes: false, workers: 0, resume: true, quiet: true, ...extra,
});

const GRID = '  svc.replicas: [1, 2, 4]\n  a.load: [1.0, 1.5]\n';
const OUTPUTS = ['cells.csv', 'cells.json', 'report.html'];
const readOutputs = (out: string) => Promise.all(OUTPUTS.map((f) => readFile(join(out, f), 'utf8')));

interface CellsFile {
  cells: Array<{ id: string; nodes: Array<{ node: string; pFail: object; utilization: object; p99: object; failures: number; vsBase: { pFail: { mean: number; lo: number; hi: number }; utilization: { mean: number } } }> }>;
}

test('common random numbers: a node no axis can reach has identical figures in every cell, and no change against the base', () => withTempDir('whatif-crn', async (dir) => {
  const batch = await writeBatch(dir, GRID);
  const out = join(dir, 'out');
  await whatif(args(batch, out));
  const file = JSON.parse(await readFile(join(out, 'cells.json'), 'utf8')) as CellsFile;
  assert.is(file.cells.length, 6);
  const other = file.cells.map((c) => c.nodes.find((n) => n.node === 'other')!);
  const svc = file.cells.map((c) => c.nodes.find((n) => n.node === 'svc')!);
  for (const o of other) {
    assert.equal({ ...o, vsBase: null }, { ...other[0]!, vsBase: null });
    assert.is(o.vsBase.utilization.mean, 0);
    assert.is(o.vsBase.pFail.mean, 0);
  }
  // The cell equal to the base (svc 1 replica, load 1) shares its run: exactly no change, not an interval around 0.
  assert.equal(file.cells[0]!.id, 'svc.replicas=1 a.load=1');
  for (const n of file.cells[0]!.nodes) assert.equal([n.vsBase.pFail.lo, n.vsBase.pFail.hi], [0, 0], n.node);
  // Another cell, where `other` behaves the same, still carries the paired interval (nothing shows the twins equal there).
  assert.ok(other[1]!.vsBase.pFail.hi > 0, JSON.stringify(other[1]!.vsBase.pFail));
  // ... while the node the axes reach does change: saturated at 1 and 2 replicas, not at 4.
  assert.is(svc[0]!.failures, 12, file.cells[0]!.id);
  assert.is(svc[4]!.failures, 0, file.cells[4]!.id);
  assert.ok(svc[4]!.vsBase.pFail.hi < 0, 'from 1 to 4 replicas: a decrease the paired interval shows');
}));

test('a horizon shorter than an SLO window is said, as simulate says it, in the summary and cells.json', () => withTempDir('whatif-short', async (dir) => {
  const batch = await writeBatch(dir, '  a.load: [1.0, 1.5]\n', 'replications: 2\nhorizon: 30s\nwindow: 30s\ntarget: 0.4\n');
  const r = await whatif(args(batch, join(dir, 'out')));
  const warning = 'the measured stretch of 30 s (horizon minus warm-up) is shorter than the SLO window of 2 node(s): svc (60 s), other (60 s)';
  assert.ok(r.summary.includes(warning), r.summary);
  const cells = JSON.parse(await readFile(join(dir, 'out', 'cells.json'), 'utf8')) as { warnings: string[] };
  assert.ok(cells.warnings.some((w) => w.startsWith(warning)), cells.warnings.join('\n'));
}));

test('identical files for 0 and 2 workers', () => withTempDir('whatif-workers', async (dir) => {
  const batch = await writeBatch(dir, GRID);
  await whatif(args(batch, join(dir, 'w0'), { workers: 0, resume: false }));
  await whatif(args(batch, join(dir, 'w2'), { workers: 2, resume: false }));
  const [a, b] = await Promise.all([readOutputs(join(dir, 'w0')), readOutputs(join(dir, 'w2'))]);
  OUTPUTS.forEach((name, i) => assert.ok(a[i] === b[i], `${name} differs between 0 and 2 workers`));
}));

test('an interrupted batch resumes from its checkpoints and writes the same files as an uninterrupted one', () => withTempDir('whatif-resume', async (dir) => {
  const batch = await writeBatch(dir, GRID);
  const clean = join(dir, 'clean'), resumed = join(dir, 'resumed');
  await whatif(args(batch, clean, { resume: false }));
  // Stop once some chunks are checkpointed: the files must not be written.
  const controller = new AbortController();
  const watch = setInterval(async () => {
    const keys = await readdir(join(resumed, '.chunks')).catch(() => []);
    if (keys.length >= 3) controller.abort();
  }, 20);
  const stopped = await whatif(args(batch, resumed), controller.signal).then(() => null, (e: unknown) => e as Error);
  clearInterval(watch);
  assert.is(stopped?.name, 'AbortError');
  assert.equal((await readdir(resumed)).filter((f) => OUTPUTS.includes(f)), [], 'nothing half-written');
  const again = await whatif(args(batch, resumed));
  assert.ok(again.stats.resumedChunks > 0 && again.stats.resumedChunks < again.stats.chunks, `resumed ${again.stats.resumedChunks} of ${again.stats.chunks} chunks`);
  const [a, b] = await Promise.all([readOutputs(clean), readOutputs(resumed)]);
  OUTPUTS.forEach((name, i) => assert.ok(a[i] === b[i], `${name} differs after resuming`));
}));

test('--find: the fewest svc replicas per load level by a monotone search, as worked out by hand', () => withTempDir('whatif-find', async (dir) => {
  // Load 1: 2.5 / r per replica: 1, 2 saturate, 4 is safe -> 4 (the search runs 2, then 4).
  // Load 2: 5 / r: 4 saturates, 8 is safe -> 8; load 1 already missed with 2, so load 2 starts at 4 (runs 4, 8). Cheapest overall: load=1 with 4.
  const batch = await writeBatch(dir, '  a.load: [1, 2]\n  svc.replicas: [1, 2, 4, 8]\n');
  const r = await whatif(args(batch, join(dir, 'out'), { find: true }));
  const find = r.find!;
  assert.is(find.mode, 'search');
  assert.equal(find.searches.map((s) => [s.row, s.replicas, s.evaluated]), [
    [{ 'a.load': '1' }, 4, ['a.load=1 svc.replicas=2', 'a.load=1 svc.replicas=4']],
    [{ 'a.load': '2' }, 8, ['a.load=2 svc.replicas=4', 'a.load=2 svc.replicas=8']],
  ]);
  assert.is(find.skipped, 4);
  assert.match(find.searches[1]!.explanation, /fewer than 4 not run: a\.load=1 \(no more load\) already missed with 2/);
  assert.is(find.chosen?.id, 'a.load=1 svc.replicas=4');
  assert.match(find.explanation, /fewest svc replicas .* is 4/);
  assert.match(find.explanation, /2 missed \(svc upper bound/);
  // Without a search axis (two replica axes), every cell runs and the cheapest qualifying one is chosen.
  const grid = await writeBatch(dir, '  svc.replicas: [2, 4, 8]\n  other.replicas: [1, 2]\n');
  const g = (await whatif(args(grid, join(dir, 'grid'), { find: true }))).find!;
  assert.is(g.mode, 'grid');
  assert.is(g.chosen?.id, 'svc.replicas=4 other.replicas=1');
  // A target no cell meets: none, with the reason.
  const none = (await whatif(args(grid, join(dir, 'none'), { find: true, target: 0.1 }))).find!;
  assert.is(none.chosen, null);
  assert.match(none.explanation, /^none: .*even a node that never fails has an upper bound of 2\d\.\d %/);
}));

test.run();
