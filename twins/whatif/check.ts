/**
 * Checking a batch file against its base twin, every problem at once, each
 * located in the batch (`axes["productcatalog.replicas"][2]`, line and
 * column when read from a file): the shape (schema.ts, "did you mean" for
 * unknown keys), the settings, axis names (axes.ts: unknown nodes, entries
 * and fields with the closest known name), and every axis value through the
 * scenario rules, which are the twin file's own (twins/scenario): a value a
 * twin could not hold (0 replicas, replicas outside the autoscaler's bounds,
 * a memLimit on a node without resources) is refused where it is written,
 * unless another axis acting on the same node makes it hold (9 replicas
 * once an axis removes the autoscaler): then only the cells where it breaks
 * a rule are refused, by name.
 * Combinations of values are checked when the cells are prepared (cells.ts).
 */
import { Problems, TwinSpecError, type Locator, type PathSegments } from '../definition/errors.js';
import * as F from '../definition/fields.js';
import { checkFinite, checkFiniteAndSchema } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
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

/** A problem found in a list of deltas, placed in the batch. */
interface PlacedProblem {
  readonly at: PathSegments;
  readonly message: string;
}

/** The problems of `deltas` on `twin` under the scenario rules, each at `map(path inside the list)`; empty when they hold. */
function deltaProblems(twin: Twin, deltas: readonly unknown[], map: (inList: PathSegments) => PathSegments, source: string): PlacedProblem[] {
  // The scenario reader asks its locator once per problem, in order: that is where each problem sat in the list.
  const where: PathSegments[] = [];
  try {
    applyScenario(twin, { source, data: deltas, locate: (path) => { where.push(path); return undefined; } });
    return [];
  } catch (e) {
    if (!(e instanceof TwinSpecError)) throw e;
    return e.problems.map((problem, i) => {
      const inList = e.problems.length === where.length ? where[i]! : null;
      return { at: map(inList ?? []), message: inList ? problem.message : `${problem.path}: ${problem.message}` };
    });
  }
}

/** The label a plain value shows in cell ids and files. */
export function valueLabel(value: unknown): string {
  if (value === null) return 'none';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** An axis as written: its name, where it sits, and each value with the deltas it stands for (not yet checked). */
interface WrittenAxis {
  readonly name: string;
  readonly at: PathSegments;
  readonly replicasOf: string | null;
  /** A value listed twice (already reported): the axis is checked but not used. */
  readonly repeated: boolean;
  readonly values: readonly { readonly label: string; readonly value: unknown; readonly deltas: readonly unknown[]; readonly map: (inList: PathSegments) => PathSegments; readonly at: PathSegments }[];
}

function writtenAxis(twin: Twin, name: string, raw: readonly unknown[] | Readonly<Record<string, readonly unknown[]>>, p: Problems): WrittenAxis | null {
  const at: PathSegments = ['axes', name];
  if (!Array.isArray(raw)) {
    const values = Object.entries(raw as Readonly<Record<string, readonly unknown[]>>).map(([label, deltas]) =>
      ({ label, value: null, deltas, at: [...at, label], map: (inList: PathSegments): PathSegments => [...at, label, ...inList] }));
    return { name, at, replicasOf: null, repeated: false, values };
  }
  const meaning = axisMeaning(twin, name, at, p);
  if (!meaning) return null;
  const seen = new Map<string, number>();
  let repeated = false;
  const values = raw.map((value, i) => {
    const label = valueLabel(value);
    const first = seen.get(label);
    if (first !== undefined) {
      p.at([...at, i], `${JSON.stringify(label)} is listed twice (first at [${first}]): each value gives one cell per combination`);
      repeated = true;
    }
    seen.set(label, i);
    const delta = meaning.delta(value);
    // The value sits at axes[name][i]; inside the delta, the value's own key is that spot and deeper keys are inside it.
    const valueKey = Object.keys(delta).find((k) => k !== 'op' && k !== 'node' && k !== 'entry')!;
    const map = (inList: PathSegments): PathSegments => (inList[1] === valueKey ? [...at, i, ...inList.slice(2)] : [...at, i]);
    return { label, value, deltas: [delta], at: [...at, i], map };
  });
  return { name, at, replicasOf: meaning.replicasOf, repeated, values };
}

/** Combinations of related axes tried before a value is refused; beyond this the value is judged on the base twin alone. */
const MAX_COMPANIONS = 256;

/** What a delta acts on: its node, or "network"/"load" for deltas without one. Values interact only through a shared target. */
function targetsOf(deltas: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  for (const d of deltas) {
    const o = (d ?? {}) as { node?: unknown; op?: unknown };
    out.add(typeof o.node === 'string' ? `node:${o.node}` : `op:${String(o.op).startsWith('link') ? 'network' : 'other'}`);
  }
  return out;
}

/** The other axes that could change whether a value of `axis` holds: those acting on one of its targets. */
function relatedAxes(axis: WrittenAxis, all: readonly WrittenAxis[]): WrittenAxis[] {
  const mine = targetsOf(axis.values.flatMap((v) => v.deltas));
  return all.filter((a) => a !== axis && [...targetsOf(a.values.flatMap((v) => v.deltas))].some((t) => mine.has(t)));
}

/**
 * Whether some choice of one value from each other axis makes `deltas` hold
 * on the twin. A value's validity may depend on another axis (8 replicas
 * outside the autoscaler's bounds are fine in the cells that also remove
 * the autoscaler): such a value is kept, and the cells where it breaks a
 * rule are named when the cells are prepared (cells.ts).
 */
function holdsWithSomeCompanion(twin: Twin, deltas: readonly unknown[], others: readonly WrittenAxis[], source: string): boolean {
  const sizes = others.map((a) => a.values.length);
  const total = sizes.reduce((n, k) => n * k, 1);
  if (others.length === 0 || total > MAX_COMPANIONS) return false;
  for (let index = 0; index < total; index++) {
    let rest = index;
    const companion: unknown[] = [];
    for (let k = others.length - 1; k >= 0; k--) {
      companion.unshift(...others[k]!.values[rest % sizes[k]!]!.deltas);
      rest = Math.floor(rest / sizes[k]!);
    }
    if (deltaProblems(twin, [...companion, ...deltas], () => [], source).length === 0) return true;
  }
  return false;
}

/** Whether every number in the deltas is finite: a value with .inf or .nan is reported by readBatchShape, where it is written, once. */
function allFinite(deltas: readonly unknown[]): boolean {
  const scratch = new Problems();
  checkFinite(deltas, [], scratch);
  return scratch.size === 0;
}

function checkAxis(twin: Twin, axis: WrittenAxis, others: readonly WrittenAxis[], p: Problems, source: string): Axis | null {
  const before = p.size;
  const values: AxisValue[] = [];
  let nonFinite = false;
  for (const v of axis.values) {
    if (!allFinite(v.deltas)) {
      nonFinite = true;
      continue;
    }
    const alone = deltaProblems(twin, v.deltas, v.map, source);
    if (alone.length === 0 || holdsWithSomeCompanion(twin, v.deltas, others, source)) {
      values.push({ label: v.label, value: v.value, deltas: v.deltas as WrittenDelta[] });
    } else {
      for (const q of alone) p.at(q.at, q.message);
    }
  }
  return p.size > before || axis.repeated || nonFinite ? null : { name: axis.name, replicasOf: axis.replicasOf, values };
}

function settingsOf(input: BatchInput, p: Problems): BatchSettings {
  const d = BATCH_DEFAULTS;
  const dur = (key: 'horizon' | 'warmup', bound: 'positive' | 'nonneg') => {
    const v = input[key];
    return v === undefined ? d[key] : F.duration(p, [key], v, bound) ?? d[key];
  };
  const horizon = dur('horizon', 'positive'), warmup = dur('warmup', 'nonneg');
  const writtenWindow = input.window === undefined ? null : F.duration(p, ['window'], input.window, 'positive');
  const window = writtenWindow ?? d.window;
  if (warmup >= horizon) p.at(['warmup'], `expected a warm-up shorter than the horizon (${horizon} s), got ${warmup} s`);
  // As simulate's --window: a window written that the horizon cannot hold would be one window cut at the horizon; the
  // default window under a shorter horizon is one window of the whole run.
  if (writtenWindow !== null && writtenWindow > horizon) p.at(['window'], `expected at most the horizon (${horizon} s), got ${window} s (the only window would be cut at the horizon)`);
  return {
    seed: input.seed ?? d.seed, replications: input.replications ?? d.replications, horizon, window, warmup,
    confidence: input.confidence ?? d.confidence, target: input.target ?? d.target,
    stopping: input.stopWhenClear || input.precision !== undefined ? { whenClear: input.stopWhenClear ?? false, precision: input.precision ?? null } : null,
  };
}

/** Whether the twin's path, the axes and the other files' paths are readable as written, whatever else is wrong. */
function axesReadable(data: unknown): boolean {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(data) || typeof data.twin !== 'string' || data.twin.length === 0 || !isObject(data.axes)) return false;
  if ([data.forecast, data.state].some((f) => f !== undefined && (typeof f !== 'string' || f.length === 0))) return false;
  return Object.values(data.axes).every((a) => (Array.isArray(a) ? a.length > 0 : isObject(a) && Object.keys(a).length > 0 && Object.values(a).every(Array.isArray)));
}

/** A batch's shape: its input, its settings (null while the shape has problems) and the problems found so far. */
export interface BatchShape {
  readonly input: BatchInput;
  readonly settings: BatchSettings | null;
  readonly problems: Problems;
}

/**
 * The shape and settings of a batch, before its twin is loaded (the twin's
 * path comes from here). Throws TwinSpecError only when the twin's path or
 * the axes cannot be read; other problems (an unknown key, a bad setting)
 * are returned, so that they are reported with the axes' problems.
 */
export function readBatchShape(doc: BatchDocument): BatchShape {
  const p = new Problems(doc.locate);
  checkFiniteAndSchema(batchSchema, doc.data, p);
  if (p.size > 0 && !axesReadable(doc.data)) p.throwIfAny(doc.source);
  const input = doc.data as BatchInput;
  // Settings are read from a clean shape only: a value the schema refused would be refused twice.
  return { input, settings: p.size > 0 ? null : settingsOf(input, p), problems: p };
}

/**
 * Checks every axis against the base twin. Throws TwinSpecError listing
 * every problem of the shape, the settings, every axis and `more` (a
 * problem of a file the batch names, such as its forecast).
 */
export function checkBatch(doc: BatchDocument, twin: Twin, more: readonly { readonly at: PathSegments; readonly message: string }[] = []): Batch {
  const { input, settings, problems: p } = readBatchShape(doc);
  const written = Object.entries(input.axes).map(([name, raw]) => writtenAxis(twin, name, raw, p));
  const usable = written.filter((a): a is WrittenAxis => a !== null);
  const axes: Axis[] = [];
  for (const axis of usable) {
    const checked = checkAxis(twin, axis, relatedAxes(axis, usable), p, doc.source);
    if (checked) axes.push(checked);
  }
  for (const m of more) p.at(m.at, m.message);
  // Found in passes (shape, names, values, files): listed in the order they sit in the file.
  p.list.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
  p.throwIfAny(doc.source);
  return {
    source: doc.source,
    files: { twin: input.twin, forecast: input.forecast ?? null, state: input.state ?? null },
    // Settings are null only when the shape had problems, and those were thrown just above.
    settings: settings!,
    axes,
  };
}
