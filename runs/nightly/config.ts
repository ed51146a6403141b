/**
 * nightly.yaml: what the nightly run reads, forecasts, simulates and keeps.
 * Validated like a twin file (twins/definition): YAML with line numbers,
 * unknown keys with "did you mean", then the rules the schema cannot say
 * (files that must exist, entries of the twin, series names), every problem
 * at once as a TwinSpecError (exit 3). Paths are relative to the config file.
 * Format: docs/nightly.md.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SchemaObject } from 'ajv';
import { LOCAL_FORECASTERS, type LocalModelName } from '../../models/forecasters/registry.js';
import { BOUNDS_EXPECTED, boundsFromValue, type Bounds } from '../../models/telemetry/bounds.js';
import { Problems, TwinSpecError, type PathSegments } from '../../twins/definition/errors.js';
import { checkFinite, readSpecText, loadTwinFile } from '../../twins/definition/load.js';
import type { Twin } from '../../twins/definition/types.js';
import { DURATION_PATTERN, parseDuration } from '../../twins/definition/units.js';
import { editDistance, validateWithSchema } from '../../twins/definition/validate.js';

export interface PrometheusQuery {
  /** The series name the result gets: `node/metric`. */
  readonly series: string;
  readonly query: string;
}

export type TelemetrySource =
  | { readonly kind: 'files'; readonly files: readonly string[] }
  | {
      readonly kind: 'prometheus';
      readonly url: string;
      /** Seconds of history asked for, ending now (or at the resumed run's end). */
      readonly range: number;
      /** query_range step, seconds. */
      readonly step: number;
      /** Seconds to wait for each answer. */
      readonly timeout: number;
      readonly queries: readonly PrometheusQuery[];
    };

export interface NightlyConfig {
  /** The config file (absolute). */
  readonly file: string;
  /** `file:line:column: ` of a key of the config, for problems found after reading it (a series the telemetry lacks). */
  readonly at: (path: PathSegments) => string;
  /** The twin file (absolute). */
  readonly twinFile: string;
  readonly twin: Twin;
  readonly telemetry: TelemetrySource;
  /** Declared bounds by `node/metric` (telemetry.bounds; models/telemetry/bounds.ts). */
  readonly bounds: ReadonlyMap<string, Bounds>;
  /** Entry id -> the telemetry series (`node/metric`) that drives it. */
  readonly entries: Readonly<Record<string, { readonly node: string; readonly metric: string }>>;
  readonly forecast: { readonly model: 'auto' | LocalModelName; readonly paths: number; readonly candidates: readonly LocalModelName[] | null };
  /** Seconds simulated, and forecast ahead. */
  readonly horizon: number;
  readonly simulation: {
    readonly replications: number; readonly window: number; readonly seed: number; readonly workers: number | null;
    /**
     * Sequential stopping (runs/montecarlo/stopping.ts): stop adding
     * replications once every node's P(fail) interval is clear of the risk
     * threshold (`whenClear`) or within ±`precision`; null (the default):
     * run every replication. Off by default because a nightly is run where
     * some node sits near the threshold, which keeps the run to the cap,
     * while each look costs a barrier (docs/nightly.md, "Cost").
     */
    readonly stopping: { readonly whenClear: boolean; readonly precision: number | null } | null;
  };
  readonly risk: { readonly threshold: number; readonly level: number };
  readonly mitigation: { readonly enabled: boolean; readonly replications: number; readonly horizon: number; readonly maxCandidates: number; readonly target: number };
  /** Run store file (absolute); null = the default location. */
  readonly store: string | null;
  /** Output folder (absolute); null = chosen by the command. */
  readonly out: string | null;
}

const duration = { anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', pattern: DURATION_PATTERN }], description: 'a duration such as "5m", "24h" or a number of seconds' };
const seriesName = { type: 'string', pattern: '^[^/\\s]+/[^/\\s]+$', description: 'expected a series as node/metric, e.g. "frontend/rate"' };
const models = ['auto', ...Object.keys(LOCAL_FORECASTERS)];

export const nightlySchema: SchemaObject = {
  type: 'object',
  properties: {
    twin: { type: 'string', minLength: 1 },
    telemetry: {
      type: 'object',
      properties: {
        files: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
        prometheus: {
          type: 'object',
          properties: {
            url: { type: 'string', pattern: '^https?://', description: 'expected an http:// or https:// URL' },
            range: duration,
            step: duration,
            timeout: duration,
            queries: {
              type: 'array', minItems: 1,
              items: { type: 'object', properties: { series: seriesName, query: { type: 'string', minLength: 1 } }, required: ['series', 'query'], additionalProperties: false },
            },
          },
          required: ['url', 'queries'],
          additionalProperties: false,
        },
        // Values checked in readNightlyConfig, which can say what a bound looks like.
        bounds: { type: 'object', propertyNames: seriesName },
      },
      additionalProperties: false,
    },
    entries: { type: 'object', additionalProperties: seriesName, minProperties: 1 },
    forecast: {
      type: 'object',
      properties: {
        horizon: duration,
        model: { enum: models },
        paths: { type: 'integer', minimum: 1 },
        candidates: { type: 'array', items: { enum: Object.keys(LOCAL_FORECASTERS) }, minItems: 1 },
      },
      required: ['horizon'],
      additionalProperties: false,
    },
    simulation: {
      type: 'object',
      properties: {
        replications: { type: 'integer', minimum: 1 },
        window: duration,
        seed: { type: 'integer' },
        workers: { type: 'integer', minimum: 0 },
        stopWhenClear: { type: 'boolean' },
        precision: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      },
      additionalProperties: false,
    },
    risk: {
      type: 'object',
      properties: { threshold: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, level: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } },
      additionalProperties: false,
    },
    mitigation: {
      type: 'object',
      properties: {
        enabled: { type: 'boolean' },
        replications: { type: 'integer', minimum: 1 },
        horizon: duration,
        maxCandidates: { type: 'integer', minimum: 1 },
        target: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      },
      additionalProperties: false,
    },
    store: { type: 'string', minLength: 1 },
    out: { type: 'string', minLength: 1 },
  },
  required: ['twin', 'telemetry', 'entries', 'forecast'],
  additionalProperties: false,
};

interface PromInput { url: string; range?: number | string; step?: number | string; timeout?: number | string; queries: PrometheusQuery[] }
interface ConfigInput {
  twin: string;
  telemetry: { files?: string[]; prometheus?: PromInput; bounds?: Record<string, unknown> };
  entries: Record<string, string>;
  forecast: { horizon: number | string; model?: string; paths?: number; candidates?: LocalModelName[] };
  simulation?: { replications?: number; window?: number | string; seed?: number; workers?: number; stopWhenClear?: boolean; precision?: number };
  risk?: { threshold?: number; level?: number };
  mitigation?: { enabled?: boolean; replications?: number; horizon?: number | string; maxCandidates?: number; target?: number };
  store?: string;
  out?: string;
}

const splitSeries = (s: string): { node: string; metric: string } => {
  const i = s.indexOf('/');
  return { node: s.slice(0, i), metric: s.slice(i + 1) };
};

function nearest(name: string, among: readonly string[]): string {
  const near = among.find((a) => editDistance(a.toLowerCase(), name.toLowerCase()) <= 2);
  return near ? ` (did you mean ${JSON.stringify(near)}?)` : among.length ? ` (the twin has: ${among.join(', ')})` : '';
}

/** Reads and validates a nightly config; throws TwinSpecError listing every problem with its line. */
/** The twin the config names, or null after adding its problem (missing file, invalid twin) to `p`. */
async function configTwin(base: string, name: string, p: Problems, allowOutsidePaths: boolean): Promise<{ file: string; twin: Twin | null }> {
  const twinFile = resolve(base, name);
  if (!existsSync(twinFile)) {
    p.at(['twin'], `file not found: ${twinFile}`);
    return { file: twinFile, twin: null };
  }
  try {
    return { file: twinFile, twin: await loadTwinFile(twinFile, { allowOutsidePaths }) };
  } catch (e) {
    if (!(e instanceof TwinSpecError)) throw e;
    p.at(['twin'], `${twinFile} is not a valid twin:\n${e.message}`);
    return { file: twinFile, twin: null };
  }
}

/** Telemetry files that are not there, each at its place in the list. */
function missingTelemetryFiles(base: string, files: readonly string[], p: Problems): string[] {
  const paths = files.map((f) => resolve(base, f));
  paths.forEach((f, i) => { if (!existsSync(f)) p.at(['telemetry', 'files', i], `file not found: ${f}`); });
  return paths;
}

/** Entry ids the twin does not have, with the closest one. */
function unknownEntries(twin: Twin, ids: readonly string[], p: Problems): void {
  for (const id of ids) if (!twin.entries.some((e) => e.id === id)) p.at(['entries', id], `unknown entry ${JSON.stringify(id)} of twin ${twin.name}${nearest(id, twin.entries.map((e) => e.id))}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * With shape problems, the parts that are well formed are still checked
 * (the twin and telemetry files there, the entries known to the twin), so
 * that one run names every problem, not the shape's first and the rest after.
 */
async function shapeAndMore(data: unknown, base: string, p: Problems, allowOutsidePaths: boolean): Promise<void> {
  if (!isRecord(data)) return;
  const twin = typeof data.twin === 'string' && data.twin !== '' ? (await configTwin(base, data.twin, p, allowOutsidePaths)).twin : null;
  const files = isRecord(data.telemetry) ? data.telemetry.files : undefined;
  if (Array.isArray(files) && files.every((f) => typeof f === 'string')) missingTelemetryFiles(base, files as string[], p);
  if (twin && isRecord(data.entries)) unknownEntries(twin, Object.keys(data.entries), p);
}

export async function readNightlyConfig(file: string, options: { readonly allowOutsidePaths?: boolean } = {}): Promise<NightlyConfig> {
  const path = resolve(file);
  const { data, locate } = await readSpecText(path);
  const base = dirname(path);
  const shape = new Problems(locate);
  checkFinite(data, [], shape);
  if (shape.size === 0) validateWithSchema(nightlySchema, data, shape);
  if (shape.size > 0) {
    await shapeAndMore(data, base, shape, options.allowOutsidePaths ?? false);
    shape.list.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
    shape.throwIfAny(path);
  }
  const input = data as ConfigInput;
  const p = new Problems(locate);
  const sec = (v: number | string | undefined, at: PathSegments, fallback: number): number => {
    if (v === undefined) return fallback;
    const s = parseDuration(v);
    if (!(s > 0)) p.at(at, `expected a positive duration, got ${JSON.stringify(v)}`);
    return s;
  };

  const { file: twinFile, twin } = await configTwin(base, input.twin, p, options.allowOutsidePaths ?? false);

  const t = input.telemetry;
  let telemetry: TelemetrySource | null = null;
  if ((t.files === undefined) === (t.prometheus === undefined)) {
    p.at(['telemetry'], 'expected exactly one of `files` (telemetry files) or `prometheus` (a server to query)');
  } else if (t.files) {
    telemetry = { kind: 'files', files: missingTelemetryFiles(base, t.files, p) };
  } else {
    const q = t.prometheus!;
    const at = (k: string): PathSegments => ['telemetry', 'prometheus', k];
    const seen = new Set<string>();
    q.queries.forEach((x, i) => {
      if (seen.has(x.series)) p.at(['telemetry', 'prometheus', 'queries', i, 'series'], `series ${x.series} is named twice`);
      seen.add(x.series);
    });
    telemetry = { kind: 'prometheus', url: q.url.replace(/\/+$/, ''), range: sec(q.range, at('range'), 7 * 86400), step: sec(q.step, at('step'), 300), timeout: sec(q.timeout, at('timeout'), 30), queries: q.queries };
  }

  const bounds = new Map<string, Bounds>();
  for (const [series, v] of Object.entries(t.bounds ?? {})) {
    const b = boundsFromValue(v);
    if (b === null) p.at(['telemetry', 'bounds', series], `expected ${BOUNDS_EXPECTED}, got ${JSON.stringify(v)}`);
    else bounds.set(series, b);
    if (telemetry?.kind === 'prometheus' && !telemetry.queries.some((q) => q.series === series)) {
      p.at(['telemetry', 'bounds', series], `series ${series} is not one of the Prometheus queries (${telemetry.queries.map((q) => q.series).join(', ')})`);
    }
  }

  const entries: Record<string, { node: string; metric: string }> = {};
  if (twin) unknownEntries(twin, Object.keys(input.entries), p);
  for (const [id, series] of Object.entries(input.entries)) {
    if (telemetry?.kind === 'prometheus' && !telemetry.queries.some((q) => q.series === series)) {
      p.at(['entries', id], `series ${series} is not one of the Prometheus queries (${telemetry.queries.map((q) => q.series).join(', ')})`);
    }
    entries[id] = splitSeries(series);
  }

  const horizon = sec(input.forecast.horizon, ['forecast', 'horizon'], 86400);
  const sim = input.simulation ?? {};
  const window = sec(sim.window, ['simulation', 'window'], 300);
  if (window > horizon) p.at(['simulation', 'window'], `expected at most the horizon (${horizon} s), got ${window} s`);
  const mit = input.mitigation ?? {};
  const mitHorizon = sec(mit.horizon, ['mitigation', 'horizon'], horizon);
  if (mitHorizon > horizon) p.at(['mitigation', 'horizon'], `expected at most the forecast horizon (${horizon} s), got ${mitHorizon} s`);
  p.throwIfAny(path);

  const replications = sim.replications ?? 200;
  const at = (segments: PathSegments): string => {
    const pos = locate?.(segments);
    return `${path}${pos ? `:${pos.line}:${pos.column}` : ''}: `;
  };
  return {
    file: path, at, twinFile, twin: twin!, telemetry: telemetry!, bounds, entries,
    forecast: { model: (input.forecast.model ?? 'auto') as 'auto' | LocalModelName, paths: input.forecast.paths ?? 100, candidates: input.forecast.candidates ?? null },
    horizon,
    simulation: {
      replications, window, seed: sim.seed ?? 1, workers: sim.workers ?? null,
      stopping: sim.stopWhenClear || sim.precision !== undefined ? { whenClear: sim.stopWhenClear ?? false, precision: sim.precision ?? null } : null,
    },
    risk: { threshold: input.risk?.threshold ?? 0.05, level: input.risk?.level ?? 0.95 },
    mitigation: { enabled: mit.enabled ?? true, replications: mit.replications ?? replications, horizon: mitHorizon, maxCandidates: mit.maxCandidates ?? 4, target: mit.target ?? input.risk?.threshold ?? 0.05 },
    store: input.store !== undefined ? resolve(base, input.store) : null,
    out: input.out !== undefined ? resolve(base, input.out) : null,
  };
}
