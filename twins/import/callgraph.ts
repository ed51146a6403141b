/**
 * Call-graph JSON importer:
 *   { "name"?: string,
 *     "services": [ { "id", "rate"?: req/s observed, ...any node field (kind, replicas, servers, service, ...) } ],
 *     "calls":    [ { "from", "to", "perRequest"?: mean calls per request of `from`, "rate"?: calls/s,
 *                     "mode"?: "sync"|"async", "optional"?, "group"?, "timeout"?, "retries"? } ] }
 * A call gives `perRequest`, or `rate` (converted with the caller's rate: its
 * own `rate`, else the sum of the call rates into it). Entries are the
 * services no call reaches, at their `rate`. Nodes without a `service` get
 * `defaults.service` (a placeholder the report names). Format: docs/twin-spec.md.
 */
import type { SchemaObject } from 'ajv';
import { Problems, type Locator } from '../definition/errors.js';
import type { CallEdgeInput, NodeFields, NodeInput, RetriesInput, TwinInput } from '../definition/input.js';
import { readSpecText, twinFromObject, validateDocument } from '../definition/load.js';
import { idSchema, nodeFieldProperties } from '../definition/schema.js';
import type { Twin } from '../definition/types.js';

export interface ServiceRecord extends NodeFields {
  id: string;
  /** Observed request rate of the service, requests/s. */
  rate?: number;
}

export interface CallRecord {
  from: string;
  to: string;
  perRequest?: number;
  rate?: number;
  mode?: 'sync' | 'async';
  optional?: boolean;
  group?: string | number;
  timeout?: number | string;
  retries?: RetriesInput;
}

export interface CallGraphJson {
  name?: string;
  description?: string;
  services: ServiceRecord[];
  calls: CallRecord[];
}

export interface CallGraphOptions {
  /** Node fields every service gets unless it sets them (default: servers 8, service exponential 10 ms). */
  readonly defaults?: NodeFields;
  /** Twin name when the JSON has none. */
  readonly name?: string;
}

/** Placeholder defaults for services that carry no parameters. */
export const CALLGRAPH_DEFAULTS: NodeFields = { replicas: 1, servers: 8, service: { type: 'exponential', mean: 0.01 } };

const id = idSchema;
export const callGraphSchema: SchemaObject = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    services: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', properties: { id, rate: { type: 'number', exclusiveMinimum: 0 }, ...nodeFieldProperties }, required: ['id'], additionalProperties: false },
    },
    calls: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          from: id, to: id,
          perRequest: { type: 'number', minimum: 0 },
          rate: { type: 'number', minimum: 0 },
          mode: { enum: ['sync', 'async'] },
          optional: { type: 'boolean' },
          group: { type: ['string', 'integer'] },
          timeout: (nodeFieldProperties as { timeout: unknown }).timeout,
          retries: (nodeFieldProperties as { retries: unknown }).retries,
        },
        required: ['from', 'to'],
        oneOf: [{ required: ['perRequest'] }, { required: ['rate'] }],
        description: 'a call with either `perRequest` (mean calls per request of the caller) or `rate` (calls/s), not both',
        additionalProperties: false,
      },
    },
  },
  required: ['services', 'calls'],
  additionalProperties: false,
};

/** Converts a validated call graph into the twin file shape. Throws TwinSpecError naming `services[i]...` / `calls[i]...`. */
export function callGraphTwinInput(data: unknown, source: string, opts: CallGraphOptions = {}, locate?: Locator): { input: TwinInput; notes: string[] } {
  const g = validateDocument<CallGraphJson>(callGraphSchema, data, source, locate);
  const p = new Problems(locate);
  const notes: string[] = [];
  const index = new Map<string, number>();
  g.services.forEach((s, i) => {
    if (index.has(s.id)) p.at(['services', i, 'id'], `duplicate id ${JSON.stringify(s.id)} (first at services[${index.get(s.id)}])`);
    else index.set(s.id, i);
  });
  g.calls.forEach((c, i) => {
    if (!index.has(c.from)) p.at(['calls', i, 'from'], `unknown service ${JSON.stringify(c.from)}`);
    if (!index.has(c.to)) p.at(['calls', i, 'to'], `unknown service ${JSON.stringify(c.to)}`);
  });
  p.throwIfAny(source);

  // Rates: own rate, else the sum of call rates into the service. Iterative (a call chain
  // can be thousands deep) and cycle-safe: a service on a cycle without an own rate is unknown (null).
  const incoming = new Map<string, number[]>();
  g.calls.forEach((c, i) => {
    const list = incoming.get(c.to);
    if (list) list.push(i);
    else incoming.set(c.to, [i]);
  });
  const rates = new Map<string, number | null>();
  const rateOf = (start: string): number | null => {
    const visiting = new Set<string>();
    const stack: string[] = [start];
    while (stack.length > 0) {
      const sid = stack[stack.length - 1]!;
      if (rates.has(sid)) {
        stack.pop();
        continue;
      }
      const own = g.services[index.get(sid)!]!.rate;
      if (own !== undefined) {
        rates.set(sid, own);
        stack.pop();
        continue;
      }
      if (!visiting.has(sid)) {
        // First visit: resolve the callers of per-request calls first.
        visiting.add(sid);
        for (const i of incoming.get(sid) ?? []) {
          const c = g.calls[i]!;
          if (c.rate === undefined && c.perRequest !== undefined && !rates.has(c.from) && !visiting.has(c.from)) stack.push(c.from);
        }
        continue;
      }
      // Second visit: every caller is resolved, or on the current path (a cycle: unknown).
      let sum: number | null = 0;
      for (const i of incoming.get(sid) ?? []) {
        const c = g.calls[i]!;
        const callerRate = c.rate === undefined && c.perRequest !== undefined ? (rates.has(c.from) ? rates.get(c.from)! : null) : null;
        const r = c.rate ?? (c.perRequest !== undefined && callerRate !== null ? callerRate * c.perRequest : null);
        if (r === null) sum = null;
        else if (sum !== null) sum += r;
      }
      rates.set(sid, sum !== null && sum > 0 ? sum : null);
      visiting.delete(sid);
      stack.pop();
    }
    return rates.get(start) ?? null;
  };

  const edges: CallEdgeInput[] = g.calls.map((c, i) => {
    let mean = c.perRequest;
    if (mean === undefined) {
      const r = rateOf(c.from);
      if (r === null) p.at(['calls', i, 'rate'], `cannot convert calls/s to calls per request: the rate of ${JSON.stringify(c.from)} is unknown (give services[${index.get(c.from)}].rate)`);
      mean = r === null ? 0 : c.rate! / r;
    }
    const e: CallEdgeInput = { type: 'call', from: c.from, to: c.to, mean };
    if (c.mode !== undefined) e.mode = c.mode;
    if (c.optional !== undefined) e.optional = c.optional;
    if (c.group !== undefined) e.group = c.group;
    if (c.timeout !== undefined) e.timeout = c.timeout;
    if (c.retries !== undefined) e.retries = c.retries;
    return e;
  });

  const called = new Set(g.calls.map((c) => c.to));
  const roots = g.services.map((s, i) => ({ s, i })).filter(({ s }) => !called.has(s.id));
  if (roots.length === 0) p.at(['services'], 'no entry point: every service is called by another (a call graph needs a service nobody calls)');
  for (const { s, i } of roots) if (s.rate === undefined) p.at(['services', i, 'rate'], 'required for a service no call reaches (it is an entry point)');
  p.throwIfAny(source);

  const defaults = opts.defaults ?? CALLGRAPH_DEFAULTS;
  const placeholders = g.services.filter((s) => s.service === undefined).map((s) => s.id);
  if (placeholders.length > 0 && defaults.service) notes.push(`${placeholders.length} service(s) have no service-time distribution and use the default ${JSON.stringify(defaults.service)}: ${placeholders.join(', ')}`);
  const nodes: NodeInput[] = g.services.map(({ rate: _rate, ...fields }) => fields);
  return {
    input: {
      name: g.name ?? opts.name ?? 'callgraph',
      description: g.description ?? `Imported call graph (${source})`,
      defaults,
      nodes,
      edges,
      entries: roots.map(({ s }) => ({ id: s.id, node: s.id, rate: s.rate! })),
    },
    notes,
  };
}

/** Reads a call-graph JSON file and returns the validated twin. */
export async function importCallGraphFile(file: string, opts: CallGraphOptions = {}): Promise<{ twin: Twin; input: TwinInput }> {
  const { data, locate } = await readSpecText(file);
  const { input, notes } = callGraphTwinInput(data, file, opts, locate);
  return { twin: twinFromObject(input, { source: file, warnings: notes }), input };
}
