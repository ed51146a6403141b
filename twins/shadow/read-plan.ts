/**
 * Reading plan.json (format SHADOW_PLAN_FORMAT, docs/shadow.md): schema, then
 * the plan's own consistency (an emulator exactly for duplicated nodes, calls
 * and traffic only to nodes that run), then, given the twin, that every node
 * it names exists and that it was planned from this twin. Every problem names
 * its path and line (TwinSpecError), so the materialisers start nothing from
 * a plan they would misread.
 */
import type { SchemaObject } from 'ajv';
import { distributionFromSpec } from '../../engine/index.js';
import { Problems } from '../definition/errors.js';
import { parseTwinText, validateDocument } from '../definition/load.js';
import { distributionSchema } from '../definition/schema.js';
import type { Twin } from '../definition/types.js';
import { SHADOW_PLAN_FORMAT, type ShadowPlan } from './plan-types.js';
import { twinContentHash } from '../definition/content-hash.js';

const nonNeg = { type: 'number', minimum: 0 };
const pos = { type: 'number', exclusiveMinimum: 0 };
const nonNegInt = { type: 'integer', minimum: 0 };
const posInt = { type: 'integer', minimum: 1 };
const prob = { type: 'number', minimum: 0, maximum: 1 };
const str = { type: 'string', minLength: 1 };
const strings = { type: 'array', items: { type: 'string' } };
const nullable = (s: object, description: string) => ({ anyOf: [{ type: 'null' }, s], description: `null or ${description}` });
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object', properties, required: Object.keys(properties), additionalProperties: false, ...extra,
});

const retries = obj({ max: nonNegInt, backoff: nonNeg, jitter: prob });
const call = obj({
  to: str, mode: { enum: ['sync', 'async'] }, meanCalls: nonNeg, count: { enum: ['rounded', 'poisson'] }, fanout: { enum: ['sequential', 'parallel'] },
  optional: { type: 'boolean' }, timeout: nullable(pos, 'seconds > 0'), retries: nullable(retries, 'a retry policy {max, backoff, jitter}'),
});
const emulator = obj({
  replicas: posInt, workersPerReplica: posInt, queuePerReplica: nullable(nonNegInt, 'an integer >= 0'), service: distributionSchema, delay: nonNeg,
  work: { enum: ['sleep', 'burn'] }, callGroups: { type: 'array', items: obj({ name: { type: 'string' }, calls: { type: 'array', items: call } }) },
  initial: obj({ busy: nonNegInt, queued: nonNegInt }), cores: nonNeg, memoryBytes: nonNeg,
});
const stub = obj({ latency: obj({ p50: nonNeg, p95: nonNeg, p99: nonNeg }), errorRate: prob });
const node = obj({
  id: str, action: { enum: ['duplicate', 'stub', 'omit'] }, reasons: strings,
  pFail: nullable(obj({ mean: prob, lo: prob, hi: prob }), '{mean, lo, hi}'),
  emulator: nullable(emulator, 'an emulator spec'), stub: nullable(stub, 'a stub spec {latency, errorRate}'),
});
const source = {
  description: 'a traffic source {kind: constant | profile (file) | forecast-path (series, path) | forecast-quantile (series, quantile)}',
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [
    obj({ kind: { const: 'constant' } }),
    obj({ kind: { const: 'profile' }, file: { type: 'string' } }),
    obj({ kind: { const: 'forecast-path' }, series: str, path: nonNegInt }),
    obj({ kind: { const: 'forecast-quantile' }, series: str, quantile: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } }),
  ],
};
const traffic = obj({ entry: str, node: str, source, step: pos, rates: { type: 'array', minItems: 1, items: nonNeg }, process: { enum: ['poisson', 'deterministic'] } });

export const planSchema: SchemaObject = obj({
  format: { const: SHADOW_PLAN_FORMAT },
  createdAt: { type: 'string' },
  target: { enum: ['local', 'kubernetes'] },
  // allowOutsidePaths: the planner was allowed to read the twin's files outside its folder (--allow-outside-paths), so later loads are too.
  twin: obj({ name: { type: 'string' }, source: { type: 'string' }, hash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'expected a hex SHA-256 (64 characters 0-9a-f)' }, allowOutsidePaths: { type: 'boolean' } }, { required: ['name', 'source', 'hash'] }),
  result: obj({ dir: { type: 'string' }, replications: posInt, horizon: pos, seed: { type: ['number', 'string'] } }),
  forecast: nullable({ type: 'string' }, 'the forecast folder'),
  fidelity: obj({ value: prob, threshold: prob, depth: nonNegInt, auto: nullable(obj({ reason: { type: 'string' } }), '{reason}') }),
  mode: { enum: ['reproduce', 'remediate'] },
  budget: obj({ processes: posInt, cores: pos, memoryBytes: pos }),
  dilation: obj({ k: { type: 'number', minimum: 1 }, reason: { type: 'string' } }),
  startAt: nonNeg,
  duration: pos,
  nodes: { type: 'array', items: node },
  traffic: { type: 'array', items: traffic },
  dropped: strings,
  trimmed: strings,
  warnings: strings,
  cost: obj({ processes: nonNegInt, cores: nonNeg, memoryBytes: nonNeg, shadowSeconds: nonNeg, requests: nonNeg }),
}) as SchemaObject;

/**
 * Parses and checks plan.json text. With `twin`: every node id, call target,
 * traffic node and dropped name must be a node of the twin, and the plan's
 * twin hash that of this twin. Throws TwinSpecError (source = `source`).
 */
export function readPlan(text: string, twin?: Twin, source = 'plan.json'): ShadowPlan {
  const { data, locate } = parseTwinText(text, source);
  const plan = validateDocument<ShadowPlan>(planSchema, data, source, locate);
  const p = new Problems(locate);
  const actions = new Map<string, string>();
  plan.nodes.forEach((n, i) => {
    if (actions.has(n.id)) p.at(['nodes', i, 'id'], `expected a unique node id, "${n.id}" is listed twice`);
    actions.set(n.id, n.action);
    if (twin && !twin.indexOf.has(n.id)) p.at(['nodes', i, 'id'], `unknown node "${n.id}" (twin ${twin.name} has: ${twin.nodes.map((x) => x.id).join(', ')})`);
    if ((n.action === 'duplicate') !== (n.emulator !== null)) p.at(['nodes', i, 'emulator'], n.action === 'duplicate' ? 'expected an emulator spec for a duplicated node' : `expected null for a node with action ${n.action}`);
    if ((n.action === 'stub') !== (n.stub !== null)) p.at(['nodes', i, 'stub'], n.action === 'stub' ? 'expected a stub spec for a stubbed node' : `expected null for a node with action ${n.action}`);
    if (n.emulator) {
      try {
        distributionFromSpec(n.emulator.service);
      } catch (e) {
        p.at(['nodes', i, 'emulator', 'service'], e instanceof RangeError ? `expected a valid distribution in seconds: ${e.message}` : String(e));
      }
      const capacity = n.emulator.replicas * n.emulator.workersPerReplica;
      if (n.emulator.initial.busy > capacity) p.at(['nodes', i, 'emulator', 'initial', 'busy'], `expected at most replicas × workers = ${capacity}, got ${n.emulator.initial.busy}`);
    }
  });
  const runs = (id: string) => actions.get(id) === 'duplicate' || actions.get(id) === 'stub';
  plan.nodes.forEach((n, i) => {
    n.emulator?.callGroups.forEach((g, gi) => g.calls.forEach((c, ci) => {
      if (!actions.has(c.to)) p.at(['nodes', i, 'emulator', 'callGroups', gi, 'calls', ci, 'to'], `unknown node "${c.to}" (not in the plan's nodes)`);
      else if (!runs(c.to)) p.at(['nodes', i, 'emulator', 'callGroups', gi, 'calls', ci, 'to'], `expected a duplicated or stubbed node, "${c.to}" is ${actions.get(c.to)}`);
    }));
  });
  plan.traffic.forEach((t, i) => {
    if (!actions.has(t.node)) p.at(['traffic', i, 'node'], `unknown node "${t.node}" (not in the plan's nodes)`);
    else if (!runs(t.node)) p.at(['traffic', i, 'node'], `expected a duplicated or stubbed node, "${t.node}" is ${actions.get(t.node)}`);
    if (twin && !twin.entries.some((e) => e.id === t.entry)) p.at(['traffic', i, 'entry'], `unknown entry "${t.entry}" (twin ${twin.name} has: ${twin.entries.map((e) => e.id).join(', ')})`);
  });
  for (const key of ['dropped', 'trimmed'] as const) {
    plan[key].forEach((id, i) => {
      if (!actions.has(id) && !(twin?.indexOf.has(id) ?? false)) p.at([key, i], `unknown node "${id}"`);
    });
  }
  if (twin && p.size === 0) {
    const hash = twinContentHash(twin);
    if (plan.twin.hash !== hash) p.at(['twin', 'hash'], `the plan was made from another twin (hash ${plan.twin.hash.slice(0, 12)}…, twin ${twin.name} has ${hash.slice(0, 12)}…)`);
  }
  p.throwIfAny(source);
  return plan;
}
