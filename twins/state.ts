/**
 * Predictive state transfer: a snapshot of production's present, from which
 * every replication starts instead of from empty. Format: docs/state-snapshot.md.
 *
 *   { "format": "shadowcast-state/1", "takenAt": ISO-8601, "twin"?: name,
 *     "nodes": { "<id>": { "replicasUp", "starting"?, "busy"?, "queue"?, "memory"?, "rate"? } } }
 *
 * busy / queue: a total (spread evenly over the up replicas, remainder to the
 * first ones) or one integer per up replica. memory: bytes per replica, one
 * number for all up replicas or one per replica; unit strings ("180Mi") allowed.
 */
import type { SchemaObject } from 'ajv';
import { Problems, shown, type Locator, type PathSegments } from './definition/errors.js';
import { LIMITS } from '../engine/limits.js';
import { parseCalendarTime } from '../models/telemetry/calendar-time.js';
import { readSpecText, validateDocument } from './definition/load.js';
import { parseSize, SIZE_PATTERN, UnitError } from './definition/units.js';
import type { Twin, TwinNode } from './definition/types.js';

export const STATE_FORMAT = 'shadowcast-state/1';

/** The state of one node at the snapshot, per up replica. */
export interface NodeState {
  /** Replicas serving at the snapshot. */
  readonly replicasUp: number;
  /** Replicas started but not yet ready; they become ready `autoscale.startup` seconds in (0 without an autoscaler). */
  readonly starting: number;
  /** Busy workers per up replica (length replicasUp), each <= servers. Their remaining service is drawn fresh by the simulator. */
  readonly busy: Int32Array;
  /** Waiting requests per up replica (length replicasUp), each <= queue capacity. */
  readonly queue: Int32Array;
  /** Memory in use per up replica, bytes; null = not given (the simulator derives it from memBase + in flight). */
  readonly memory: Float64Array | null;
}

export interface StateSnapshot {
  /** ISO-8601 time of the snapshot (validated as a timestamp): the simulation's time 0. */
  readonly takenAt: string;
  /** Indexed by node index; null = no state given: the node starts empty with its configured replicas. */
  readonly nodes: readonly (NodeState | null)[];
}

const count = { type: 'integer', minimum: 0, maximum: LIMITS.queue };
/** Replicas of a node: bounded before the per-replica arrays are allocated. */
const replicaCount = { type: 'integer', minimum: 0, maximum: LIMITS.replicas };
// The description replaces the branches' own errors (twins/definition/validate.ts): it states the bound too.
const countOrList = {
  description: `a non-negative integer up to ${LIMITS.queue} (total) or a list with one non-negative integer up to ${LIMITS.queue} per up replica`,
  anyOf: [count, { type: 'array', items: count }],
};
const size = {
  description: 'bytes per replica: a number, a string like "180Mi", or a list with one per up replica',
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: SIZE_PATTERN },
    { type: 'array', items: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: SIZE_PATTERN }] } },
  ],
};

export const stateSchema: SchemaObject = {
  type: 'object',
  properties: {
    format: { const: STATE_FORMAT },
    takenAt: { type: 'string', minLength: 1 },
    twin: { type: 'string' },
    nodes: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { replicasUp: replicaCount, starting: replicaCount, busy: countOrList, queue: countOrList, memory: size, rate: { type: 'number', minimum: 0 } },
        required: ['replicasUp'],
        additionalProperties: false,
      },
    },
  },
  required: ['format', 'takenAt', 'nodes'],
  additionalProperties: false,
};

interface NodeStateInput {
  replicasUp: number;
  starting?: number;
  busy?: number | number[];
  queue?: number | number[];
  memory?: number | string | (number | string)[];
  rate?: number;
}

interface StateInput {
  format: string;
  takenAt: string;
  twin?: string;
  nodes: Record<string, NodeStateInput>;
}

/** Spreads a total over n replicas (remainder to the first ones) or checks a per-replica list's length. */
function perReplica(p: Problems, path: PathSegments, v: number | number[] | undefined, n: number, cap: number | null, what: string): Int32Array | null {
  const out = new Int32Array(n);
  if (v === undefined) return out;
  if (Array.isArray(v)) {
    if (v.length !== n) {
      p.at(path, `expected one value per up replica (${n}), got ${v.length}`);
      return null;
    }
    let ok = true;
    v.forEach((x, i) => {
      if (cap !== null && x > cap) {
        p.at([...path, i], `expected at most ${cap} ${what} per replica, got ${x}`);
        ok = false;
      }
      out[i] = x;
    });
    return ok ? out : null;
  }
  if (n === 0) {
    if (v > 0) p.at(path, `expected 0 with no replica up, got ${v}`);
    return v > 0 ? null : out;
  }
  if (cap !== null && v > cap * n) {
    p.at(path, `expected at most ${cap * n} ${what} (${n} replica${n === 1 ? '' : 's'} x ${cap}), got ${v}`);
    return null;
  }
  for (let i = 0; i < n; i++) out[i] = Math.floor(v / n) + (i < v % n ? 1 : 0);
  return out;
}

function memoryOf(p: Problems, path: PathSegments, v: NodeStateInput['memory'], n: number, node: TwinNode): Float64Array | null {
  if (v === undefined) return null;
  const list = Array.isArray(v) ? v : new Array<number | string>(n).fill(v);
  if (list.length !== n) {
    p.at(path, `expected one value per up replica (${n}), got ${list.length}`);
    return null;
  }
  const out = new Float64Array(n);
  let ok = true;
  list.forEach((x, i) => {
    const at = Array.isArray(v) ? [...path, i] : path;
    try {
      out[i] = parseSize(x);
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
      p.at(at, e.message);
      ok = false;
      return;
    }
    const limit = node.resources?.memLimit;
    if (limit !== undefined && out[i]! >= limit) {
      p.at(at, `expected memory below the node's memLimit (${limit} bytes), got ${out[i]}: that replica would already be OOM-killed`);
      ok = false;
    }
  });
  return ok ? out : null;
}

/** Validates a parsed snapshot against a twin. Throws TwinSpecError listing every problem. */
export function stateFromObject(data: unknown, twin: Twin, source: string, locate?: Locator): StateSnapshot {
  const input = validateDocument<StateInput>(stateSchema, data, source, locate);
  const p = new Problems(locate);
  const taken = parseCalendarTime(input.takenAt);
  if (!taken || 'invalid' in taken) p.at(['takenAt'], `expected an ISO-8601 timestamp${taken ? ` (${taken.invalid})` : ''}, got ${shown(input.takenAt)}`);
  if (input.twin !== undefined && input.twin !== twin.name) p.at(['twin'], `snapshot is for twin ${JSON.stringify(input.twin)}, not ${JSON.stringify(twin.name)}`);
  const nodes: (NodeState | null)[] = twin.nodes.map(() => null);
  for (const [id, s] of Object.entries(input.nodes)) {
    const at = (k?: string): PathSegments => (k === undefined ? ['nodes', id] : ['nodes', id, k]);
    const index = twin.indexOf.get(id);
    if (index === undefined) {
      p.at(at(), `unknown node id ${JSON.stringify(id)} (not in twin ${JSON.stringify(twin.name)})`);
      continue;
    }
    const node = twin.nodes[index]!;
    const before = p.size;
    if (node.autoscale && s.replicasUp + (s.starting ?? 0) > node.autoscale.max) {
      p.at(at('replicasUp'), `expected replicasUp + starting <= autoscale.max (${node.autoscale.max}), got ${s.replicasUp + (s.starting ?? 0)}`);
    }
    const station = node.service !== null;
    const busy = perReplica(p, at('busy'), s.busy, s.replicasUp, station ? node.servers : 0, 'busy workers');
    const queue = perReplica(p, at('queue'), s.queue, s.replicasUp, station ? node.queue : 0, 'queued requests');
    const memory = memoryOf(p, at('memory'), s.memory, s.replicasUp, node);
    if (p.size > before || !busy || !queue) continue;
    // `rate` is informational in the file (entries decide arrivals): validated, not carried.
    nodes[index] = Object.freeze({ replicasUp: s.replicasUp, starting: s.starting ?? 0, busy, queue, memory });
  }
  p.throwIfAny(source);
  return Object.freeze({ takenAt: input.takenAt, nodes: Object.freeze(nodes) });
}

/** Reads a snapshot file (JSON; YAML accepted too) and validates it against the twin. */
export async function readStateSnapshot(file: string, twin: Twin): Promise<StateSnapshot> {
  const { data, locate } = await readSpecText(file);
  return stateFromObject(data, twin, file, locate);
}

/**
 * The snapshot for a variant of its twin whose replica count of some nodes a
 * scenario set from the start (a `replicas` delta without `at`: "what if it
 * had N"). Without this the snapshot's `replicasUp` would win and the delta
 * would silently change nothing. Each named node with a state is brought to
 * the variant's count: new replicas join up and empty; removed ones (the
 * last) hand their work in hand to the remaining ones' queues, round-robin
 * within queue capacity (work beyond it, or with no replica left, is not
 * started). `starting` is kept.
 */
export function rescaleSnapshot(state: StateSnapshot, variant: Twin, nodeIds: Iterable<string>): StateSnapshot {
  const nodes = [...state.nodes];
  for (const id of nodeIds) {
    const i = variant.indexOf.get(id);
    const s = i === undefined ? null : nodes[i];
    if (i === undefined || !s) continue;
    const node = variant.nodes[i]!;
    const target = node.replicas;
    if (target === s.replicasUp) continue;
    const keep = Math.min(target, s.replicasUp);
    const busy = new Int32Array(target), queue = new Int32Array(target);
    busy.set(s.busy.subarray(0, keep));
    queue.set(s.queue.subarray(0, keep));
    let moved = 0;
    for (let k = keep; k < s.replicasUp; k++) moved += s.busy[k]! + s.queue[k]!;
    const capacity = node.queue ?? Infinity;
    let room = 0;
    for (let k = 0; k < target; k++) room += capacity - queue[k]!;
    for (let k = 0, left = Math.min(moved, room); left > 0; k = (k + 1) % target) {
      if (queue[k]! < capacity) { queue[k]!++; left--; }
    }
    let memory: Float64Array | null = null;
    if (s.memory) {
      memory = new Float64Array(target).fill(node.resources?.memBase ?? 0);
      memory.set(s.memory.subarray(0, keep));
    }
    nodes[i] = Object.freeze({ replicasUp: target, starting: s.starting, busy, queue, memory });
  }
  return Object.freeze({ takenAt: state.takenAt, nodes: Object.freeze(nodes) });
}
