/**
 * `whatif --find`: the planner's question, "which is the cheapest setting
 * under which no node is likely to fail?". A cell qualifies when every
 * node's P(fail) upper bound is under the target. Two ways to answer:
 *  - grid: every cell is run; the cheapest qualifying cell wins (core-hours,
 *    then replica-hours, then grid order);
 *  - search: with exactly one `<node>.replicas` axis of whole numbers, for
 *    each combination of the other axes (a row) a binary search finds the
 *    fewest replicas that qualify, assuming more replicas never make a cell
 *    fail the target (monotone), so only about log2(values) cells per row
 *    run. The rows search in lockstep, so each round's cells run together.
 * A cell's verdict against the target is three-way: it *meets* it (every
 * node's upper bound under), *misses* it (some node's lower bound above),
 * or is *undecided* (some node's interval still holds the target, e.g. a
 * cell that reached its most replications under sequential stopping while
 * straddling). Only cells that meet the target are chosen; an undecided
 * cell is never chosen nor counted as a miss for inference, and the answer
 * names the cheaper undecided cells it could not rule out.
 *
 * In the search, load axes (`load`, `<entry>.load`) are also taken as
 * monotone: more load never makes a cell meet the target that missed it.
 * A row then waits until every row with less load (and the same other
 * values) is done, and starts above the most replicas those rows clearly
 * missed with: those cells are known to miss and are not run.
 * Every decision is explained in words, including why none qualified, and
 * the chosen cell is compared with the base cell on the same replications.
 */
import { zOf } from '../mitigation/evaluate-stats.js';
import type { CellFigures } from './figures.js';
import { coordinatesOf, gridSize, indexOf } from './grid.js';
import type { Axis } from './types.js';

export interface RowSearch {
  /** The other axes' value labels. */
  readonly row: Readonly<Record<string, string>>;
  readonly node: string;
  /** The fewest replicas that qualified, or null. */
  readonly replicas: number | null;
  readonly cell: string | null;
  /** Cell ids run for this row, in the order run. */
  readonly evaluated: readonly string[];
  readonly explanation: string;
}

export interface FindResult {
  readonly target: number;
  readonly mode: 'grid' | 'search';
  readonly chosen: { readonly index: number; readonly id: string } | null;
  readonly explanation: string;
  readonly searches: readonly RowSearch[];
  /** Cells the search did not need to run. */
  readonly skipped: number;
  /** Cells run whose verdict is undecided (an interval holds the target): never chosen. */
  readonly undecided: readonly string[];
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

export const meetsTarget = (c: CellFigures, target: number): boolean => c.nodes.every((n) => n.pFail.hi < target);

export type Verdict = 'meets' | 'misses' | 'undecided';

/** meets: every upper bound under the target; misses: some lower bound above it; undecided: neither (an interval holds the target). */
export function cellVerdict(c: CellFigures, target: number): Verdict {
  if (meetsTarget(c, target)) return 'meets';
  return c.nodes.some((n) => n.pFail.lo > target) ? 'misses' : 'undecided';
}

/**
 * Why a cell misses or is undecided: its nodes at or over the target, worst
 * first. Nodes that never failed are over it only because the replications
 * are few (a Wilson upper bound with no failure is z²/(n + z²)): they are
 * counted apart, not listed as if they had failed.
 */
export function misses(c: CellFigures, target: number): string {
  const over = c.nodes.filter((n) => n.pFail.hi >= target).sort((a, b) => b.pFail.hi - a.pFail.hi || b.failures - a.failures);
  const failed = over.filter((n) => n.failures > 0), clean = over.filter((n) => n.failures === 0);
  const shown = failed.slice(0, 3).map((n) => n.pFail.lo > target
    ? `${n.node} upper bound ${pct(n.pFail.hi)} (${failuresText(n.failures)}${n.condition ? `, ${n.condition}` : ''})`
    : `${n.node} [${pct(n.pFail.lo)}, ${pct(n.pFail.hi)}] holds the target (${failuresText(n.failures)} in ${c.replications})`);
  const more = failed.length > 3 ? [`${failed.length - 3} more that failed`] : [];
  const unsettled = clean.length
    ? [`${clean.length} node${clean.length === 1 ? '' : 's'} that never failed but whose upper bound is still ${pct(clean[0]!.pFail.hi)} after ${c.replications} replications`]
    : [];
  return [...shown, ...more, ...unsettled].join(', ');
}

/** "1 failure", "2 failures". */
const failuresText = (k: number): string => `${k} failure${k === 1 ? '' : 's'}`;

/** A cell that missed, or is undecided, with why. */
function whyNot(c: CellFigures, target: number): string {
  return cellVerdict(c, target) === 'undecided' ? `undecided after ${c.replications} replications: ${misses(c, target)}` : misses(c, target);
}

/** The node the cell changed most against the base, with its paired interval. */
function againstBase(c: CellFigures): string {
  const n = [...c.nodes].sort((a, b) => Math.abs(b.vsBase.pFail.mean) - Math.abs(a.vsBase.pFail.mean))[0];
  if (!n || n.vsBase.pFail.mean === 0) return 'against the base cell (paired, same replications) no node\'s P(fail) changed';
  const d = n.vsBase.pFail;
  const side = d.hi < 0 ? 'a decrease the paired interval confirms' : d.lo > 0 ? 'an increase the paired interval confirms' : 'not distinguishable from no change';
  return `against the base cell (paired, same replications) ${n.node}'s P(fail) changed by ${d.mean.toFixed(3)} [${d.lo.toFixed(3)}, ${d.hi.toFixed(3)}]: ${side}`;
}

const cheaper = (a: CellFigures, b: CellFigures): number => a.coreHours - b.coreHours || a.replicaHours - b.replicaHours || a.index - b.index;

/** The cheapest qualifying cell among those run, explained; `skipped` cells were not run (search). */
/**
 * `comparable(a, b)`: whether cell b is an alternative to cell a. With load
 * axes, a cell at another load answers another question (load is a
 * condition, not a choice), so only cells at the chosen cell's load are
 * named as the cheaper ones that missed.
 */
export function chooseCheapest(cells: readonly CellFigures[], target: number, replications: number, level: number, comparable: (a: CellFigures, b: CellFigures) => boolean = () => true): { chosen: CellFigures | null; explanation: string } {
  const sorted = [...cells].sort(cheaper);
  const ok = sorted.filter((c) => meetsTarget(c, target));
  const chosen = ok[0] ?? null;
  if (chosen) {
    const below = sorted.slice(0, sorted.indexOf(chosen)).filter((c) => comparable(chosen, c));
    const atLoad = below.length < sorted.indexOf(chosen) ? ' at the same load' : '';
    const cheaperMissed = below.filter((c) => cellVerdict(c, target) === 'misses');
    const cheaperUndecided = below.filter((c) => cellVerdict(c, target) === 'undecided');
    return {
      chosen,
      explanation: `${ok.length} of ${cells.length} cells run have every P(fail) upper bound under ${pct(target)}; the cheapest is ${chosen.id} at ${chosen.coreHours.toFixed(2)} core-hours (${chosen.replicaHours.toFixed(2)} replica-hours), its highest upper bound ${chosen.worst.node} ${pct(chosen.worst.hi)}; ${againstBase(chosen)}.` +
        (cheaperMissed.length ? ` Cheaper cells${atLoad} that missed: ${cheaperMissed.slice(0, 3).map((c) => `${c.id} (${misses(c, target)})`).join('; ')}${cheaperMissed.length > 3 ? `; and ${cheaperMissed.length - 3} more` : ''}.` : '') +
        (cheaperUndecided.length ? ` Cheaper cells${atLoad} left undecided, not chosen (more replications could settle them either way): ${cheaperUndecided.slice(0, 3).map((c) => `${c.id} (${whyNot(c, target)})`).join('; ')}${cheaperUndecided.length > 3 ? `; and ${cheaperUndecided.length - 3} more` : ''}.` : ''),
    };
  }
  const closest = [...cells].sort((a, b) => a.worst.hi - b.worst.hi || cheaper(a, b))[0];
  // With no failure at all the Wilson upper bound is z²/(n + z²): a target under it cannot be met at this n.
  const z = zOf(level);
  const floor = (z * z) / (replications + z * z);
  return {
    chosen: null,
    explanation: `none: no cell run has every P(fail) upper bound under ${pct(target)}.` +
      (closest ? ` The closest is ${closest.id}: ${whyNot(closest, target)}.` : '') +
      (target <= floor ? ` Note: with ${replications} replications even a node that never fails has an upper bound of ${pct(floor)} at the ${pct(level)} level, so the target needs more replications.` : ''),
  };
}

/** Runs cells by grid index and returns their figures (in the order asked). */
export type EvaluateCells = (indices: readonly number[]) => Promise<CellFigures[]>;

/** The search axis: the one `<node>.replicas` axis of whole numbers, or null (then every cell runs). */
export function searchAxis(axes: readonly Axis[]): number | null {
  const replicaAxes = axes.map((a, k) => (a.replicasOf !== null && a.values.every((v) => Number.isInteger(v.value)) ? k : -1)).filter((k) => k >= 0);
  return replicaAxes.length === 1 ? replicaAxes[0]! : null;
}

export async function findCell(axes: readonly Axis[], target: number, replications: number, level: number, evaluate: EvaluateCells): Promise<FindResult> {
  const k = searchAxis(axes);
  const total = gridSize(axes);
  if (k === null) {
    const cells = await evaluate(Array.from({ length: total }, (_, i) => i));
    const { chosen, explanation } = chooseCheapest(cells, target, replications, level, sameLoad(axes));
    const undecided = cells.filter((f) => cellVerdict(f, target) === 'undecided').map((f) => f.id);
    return { target, mode: 'grid', chosen: chosen && { index: chosen.index, id: chosen.id }, explanation, searches: [], skipped: 0, undecided };
  }
  const axis = axes[k]!;
  const node = axis.replicasOf!;
  // Positions on the axis by replica count, fewest first.
  const order = axis.values.map((v, i) => ({ i, r: v.value as number })).sort((a, b) => a.r - b.r);
  const loads = loadRanks(axes);
  const rows = Array.from({ length: total }, (_, i) => coordinatesOf(axes, i)).filter((c) => c[k] === 0).map((coordinates): Row => ({
    coordinates, lo: 0, hi: order.length - 1, best: null, runs: [], started: false, below: [], floorFrom: null,
  }));
  // Rows with no more load on any load axis and the same value on every other axis: what this row may infer from.
  for (const r of rows) {
    r.below = rows.filter((q) => q !== r && q.coordinates.every((c, j) => j === k || (loads[j] ? loads[j]![c]! <= loads[j]![r.coordinates[j]!]! : c === r.coordinates[j])));
  }
  const cellOf = (row: Row, pos: number): number => indexOf(axes, row.coordinates.map((c, j) => (j === k ? order[pos]!.i : c)));
  const done = (r: Row) => r.started && r.lo > r.hi;
  // Positions the row is known to miss at: below its floor, and up to the most replicas it clearly missed with (replicas monotone).
  const missedUpTo = (r: Row): number => Math.max(r.lo > 0 && r.floorFrom ? r.floorFrom.pos : -1,
    ...r.runs.filter((f) => cellVerdict(f, target) === 'misses').map((f) => order.findIndex((o) => String(o.r) === f.values[axis.name])));
  const start = (r: Row) => {
    r.started = true;
    for (const q of r.below) {
      const pos = missedUpTo(q);
      if (pos >= 0 && pos + 1 > r.lo) {
        r.lo = pos + 1;
        r.floorFrom = { row: q, pos };
      }
    }
  };
  const run = new Map<number, CellFigures>();
  for (;;) {
    for (let changed = true; changed;) {
      changed = false;
      for (const r of rows) if (!r.started && r.below.every(done)) { start(r); changed = true; }
    }
    const active = rows.filter((r) => r.started && r.lo <= r.hi);
    if (active.length === 0) break;
    const mids = active.map((r) => Math.floor((r.lo + r.hi) / 2));
    const figures = await evaluate([...new Set(active.map((r, j) => cellOf(r, mids[j]!)))]);
    for (const f of figures) run.set(f.index, f);
    active.forEach((r, j) => {
      const f = run.get(cellOf(r, mids[j]!))!;
      r.runs.push(f);
      // An undecided cell is not a pass: the search goes on to more replicas, and the row's answer names it.
      if (meetsTarget(f, target)) {
        r.best = f;
        r.hi = mids[j]! - 1;
      } else r.lo = mids[j]! + 1;
    });
  }
  const nameOf = (r: Row): string => axes.map((a, j) => (j === k ? null : `${a.name}=${a.values[r.coordinates[j]!]!.label}`)).filter(Boolean).join(' ') || 'the grid';
  const searches = rows.map((r): RowSearch => {
    const rowLabels = Object.fromEntries(axes.map((a, j) => [a.name, a.values[r.coordinates[j]!]!.label]).filter(([name]) => name !== axis.name));
    const rowName = nameOf(r);
    const replicasOf = (f: CellFigures): string => f.values[axis.name]!;
    const missedBelow = r.runs.filter((f) => !meetsTarget(f, target)).sort((a, b) => Number(replicasOf(b)) - Number(replicasOf(a)))[0];
    const tried = r.runs.length ? `tried ${r.runs.map(replicasOf).join(' then ')}` : 'tried none';
    const inferred = r.floorFrom
      ? `; fewer than ${order[r.floorFrom.pos + 1]?.r ?? `more than ${order[r.floorFrom.pos]!.r}`} not run: ${nameOf(r.floorFrom.row)} (no more load) already missed with ${order[r.floorFrom.pos]!.r} (more load taken never to help)`
      : '';
    const top = order[order.length - 1]!.r;
    const topRun = r.runs.find((f) => Number(replicasOf(f)) === top);
    const explanation = r.best
      ? `${rowName}: the fewest ${node} replicas with every P(fail) upper bound under ${pct(target)} is ${replicasOf(r.best)} (highest ${r.best.worst.node} ${pct(r.best.worst.hi)})` +
        (missedBelow ? `; ${replicasOf(missedBelow)} ${cellVerdict(missedBelow, target) === 'undecided' ? 'was left undecided, so the fewest may be lower' : 'missed'} (${whyNot(missedBelow, target)})` : r.floorFrom ? '' : `; it is the smallest count on the axis`) + inferred + `; ${tried} (the axis holds ${order.map((o) => o.r).join(', ')})`
      : topRun
        ? `${rowName}: none: even ${top} ${node} replicas ${cellVerdict(topRun, target) === 'undecided' ? 'do not clearly meet the target' : 'miss'} (${whyNot(topRun, target)})${inferred}; ${tried}`
        : `${rowName}: none${r.runs.length ? ` (${whyNot(r.runs[r.runs.length - 1]!, target)})` : ''}${inferred}; ${tried}`;
    return { row: rowLabels, node, replicas: r.best ? Number(replicasOf(r.best)) : null, cell: r.best?.id ?? null, evaluated: r.runs.map((f) => f.id), explanation };
  });
  const { chosen, explanation } = chooseCheapest([...run.values()], target, replications, level, sameLoad(axes));
  const undecided = [...run.values()].filter((f) => cellVerdict(f, target) === 'undecided').map((f) => f.id);
  return {
    target, mode: 'search', chosen: chosen && { index: chosen.index, id: chosen.id },
    explanation: `monotone search over ${axis.name} (more replicas assumed never to make a cell miss the target${loads.some(Boolean) ? `; more load never to make one meet it` : ''}), ${run.size} of ${total} cells run. ${searches.map((s) => s.explanation).join('. ')}. Overall: ${explanation}`,
    searches, skipped: total - run.size, undecided,
  };
}

/** A row of the search: the other axes' values, the search interval over replica positions, what ran. */
interface Row {
  readonly coordinates: number[];
  lo: number;
  hi: number;
  best: CellFigures | null;
  readonly runs: CellFigures[];
  started: boolean;
  below: Row[];
  /** The row (less load) whose clear miss at replica position `pos` raised this row's start above it. */
  floorFrom: { readonly row: Row; readonly pos: number } | null;
}

/** Per axis, the rank of each value by load factor for a load axis (`load`, `<entry>.load`: one loadScale delta with a numeric factor); null for other axes. */
/** Whether two cells are at the same load: the same value on every load axis. */
function sameLoad(axes: readonly Axis[]): (a: CellFigures, b: CellFigures) => boolean {
  const names = axes.filter((_, j) => loadRanks(axes)[j] !== null).map((a) => a.name);
  return (a, b) => names.every((n) => a.values[n] === b.values[n]);
}

export function loadRanks(axes: readonly Axis[]): (number[] | null)[] {
  return axes.map((a) => {
    const factors = a.values.map((v) => (v.deltas.length === 1 && v.deltas[0]!.op === 'loadScale' && typeof v.deltas[0]!.factor === 'number' ? v.deltas[0]!.factor : null));
    if (a.replicasOf !== null || factors.some((f) => f === null)) return null;
    const sorted = [...new Set(factors as number[])].sort((x, y) => x - y);
    return (factors as number[]).map((f) => sorted.indexOf(f));
  });
}
