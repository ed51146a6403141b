/**
 * Preparing the cells to run: each cell's deltas applied to the base twin
 * under the twin's rules (twins/scenario), and the state snapshot checked
 * against the cell's twin (a snapshot with 4 busy workers does not fit a
 * cell with 2 servers). Every problem of every cell at once; each names
 * its cell, since a combination of values has no single place in the file.
 */
import { Problems, TwinSpecError, formatProblem, type Locator } from '../definition/errors.js';
import type { Twin } from '../definition/types.js';
import { applyScenarioDetailed, type AppliedScenario } from '../scenario/apply.js';
import { rescaleSnapshot, stateFromObject, type StateSnapshot } from '../state.js';
import type { BatchDocument } from './check.js';
import { expandGrid } from './grid.js';
import type { Batch, Cell, PreparedCell } from './types.js';

/** A parsed state snapshot file, checked per cell. */
export interface StateDocument {
  readonly source: string;
  readonly data: unknown;
  readonly locate?: Locator;
}

function problemsOf(e: unknown): TwinSpecError {
  if (e instanceof TwinSpecError) return e;
  throw e;
}

/** The cell's twin and state, or null after adding its problems to `p` (at `axes`, naming the cell). */
export function prepareCell(base: Twin, cell: Cell, state: StateDocument | null, p: Problems): PreparedCell | null {
  let applied: AppliedScenario;
  try {
    applied = cell.deltas.length > 0 ? applyScenarioDetailed(base, { source: 'cell', data: cell.deltas }) : { twin: base, startReplicas: [] };
  } catch (e) {
    for (const q of problemsOf(e).problems) p.at(['axes'], `cell ${cell.id}: the values together break a twin rule: ${q.path}: ${q.message}`);
    return null;
  }
  const { twin } = applied;
  let snapshot: StateSnapshot | null = null;
  if (state) {
    try {
      // A cell that sets a node's replicas asks "what if it had N": the snapshot's count must not win.
      snapshot = rescaleSnapshot(stateFromObject(state.data, twin, state.source, state.locate), twin, applied.startReplicas);
    } catch (e) {
      for (const q of problemsOf(e).problems) p.at(['state'], `cell ${cell.id}: the snapshot does not fit this cell's twin: ${formatProblem(state.source, q)}`);
      return null;
    }
  }
  return { ...cell, twin, state: snapshot };
}

/** Every cell of the grid, prepared. Throws TwinSpecError (naming the batch file) listing the problems of every cell. */
export function prepareCells(batch: Batch, doc: BatchDocument, base: Twin, state: StateDocument | null): PreparedCell[] {
  const p = new Problems(doc.locate);
  const cells = expandGrid(batch.axes).map((cell) => prepareCell(base, cell, state, p));
  p.throwIfAny(batch.source);
  return cells as PreparedCell[];
}

/** The base cell (no delta): the reference every cell is compared with, on the same replications. */
export function prepareBase(base: Twin, state: StateDocument | null, source: string): PreparedCell {
  const p = new Problems();
  const cell = prepareCell(base, { index: -1, id: 'base', values: {}, coordinates: [], deltas: [] }, state, p);
  p.throwIfAny(source);
  return cell!;
}
