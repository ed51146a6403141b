/**
 * Checking a batch file against its base twin, every problem at once, each
 * located in the batch (`axes["productcatalog.replicas"][2]`, line and
 * column when read from a file): the shape (schema.ts, "did you mean" for
 * unknown keys), the settings, axis names (axes.ts: unknown nodes, entries
 * and fields with the closest known name), and every axis value through the
 * scenario rules, which are the twin file's own (twins/scenario): a value a
 * twin could not hold (0 replicas, replicas outside the autoscaler's bounds,
 * a memLimit on a node without resources) is refused where it is written.
 * Combinations of values are checked when the cells are prepared (cells.ts).
 */
import { Problems, TwinSpecError, type Locator, type PathSegments } from '../definition/errors.js';
import * as F from '../definition/fields.js';
import { checkFinite } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { validateWithSchema } from '../definition/validate.js';
import { applyScenario } from '../scenario/apply.js';
import { axisMeaning } from './axes.js';
import { BATCH_DEFAULTS, batchSchema, type BatchInput } from './schema.js';
import type { Axis, AxisValue, Batch, BatchSettings, WrittenDelta } from './types.js';

/** A parsed batch document, not yet checked. */
export interface BatchDocument {
  readonly source: string;
  readonly data: unknown;
  readonly locate?: Locator;
}

/**
 * Checks `deltas` on `twin` with the scenario rules; each problem goes to `p`
 * at `map(path inside the list)`. Returns whether there was none.
 */
export function checkDeltasAt(twin: Twin, deltas: readonly unknown[], map: (inList: PathSegments) => PathSegments, p: Problems, source: string): boolean {
  // The scenario reader asks its locator once per problem, in order: that is where each problem sat in the list.
  const where: PathSegments[] = [];
  try {
    applyScenario(twin, { source, data: deltas, locate: (path) => { where.push(path); return undefined; } });
    return true;
  } catch (e) {
    if (!(e instanceof TwinSpecError)) throw e;
    e.problems.forEach((problem, i) => {
      const inList = e.problems.length === where.length ? where[i]! : null;
      p.at(map(inList ?? []), inList ? problem.message : `${problem.path}: ${problem.message}`);
    });
    return false;
  }
}

/** The label a plain value shows in cell ids and files. */
export function valueLabel(value: unknown): string {
  if (value === null) return 'none';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function checkAxis(twin: Twin, name: string, raw: readonly unknown[] | Readonly<Record<string, readonly unknown[]>>, p: Problems, source: string): Axis | null {
  const at: PathSegments = ['axes', name];
  const before = p.size;
  const values: AxisValue[] = [];
  if (Array.isArray(raw)) {
    const meaning = axisMeaning(twin, name, at, p);
    if (!meaning) return null;
    const seen = new Map<string, number>();
    raw.forEach((value, i) => {
      const label = valueLabel(value);
      const first = seen.get(label);
      if (first !== undefined) p.at([...at, i], `${JSON.stringify(label)} is listed twice (first at [${first}]): each value gives one cell per combination`);
      seen.set(label, i);
      const delta = meaning.delta(value);
      // The value sits at axes[name][i]; inside the delta, the value's own key is that spot and deeper keys are inside it.
      const valueKey = Object.keys(delta).find((k) => k !== 'op' && k !== 'node' && k !== 'entry')!;
      const map = (inList: PathSegments): PathSegments => (inList[1] === valueKey ? [...at, i, ...inList.slice(2)] : [...at, i]);
      if (checkDeltasAt(twin, [delta], map, p, source)) values.push({ label, value, deltas: [delta] });
    });
    if (p.size > before) return null;
    return { name, replicasOf: meaning.replicasOf, values };
  }
  for (const [label, deltas] of Object.entries(raw as Readonly<Record<string, readonly unknown[]>>)) {
    if (checkDeltasAt(twin, deltas, (inList) => [...at, label, ...inList], p, source)) values.push({ label, value: null, deltas: deltas as WrittenDelta[] });
  }
  return p.size > before ? null : { name, replicasOf: null, values };
}

function settingsOf(input: BatchInput, p: Problems): BatchSettings {
  const d = BATCH_DEFAULTS;
  const dur = (key: 'horizon' | 'window' | 'warmup', bound: 'positive' | 'nonneg') => {
    const v = input[key];
    return v === undefined ? d[key] : F.duration(p, [key], v, bound) ?? d[key];
  };
  const horizon = dur('horizon', 'positive'), window = dur('window', 'positive'), warmup = dur('warmup', 'nonneg');
  if (warmup >= horizon) p.at(['warmup'], `expected a warm-up shorter than the horizon (${horizon} s), got ${warmup} s`);
  return {
    seed: input.seed ?? d.seed, replications: input.replications ?? d.replications, horizon, window, warmup,
    confidence: input.confidence ?? d.confidence, target: input.target ?? d.target,
    stopping: input.stopWhenClear || input.precision !== undefined ? { whenClear: input.stopWhenClear ?? false, precision: input.precision ?? null } : null,
  };
}

/** The shape and settings of a batch, before its twin is loaded (the twin's path comes from here). Throws TwinSpecError listing every problem. */
export function readBatchShape(doc: BatchDocument): { input: BatchInput; settings: BatchSettings } {
  const p = new Problems(doc.locate);
  checkFinite(doc.data, [], p);
  p.throwIfAny(doc.source);
  validateWithSchema(batchSchema, doc.data, p);
  p.throwIfAny(doc.source);
  const input = doc.data as BatchInput;
  const settings = settingsOf(input, p);
  p.throwIfAny(doc.source);
  return { input, settings };
}

/** Checks every axis against the base twin. Throws TwinSpecError listing every problem of every axis. */
export function checkBatch(doc: BatchDocument, twin: Twin): Batch {
  const { input, settings } = readBatchShape(doc);
  const p = new Problems(doc.locate);
  const axes: Axis[] = [];
  for (const [name, raw] of Object.entries(input.axes)) {
    const axis = checkAxis(twin, name, raw, p, doc.source);
    if (axis) axes.push(axis);
  }
  p.throwIfAny(doc.source);
  return {
    source: doc.source,
    files: { twin: input.twin, forecast: input.forecast ?? null, state: input.state ?? null },
    settings,
    axes,
  };
}
