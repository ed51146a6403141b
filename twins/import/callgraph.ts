/**
 * Call-graph JSON importer:
 *   { "name"?: string,
 *     "services": [ { "id", "rate"?: req/s observed, "profile"?: rate profile CSV of an entry,
 *                     ...any node field (kind, replicas, servers, service, ...) } ],
 *     "calls":    [ { "from", "to", "perRequest"?: mean calls per request of `from`, "rate"?: calls/s,
 *                     "mode"?: "sync"|"async", "optional"?, "group"?, "timeout"?, "retries"? } ] }
 * A call gives `perRequest`, or `rate` (converted with the caller's rate: its
 * own `rate`, else the sum of the call rates into it). Entries are the
 * services no call reaches, at their `rate` or driven by a rate profile
 * (`profile`, or the `profiles` option: --profile ENTRY=FILE.csv). Nodes without a `service` get
 * `defaults.service` (a placeholder the report names). Format: docs/twin-spec.md.
 */
import type { SchemaObject } from 'ajv';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { Problems, TwinSpecError, type Locator } from '../definition/errors.js';
import type { RateProfile } from '../definition/normalize.js';
import { readRateProfile } from '../definition/profile.js';
import type { CallEdgeInput, NodeFields, NodeInput, RetriesInput, TwinInput } from '../definition/input.js';
import { directedCycles, syncCycleMessage } from '../definition/graph.js';
import { readSpecText, twinFromObject, validateDocument } from '../definition/load.js';
import { idSchema, nodeFieldProperties } from '../definition/schema.js';
import type { Twin } from '../definition/types.js';

export interface ServiceRecord extends NodeFields {
  id: string;
  /** Observed request rate of the service, requests/s. */
  rate?: number;
  /** Rate profile CSV (time,rate; docs/twin-spec.md) of an entry point, relative to the call-graph file: it drives the entry instead of `rate`. */
  profile?: string;
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
  /**
   * Rate profiles by entry (service id) -> CSV path (relative to the working
   * folder): `--profile ENTRY=FILE.csv`. Each replaces the entry's constant
   * rate, and a `profile` the JSON gives that entry.
   */
  readonly profiles?: ReadonlyMap<string, string>;
  /**
   * Folder of the twin file that will be written: profile paths are written
   * relative to it and must lie inside it (a twin reads its profiles from its
   * own folder). Absent: written as absolute paths.
   */
  readonly twinDir?: string;
}

/** A profile an imported entry takes: where it was asked for (for messages), the file, and the path the twin names. */
export interface ImportProfile {
  readonly entry: string;
  /** `services[3].profile` or `--profile ENTRY`. */
  readonly where: string;
  readonly file: string;
  readonly written: string;
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
      items: { type: 'object', properties: { id, rate: { type: 'number', exclusiveMinimum: 0 }, profile: { type: 'string', minLength: 1 }, ...nodeFieldProperties }, required: ['id'], additionalProperties: false },
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
export function callGraphTwinInput(data: unknown, source: string, opts: CallGraphOptions = {}, locate?: Locator): { input: TwinInput; notes: string[]; profiles: ImportProfile[] } {
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
  // Sync cycles are refused here, at the call that closes each (calls[i] and its line), as the twin loader
  // would refuse them: its edges[i] and no line would point at nothing in this file.
  const isSync = (c: CallRecord): boolean => (c.mode ?? 'sync') === 'sync';
  const targets = g.services.map((): number[] => []);
  for (const c of g.calls) if (isSync(c)) targets[index.get(c.from)!]!.push(index.get(c.to)!);
  for (const cyc of directedCycles(targets)) {
    const ids = cyc.map((k) => g.services[k]!.id);
    const closing = g.calls.findIndex((c) => isSync(c) && c.from === ids[ids.length - 1] && c.to === ids[0]);
    p.at(['calls', closing], syncCycleMessage(ids));
  }

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
  const profiles = entryProfiles(g, roots.map(({ s }) => s.id), source, opts, p, notes);
  for (const { s, i } of roots) if (s.rate === undefined && !profiles.has(s.id)) p.at(['services', i, 'rate'], 'required for a service no call reaches (it is an entry point), unless it takes a rate profile (`profile`, or --profile ENTRY=FILE.csv)');
  p.throwIfAny(source);

  const defaults = opts.defaults ?? CALLGRAPH_DEFAULTS;
  const placeholders = g.services.filter((s) => s.service === undefined).map((s) => s.id);
  if (placeholders.length > 0 && defaults.service) notes.push(`${placeholders.length} service(s) have no service-time distribution and use the default ${JSON.stringify(defaults.service)}: ${placeholders.join(', ')}`);
  const nodes: NodeInput[] = g.services.map(({ rate: _rate, profile: _profile, ...fields }) => fields);
  return {
    input: {
      name: g.name ?? opts.name ?? 'callgraph',
      description: g.description ?? `Imported call graph (${source})`,
      defaults,
      nodes,
      edges,
      entries: roots.map(({ s }) => {
        const prof = profiles.get(s.id);
        return prof ? { id: s.id, node: s.id, profile: prof.written } : { id: s.id, node: s.id, rate: s.rate! };
      }),
    },
    notes,
    profiles: [...profiles.values()],
  };
}

/**
 * The profile of each entry that takes one: `services[i].profile` (relative
 * to the call-graph file), overridden by --profile (relative to the working
 * folder). Only an entry point can take one; the path written into the twin
 * is relative to the twin's folder and must stay inside it.
 */
function entryProfiles(g: CallGraphJson, entries: readonly string[], source: string, opts: CallGraphOptions, p: Problems, notes: string[]): Map<string, ImportProfile> {
  const out = new Map<string, ImportProfile>();
  const written = (file: string): string | null => {
    if (opts.twinDir === undefined) return file;
    const rel = relative(resolve(opts.twinDir), file);
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? null : rel.split(sep).join('/');
  };
  const add = (entry: string, where: string, file: string, report: (message: string) => void): void => {
    const w = written(file);
    if (w === null) report(`${JSON.stringify(file)} is outside the folder of the twin to be written (${resolve(opts.twinDir!)}); a twin reads its profiles from its own folder: put the CSV there`);
    else out.set(entry, { entry, where, file, written: w });
  };
  const base = dirname(resolve(source));
  g.services.forEach((s, i) => {
    if (s.profile === undefined) return;
    if (!entries.includes(s.id)) p.at(['services', i, 'profile'], `only an entry point (a service no call reaches) takes a rate profile; ${JSON.stringify(s.id)} is called by another service (entries: ${entries.join(', ')})`);
    else add(s.id, `services[${i}].profile`, resolve(base, s.profile), (m) => p.at(['services', i, 'profile'], m));
  });
  for (const [entry, file] of opts.profiles ?? []) {
    const at = `--profile ${entry}`;
    if (!entries.includes(entry)) {
      const known = g.services.some((s) => s.id === entry);
      p.raw(at, `${known ? `${JSON.stringify(entry)} is called by another service, not an entry point` : `no service ${JSON.stringify(entry)}`}; the entries are: ${entries.join(', ')}`);
      continue;
    }
    if (out.has(entry)) notes.push(`entry ${entry}: --profile ${file} replaces the profile the call graph gives it`);
    add(entry, at, resolve(file), (m) => p.raw(at, m));
  }
  return out;
}

/** Reads the profiles the entries take; every bad file is reported where it was asked for, with its line. */
export async function readImportProfiles(list: readonly ImportProfile[], source: string): Promise<Map<string, RateProfile>> {
  const out = new Map<string, RateProfile>();
  const p = new Problems();
  for (const prof of list) {
    try {
      out.set(prof.written, await readRateProfile(prof.file));
    } catch (err) {
      if (!(err instanceof TwinSpecError)) throw err;
      for (const q of err.problems) p.raw(prof.where, `${err.file}: ${q.path}: ${q.message}`);
    }
  }
  p.throwIfAny(source);
  return out;
}

/** Reads a call-graph JSON file and returns the validated twin. */
export async function importCallGraphFile(file: string, opts: CallGraphOptions = {}): Promise<{ twin: Twin; input: TwinInput }> {
  const { data, locate } = await readSpecText(file);
  const { input, notes, profiles } = callGraphTwinInput(data, file, opts, locate);
  return { twin: twinFromObject(input, { source: file, warnings: notes, profiles: await readImportProfiles(profiles, file) }), input };
}
