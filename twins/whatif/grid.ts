/**
 * Grid expansion: the cells of a batch are every combination of one value
 * per axis, first axis slowest (row-major, as the axes are written), so a
 * cell's index, id and deltas depend only on the batch.
 */
import type { Axis, Cell } from './types.js';

/** Number of cells, without expanding them (a huge grid is refused before it is built). */
export function gridSize(axes: readonly Axis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** The mixed-radix digits of a cell index, one per axis. */
export function coordinatesOf(axes: readonly Axis[], index: number): number[] {
  const out = new Array<number>(axes.length);
  for (let k = axes.length - 1; k >= 0; k--) {
    const n = axes[k]!.values.length;
    out[k] = index % n;
    index = Math.floor(index / n);
  }
  return out;
}

export function indexOf(axes: readonly Axis[], coordinates: readonly number[]): number {
  return coordinates.reduce((index, c, k) => index * axes[k]!.values.length + c, 0);
}

export function cellAt(axes: readonly Axis[], index: number): Cell {
  const coordinates = coordinatesOf(axes, index);
  const chosen = axes.map((a, k) => ({ axis: a.name, value: a.values[coordinates[k]!]! }));
  return {
    index,
    id: chosen.map((c) => `${c.axis}=${c.value.label}`).join(' '),
    values: Object.fromEntries(chosen.map((c) => [c.axis, c.value.label])),
    coordinates,
    // In axis order: a later axis's delta on the same field wins, as in a scenario list.
    deltas: chosen.flatMap((c) => c.value.deltas),
  };
}

export function expandGrid(axes: readonly Axis[]): Cell[] {
  return Array.from({ length: gridSize(axes) }, (_, i) => cellAt(axes, i));
}
