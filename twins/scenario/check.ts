/**
 * Checks a scenario document against the twin it modifies, reporting every
 * problem at once, each at `[k].field` (or `deltas[k].field`): the shape of
 * every delta (schema.ts: the twin file's own field schemas, unknown keys
 * with a "did you mean" hint), units and numeric rules (the twin loader's
 * fields.ts), node and entry references (routers and link stations of a
 * routed network: network-ops.ts), and deltas that would change nothing. Returns the deltas that passed, converted to base units; the twin
 * rules on the result are checked afterwards (twin-rules.ts).
 */
import { Problems, type PathSegments } from '../definition/errors.js';
import * as F from '../definition/fields.js';
import type { NodeFields } from '../definition/input.js';
import { checkFinite, checkFiniteAndSchema } from '../definition/load.js';
import type { Twin, TwinNode } from '../definition/types.js';
import { validateWithSchema } from '../definition/validate.js';
import { didYouMean } from '../../engine/did-you-mean.js';
import { checkLinkDelta, checkLinkRepairs, type RawLinkDelta } from './network-ops.js';
import { deltaDocumentSchema, deltaListSchema, deltaSchema } from './schema.js';
import { TIMED_OPS, type IndexedDelta, type ScenarioDelta } from './types.js';

export interface CheckedDeltas {
  /** Where the list sits in the document: [] for a root list, ['deltas'] for {"deltas": [...]}. */
  readonly base: PathSegments;
  readonly deltas: readonly IndexedDelta[];
}

/** The raw delta as the schema guarantees it: values may still carry units. */
type RawDelta = { op: ScenarioDelta['op']; node: string; entry?: string; at?: number | string } & Record<string, unknown>;

/** Ids of the nodes a node calls (any group, any mode). */
function callees(twin: Twin, node: TwinNode): Set<string> {
  return new Set(node.callGroups.flatMap((g) => g.calls.map((c) => twin.nodes[c.to]!.id)));
}

function checkDelta(twin: Twin, d: RawDelta, at: (field: string) => PathSegments, p: Problems): ScenarioDelta | null {
  const before = p.size;
  let node: TwinNode | undefined;
  if (d.op !== 'loadScale' && d.op !== 'rateLimit' && d.op !== 'linkDown' && d.op !== 'linkUp' && d.op !== 'linkMetric') {
    const i = twin.indexOf.get(d.node);
    if (i === undefined) p.at(at('node'), `unknown node id ${JSON.stringify(d.node)}${didYouMean(d.node, twin.indexOf.keys())}`);
    node = i === undefined ? undefined : twin.nodes[i];
  }
  const named = node ? ` ${JSON.stringify(node.id)}` : '';
  let when: { at?: number } = {};
  if (d.at !== undefined) {
    if (!TIMED_OPS.includes(d.op)) p.at(at('at'), `a ${d.op} delta applies from the start only: \`at\` is supported by ${TIMED_OPS.join(', ')}`);
    else {
      const seconds = F.duration(p, at('at'), d.at, 'nonneg');
      if (seconds !== null) when = { at: seconds };
    }
  }
  let delta: ScenarioDelta | null = null;
  switch (d.op) {
    case 'replicas': {
      const replicas = d.replicas as number;
      const a = node?.autoscale;
      // With `at` the twin's start count is not changed, so the twin rules do not see it: the bounds are checked here.
      if ((when.at ?? 0) > 0 && a && (replicas < a.min || replicas > a.max)) {
        p.at(at('replicas'), `node${named} autoscales within [${a.min}, ${a.max}]: a scale change to ${replicas} replicas is outside the bounds`);
      }
      delta = { op: 'replicas', node: d.node, replicas, ...when };
      break;
    }
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
    case 'rateLimit':
      if (!twin.entries.some((e) => e.id === d.entry)) {
        p.at(at('entry'), `unknown entry id ${JSON.stringify(d.entry)}${didYouMean(d.entry!, twin.entries.map((e) => e.id))}`);
      }
      delta = { op: 'rateLimit', entry: d.entry!, rate: d.rate as number, burst: d.burst as number, ...when };
      break;
    case 'shedOptional':
      if (node && !node.callGroups.some((g) => g.calls.some((c) => c.optional))) {
        p.at(at('node'), `node${named} makes no optional call: shedding them would change nothing (mark call edges optional in the twin file)`);
      }
      delta = { op: 'shedOptional', node: d.node, ...(d.probability !== undefined ? { probability: d.probability as number } : {}), ...when };
      break;
    case 'circuitBreaker': {
      const to = d.to as string;
      if (node && !callees(twin, node).has(to)) {
        p.at(at('to'), `node${named} makes no call to ${JSON.stringify(to)}${didYouMean(to, callees(twin, node))}`);
      }
      const window = F.duration(p, at('window'), d.window as number | string, 'positive');
      const openFor = F.duration(p, at('openFor'), d.openFor as number | string, 'positive');
      if (window !== null && openFor !== null) {
        delta = { op: 'circuitBreaker', node: d.node, to, failureRatio: d.failureRatio as number, window, minCalls: d.minCalls as number, openFor, ...when };
      }
      break;
    }
    case 'routeWeights': {
      const weights = d.weights as Record<string, number>;
      if (node) {
        const targets = new Set(node.routes.map((e) => twin.nodes[e.to]!.id));
        if (targets.size === 0) p.at(at('node'), `node${named} has no route edges: there are no weights to change`);
        for (const id of Object.keys(weights)) {
          if (!targets.has(id)) p.at([...at('weights'), id], `node${named} has no route to ${JSON.stringify(id)}${didYouMean(id, targets)}`);
        }
        for (const id of targets) {
          if (!Object.hasOwn(weights, id)) p.at(at('weights'), `the route${named} -> ${JSON.stringify(id)} has no weight: name every route target (weight 0 stops a route)`);
        }
        if (Object.values(weights).every((w) => w === 0)) p.at(at('weights'), 'every weight is 0: at least one route must keep traffic');
      }
      delta = { op: 'routeWeights', node: d.node, weights: { ...weights } };
      break;
    }
    case 'linkDown':
    case 'linkUp':
    case 'linkMetric':
      // The schema guarantees the selector's and the metric's shapes.
      delta = checkLinkDelta(twin, d as unknown as RawLinkDelta, at, p);
      if (delta !== null && (when.at ?? 0) > 0) delta = { ...delta, ...when } as ScenarioDelta;
      break;
  }
  // A conversion that failed (null from fields.ts) has reported its problem.
  return p.size > before ? null : delta;
}

/** Problems go to `p`; the deltas returned are those without any. */
export function checkDeltas(twin: Twin, data: unknown, p: Problems): CheckedDeltas {
  let base: PathSegments;
  let items: unknown[];
  let finite: boolean;
  if (Array.isArray(data)) {
    base = [];
    items = data;
    ({ finite } = checkFiniteAndSchema(deltaListSchema, data, p));
  } else if (data !== null && typeof data === 'object') {
    base = ['deltas'];
    ({ finite } = checkFiniteAndSchema(deltaDocumentSchema, data, p));
    const list = (data as { deltas?: unknown }).deltas;
    items = Array.isArray(list) ? list : [];
  } else {
    p.at([], `expected a list of deltas, or {"deltas": [...]}, got ${typeof data === 'number' ? String(data) : JSON.stringify(data)}`);
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
  // A linkDown refused for its own problem would make its repair look pointless too: that waits for the next check.
  const refusedDown = items.some((item, index) => (item as { op?: unknown } | null)?.op === 'linkDown' && !deltas.some((d) => d.index === index));
  const refused = refusedDown ? new Set<number>() : checkLinkRepairs(twin, deltas, (index, field) => [...base, index, field], p);
  return { base, deltas: deltas.filter((d) => !refused.has(d.index)) };
}
