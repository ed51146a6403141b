/**
 * The --find decision on figures made by hand: the monotone search runs
 * about log2 of a replicas axis per row, rows in lockstep, and finds the
 * same answers a full grid would; the grid mode picks the cheapest cell
 * under the target; "none" says why.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CellFigures, NodeFigures } from './figures.js';
import { chooseCheapest, findCell, searchAxis } from './find.js';
import { cellAt, gridSize } from './grid.js';
import type { Axis } from './types.js';

const axis = (name: string, values: readonly unknown[], replicasOf: string | null = null): Axis => ({
  name, replicasOf, values: values.map((value) => ({ label: String(value), value, deltas: [] })),
});

const zero = { mean: 0, lo: 0, hi: 0, n: 10 };
function node(name: string, hi: number): NodeFigures {
  return {
    node: name, pFail: { mean: hi / 2, lo: 0, hi }, failures: hi > 0.5 ? 10 : 0, condition: hi > 0.5 ? 'utilization' : null,
    utilization: { mean: 0.5, lo: 0.4, hi: 0.6, n: 10 }, p99: { mean: 0.1, lo: 0.1, hi: 0.1, n: 10 },
    replicaHours: 1, coreHours: 1, vsBase: { pFail: zero, utilization: zero, p99: zero },
  };
}

/** A grid where node s needs `need(load)` replicas: fewer fail (upper bound 0.9), enough pass (0.02). Cost grows with replicas. */
function fakeGrid(axes: readonly Axis[], need: (load: number) => number) {
  const asked: number[][] = [];
  const figures = (index: number): CellFigures => {
    const cell = cellAt(axes, index);
    const load = Number(cell.values.load ?? 1), replicas = Number(cell.values['s.replicas']);
    const hi = replicas >= need(load) ? 0.02 : 0.9;
    return { index, id: cell.id, values: cell.values, replicaHours: replicas, coreHours: 2 * replicas, worst: { node: 's', hi }, nodes: [node('s', hi), node('t', 0.01)] };
  };
  return { asked, evaluate: async (indices: readonly number[]) => { asked.push([...indices]); return indices.map(figures); }, figures };
}

test('the monotone search: fewest replicas per load, about log2 cells per row, rows in lockstep', async () => {
  const axes = [axis('load', [1, 2, 3]), axis('s.replicas', [1, 2, 3, 4, 5, 6, 7, 8], 's')];
  assert.is(searchAxis(axes), 1);
  const need = (load: number) => [0, 2, 5, 99][load]!;
  const fake = fakeGrid(axes, need);
  const r = await findCell(axes, 0.05, 100, 0.95, fake.evaluate);
  assert.is(r.mode, 'search');
  assert.equal(r.searches.map((s) => s.replicas), [2, 5, null]);
  assert.is(fake.asked.length, 4, 'log2(8) + 1 rounds');
  assert.ok(fake.asked.every((round) => round.length <= 3), 'one cell per row per round');
  const ran = fake.asked.flat().length;
  assert.is(r.skipped, gridSize(axes) - ran);
  assert.ok(ran <= 12, `${ran} cells run of 24`);
  assert.is(r.chosen?.id, 'load=1 s.replicas=2');
  assert.match(r.searches[2]!.explanation, /none: even 8 s replicas miss \(s upper bound 90\.0 %/);
  // The full grid agrees with the search on every row.
  for (const [row, load] of [[0, 1], [1, 2]] as const) {
    const rowCells = Array.from({ length: 8 }, (_, j) => fake.figures(row * 8 + j));
    assert.is(chooseCheapest(rowCells, 0.05, 100, 0.95).chosen?.values['s.replicas'], String(need(load)));
  }
});

test('grid mode (no single replicas axis): the cheapest cell under the target, and cheaper misses named', async () => {
  const axes = [axis('s.replicas', [4, 1, 2, 8], 's'), axis('t.replicas', [1, 2], 't')];
  assert.is(searchAxis(axes), null);
  const fake = fakeGrid(axes, () => 2);
  const r = await findCell(axes, 0.05, 100, 0.95, fake.evaluate);
  assert.is(r.mode, 'grid');
  assert.is(fake.asked.length, 1);
  assert.is(r.chosen?.id, 's.replicas=2 t.replicas=1');
  assert.match(r.explanation, /^6 of 8 cells run .* the cheapest is s\.replicas=2 t\.replicas=1 .* Cheaper cells that missed: s\.replicas=1 t\.replicas=1 \(s upper bound 90\.0 % \(10 failures, utilization\)\)/);
});

test('none: the closest cell, and a target below what the replications can show', () => {
  const axes = [axis('s.replicas', [1], 's')];
  const fake = fakeGrid(axes, () => 5);
  const { chosen, explanation } = chooseCheapest([fake.figures(0)], 0.01, 200, 0.95);
  assert.is(chosen, null);
  assert.match(explanation, /^none: no cell run has every P\(fail\) upper bound under 1\.0 %\. The closest is s\.replicas=1: s upper bound 90\.0 %.*with 200 replications even a node that never fails has an upper bound of 1\.9 %/);
});

test.run();
