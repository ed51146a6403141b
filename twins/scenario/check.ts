/**
 * Checks a scenario document against the twin it modifies, reporting every
 * problem at once, each at `[k].field` (or `deltas[k].field`): the shape of
 * every delta (schema.ts: the twin file's own field schemas, unknown keys
 * with a "did you mean" hint), units and numeric rules (the twin loader's
 * fields.ts), node and entry references, and deltas that would change
 * nothing. Returns the deltas that passed, converted to base units; the twin
 * rules on the result are checked afterwards (twin-rules.ts).
 */
import { Problems, type PathSegments } from '../definition/errors.js';
import * as F from '../definition/fields.js';
import type { NodeFields } from '../definition/input.js';
import { checkFinite } from '../definition/load.js';
import type { Twin, TwinNode } from '../definition/types.js';
import { editDistance, validateWithSchema } from '../definition/validate.js';
import { deltaDocumentSchema, deltaListSchema, deltaSchema } from './schema.js';
import type { IndexedDelta, ScenarioDelta } from './types.js';

export interface CheckedDeltas {
  /** Where the list sits in the document: [] for a root list, ['deltas'] for {"deltas": [...]}. */
  readonly base: PathSegments;
  readonly deltas: readonly IndexedDelta[];
}

/** ` (did you mean "x"?)` for the closest name within two edits, else ''. */
function didYouMean(name: string, known: Iterable<string>): string {
  let best: string | null = null;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(k.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best === null ? '' : ` (did you mean ${JSON.stringify(best)}?)`;
}

/** The raw delta as the schema guarantees it: values may still carry units. */
type RawDelta = { op: ScenarioDelta['op']; node: string; entry?: string } & Record<string, unknown>;

function checkDelta(twin: Twin, d: RawDelta, at: (field: string) => PathSegments, p: Problems): ScenarioDelta | null {
  const before = p.size;
  let node: TwinNode | undefined;
  if (d.op !== 'loadScale') {
    const i = twin.indexOf.get(d.node);
    if (i === undefined) p.at(at('node'), `unknown node id ${JSON.stringify(d.node)}${didYouMean(d.node, twin.indexOf.keys())}`);
    node = i === undefined ? undefined : twin.nodes[i];
  }
  const named = node ? ` ${JSON.stringify(node.id)}` : '';
  let delta: ScenarioDelta | null = null;
  switch (d.op) {
    case 'replicas':
      delta = { op: 'replicas', node: d.node, replicas: d.replicas as number };
      break;
    case 'servers':
      delta = { op: 'servers', node: d.node, servers: d.servers as number };
      break;
    case 'queue':
      delta = { op: 'queue', node: d.node, capacity: d.capacity as number | null };
      break;
    case 'serviceScale':
      if (node && node.service === null) p.at(at('factor'), `node${named} is a pass-through router (no service time): there is nothing to scale`);
      delta = { op: 'serviceScale', node: d.node, factor: d.factor as number };
      break;
    case 'loadScale':
      if (d.entry !== undefined && !twin.entries.some((e) => e.id === d.entry)) {
        p.at(at('entry'), `unknown entry id ${JSON.stringify(d.entry)}${didYouMean(d.entry, twin.entries.map((e) => e.id))}`);
      }
      delta = { op: 'loadScale', factor: d.factor as number, ...(d.entry !== undefined ? { entry: d.entry } : {}) };
      break;
    case 'autoscale': {
      const a = d.autoscale as NodeFields['autoscale'] | null;
      const autoscale = a === null ? null : F.autoscale(p, at('autoscale'), a!);
      delta = { op: 'autoscale', node: d.node, autoscale };
      break;
    }
    case 'timeout': {
      const t = d.timeout as number | string | null;
      delta = { op: 'timeout', node: d.node, timeout: t === null ? null : F.duration(p, at('timeout'), t, 'positive') };
      break;
    }
    case 'retries': {
      const r = d.retries as NodeFields['retries'] | null;
      delta = { op: 'retries', node: d.node, retries: r === null ? null : F.retries(p, at('retries'), r!) };
      break;
    }
    case 'memLimit': {
      if (node && node.resources === null) {
        p.at(at('memLimit'), `node${named} declares no resources: a memLimit takes effect only with cores, cpuPerRequest, memBase and memPerInFlight (declare resources in the twin file); this delta would change nothing`);
      }
      const memLimit = F.size(p, at('memLimit'), d.memLimit as number | string, 'positive');
      if (memLimit !== null) delta = { op: 'memLimit', node: d.node, memLimit };
      break;
    }
  }
  // A conversion that failed (null from fields.ts) has reported its problem.
  return p.size > before ? null : delta;
}

/** Problems go to `p`; the deltas returned are those without any. */
export function checkDeltas(twin: Twin, data: unknown, p: Problems): CheckedDeltas {
  const before = p.size;
  checkFinite(data, [], p);
  const finite = p.size === before;
  let base: PathSegments;
  let items: unknown[];
  if (Array.isArray(data)) {
    base = [];
    items = data;
    validateWithSchema(deltaListSchema, data, p);
  } else if (data !== null && typeof data === 'object') {
    base = ['deltas'];
    validateWithSchema(deltaDocumentSchema, data, p);
    const list = (data as { deltas?: unknown }).deltas;
    items = Array.isArray(list) ? list : [];
  } else {
    p.at([], `expected a list of deltas, or {"deltas": [...]}, got ${JSON.stringify(data)}`);
    return { base: [], deltas: [] };
  }
  const deltas: IndexedDelta[] = [];
  items.forEach((item, index) => {
    // The shape problems are already reported above; a second pass tells which items are usable.
    const scratch = new Problems();
    if (!finite) checkFinite(item, [], scratch);
    if (scratch.size > 0 || !validateWithSchema(deltaSchema, item, scratch)) return;
    const delta = checkDelta(twin, item as RawDelta, (field) => [...base, index, field], p);
    if (delta) deltas.push({ index, delta });
  });
  return { base, deltas };
}
