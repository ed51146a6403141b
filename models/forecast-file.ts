/**
 * On-disk layout of a forecast (documented in docs/formats.md):
 *   DIR/forecast.json  metadata + quantiles (human readable, diffable)
 *   DIR/paths.f32      all sample paths, little-endian float32,
 *                      series-major, then path, then step
 * Both are written to temp files and renamed; the old forecast.json is removed
 * before the new paths go in and the new one is renamed in last, so a
 * forecast.json is always beside its own paths (a write stopped half way
 * leaves no forecast.json, never the old one over the new paths).
 */
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ForecastBundle, ForecastSeries } from './forecast.js';
import { REQUIRED_QUANTILES } from './forecast.js';
import { LIMITS } from '../engine/limits.js';
import { removeDeadTemps } from '../engine/temp-files.js';
import { parseCalendarTime } from './telemetry/calendar-time.js';
import { parseDecimal } from './telemetry/decimal.js';
import { BOUNDS_EXPECTED, boundsFromValue } from './telemetry/bounds.js';
import { unknownKey } from '../engine/did-you-mean.js';
import { inputFileProblem, readInputText } from './telemetry/input-file.js';
import { jsonErrorOffset } from './telemetry/json-position.js';

export const FORECAST_FORMAT = 'shadowcast-forecast/1';
/** A forecast folder holding one sub-folder per step (series recorded at different steps) indexes them here. */
export const FORECAST_GROUPS_FILE = 'forecast-groups.json';
export const FORECAST_GROUPS_FORMAT = 'shadowcast-forecast-groups/1';

interface SeriesJson {
  node: string;
  metric: string;
  model: string;
  limit?: number;
  /** Seasonal periods in steps (e.g. [288, 2016] for daily and weekly at 5 minutes). */
  periods?: number[];
  /** "nonnegative", "signed" or [0, LIMIT]: the range the forecast was kept in. */
  bounds?: string | number[];
  notes: string[];
  quantiles: Record<string, number[]>;
}

interface ForecastJson {
  format: string;
  start: string;
  stepSeconds: number;
  steps: number;
  paths: number;
  seed: number;
  pathsFile: string;
  pathsLayout: string;
  series: SeriesJson[];
}

export class ForecastFormatError extends Error {
  constructor(file: string, field: string, expected: string) {
    super(`${file}: ${field}: expected ${expected}`);
    this.name = 'ForecastFormatError';
  }
}

export interface WriteForecastOptions {
  /** Files written with the forecast (name -> text), e.g. exhaustion.json: complete and of this forecast whenever forecast.json is there. */
  readonly files?: Readonly<Record<string, string>>;
  /** Called after everything but forecast.json is in place (tests stop a write there). */
  readonly beforeMeta?: () => Promise<void>;
}

export async function writeForecast(dir: string, bundle: ForecastBundle, options: WriteForecastOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const meta: ForecastJson = {
    format: FORECAST_FORMAT,
    start: new Date(bundle.startMs).toISOString(),
    stepSeconds: bundle.stepMs / 1000,
    steps: bundle.steps,
    paths: bundle.paths,
    seed: bundle.seed,
    pathsFile: 'paths.f32',
    pathsLayout: 'float32 little-endian [series][path][step]',
    series: bundle.series.map((s) => {
      const q: Record<string, number[]> = {};
      for (const [level, values] of [...s.quantiles].sort((a, b) => a[0] - b[0])) q[String(level)] = Array.from(values);
      const out: SeriesJson = { node: s.node, metric: s.metric, model: s.model, notes: [...s.notes], quantiles: q };
      if (s.limit !== undefined) out.limit = s.limit;
      if (s.periods !== undefined) out.periods = [...s.periods];
      if (s.bounds !== undefined) out.bounds = typeof s.bounds === 'string' ? s.bounds : [...s.bounds];
      return out;
    }),
  };
  const per = bundle.paths * bundle.steps;
  const buf = Buffer.alloc(bundle.series.length * per * 4);
  bundle.series.forEach((s, k) => {
    if (s.paths.length !== per) throw new RangeError(`series ${s.node}/${s.metric}: paths has ${s.paths.length} values, expected ${per}`);
    for (let i = 0; i < per; i++) buf.writeFloatLE(s.paths[i]!, (k * per + i) * 4);
  });
  const pathsTmp = join(dir, `paths.f32.${process.pid}.tmp`);
  const metaTmp = join(dir, `forecast.json.${process.pid}.tmp`);
  const extra = Object.entries(options.files ?? {}).map(([name, body]) => ({ name, body, temp: join(dir, `${name}.${process.pid}.tmp`) }));
  const temps = [pathsTmp, metaTmp, ...extra.map((e) => e.temp)];
  // Temp files of a writer that was killed here earlier would stay forever: remove those whose process is gone.
  for (const name of ['paths.f32', 'forecast.json', ...extra.map((e) => e.name)]) await removeDeadTemps(dir, name);
  try {
    await writeFile(pathsTmp, buf);
    for (const e of extra) await writeFile(e.temp, e.body);
    await writeFile(metaTmp, JSON.stringify(meta, null, 1) + '\n');
    // forecast.json goes first and comes back last, so its presence means the
    // set (paths and the extra files) is complete and of one forecast: an
    // earlier forecast's forecast.json never stands beside the new paths.
    await rm(join(dir, 'forecast.json'), { force: true });
    for (const e of extra) await rm(join(dir, e.name), { force: true });
    await rename(pathsTmp, join(dir, 'paths.f32'));
    for (const e of extra) await rename(e.temp, join(dir, e.name));
    await options.beforeMeta?.();
    await rename(metaTmp, join(dir, 'forecast.json'));
  } catch (e) {
    for (const t of temps) await rm(t, { force: true });
    throw e;
  }
}

function need(cond: boolean, file: string, field: string, expected: string): asserts cond {
  if (!cond) throw new ForecastFormatError(file, field, expected);
}

/** The step folders a multi-step forecast folder lists, or undefined when it is not one. */
async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function stepFolders(dir: string): Promise<string[] | undefined> {
  try {
    const index = JSON.parse(await readFile(join(dir, FORECAST_GROUPS_FILE), 'utf8')) as { format?: unknown; groups?: Array<{ folder?: unknown }> };
    if (index.format !== FORECAST_GROUPS_FORMAT || !Array.isArray(index.groups)) return undefined;
    return index.groups.map((g) => String(g.folder));
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const META_KEYS = ['format', 'start', 'stepSeconds', 'steps', 'paths', 'seed', 'pathsFile', 'pathsLayout', 'series'];
const SERIES_KEYS = ['node', 'metric', 'model', 'limit', 'periods', 'bounds', 'notes', 'quantiles'];

/** Refuses a key the format does not have, naming it with a "did you mean" hint. */
function knownKeys(obj: object, allowed: readonly string[], file: string, field: string): void {
  const bad = unknownKey(obj, allowed);
  need(bad === null, file, field, `only the keys of ${FORECAST_FORMAT}: ${bad}`);
}

/** Reads a forecast directory (or the path of its forecast.json) and validates it; sizes are checked before the paths are read. */
export async function readForecast(dirOrFile: string): Promise<ForecastBundle> {
  const dir = dirOrFile.endsWith('.json') ? join(dirOrFile, '..') : dirOrFile;
  const file = join(dir, 'forecast.json');
  const groups = await stepFolders(dir);
  if (groups && !(await exists(file))) throw new ForecastFormatError(file, '(file)', `one forecast, but this folder holds forecasts at several steps: pass one of ${groups.map((g) => join(dir, g)).join(', ')}`);
  const text = await readInputText(file, (problem) => new ForecastFormatError(file, '(file)', `a readable forecast.json (${problem})`));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const at = jsonErrorOffset(text);
    throw new ForecastFormatError(file, '(file)', `valid JSON${at !== undefined ? ` (the error is at character ${at + 1})` : ''}`);
  }
  need(isObject(parsed), file, '(root)', 'a JSON object');
  knownKeys(parsed, META_KEYS, file, '(root)');
  const meta = parsed as unknown as ForecastJson;
  need(meta.format === FORECAST_FORMAT, file, 'format', `"${FORECAST_FORMAT}"`);
  const start = typeof meta.start === 'string' ? parseCalendarTime(meta.start) : null;
  need(start !== null && 'ms' in start, file, 'start', `an ISO-8601 timestamp${start && 'invalid' in start ? ` (${start.invalid})` : ''}`);
  const startMs = start.ms;
  need(typeof meta.stepSeconds === 'number' && Number.isFinite(meta.stepSeconds) && meta.stepSeconds > 0, file, 'stepSeconds', 'a positive number');
  need(Number.isInteger(meta.steps) && meta.steps > 0 && meta.steps <= LIMITS.forecastSteps, file, 'steps', `a positive integer up to ${LIMITS.forecastSteps} (docs/limits.md)`);
  need(Number.isInteger(meta.paths) && meta.paths > 0 && meta.paths <= LIMITS.paths, file, 'paths', `a positive integer up to ${LIMITS.paths} (docs/limits.md)`);
  need(meta.seed === undefined || Number.isSafeInteger(meta.seed), file, 'seed', 'a whole number');
  need(Array.isArray(meta.series) && meta.series.length > 0, file, 'series', 'a non-empty array');
  const per = meta.paths * meta.steps;
  const cells = meta.series.length * per;
  need(cells <= LIMITS.forecastCells, file, 'series x paths x steps', `at most ${LIMITS.forecastCells} values (docs/limits.md), got ${cells}`);
  need(meta.pathsFile === undefined || (typeof meta.pathsFile === 'string' && /^[\w.-]+$/.test(meta.pathsFile) && !meta.pathsFile.startsWith('.')), file, 'pathsFile', 'a file name inside the forecast folder, like "paths.f32"');
  const seen = new Set<string>();
  meta.series.forEach((s: unknown, k) => {
    const at = `series[${k}]`;
    need(isObject(s), file, at, 'an object');
    knownKeys(s, SERIES_KEYS, file, at);
    need(typeof s.node === 'string' && s.node.length > 0, file, `${at}.node`, 'a non-empty string');
    need(typeof s.metric === 'string' && s.metric.length > 0, file, `${at}.metric`, 'a non-empty string');
    const key = `${s.node}/${s.metric}`;
    need(!seen.has(key), file, at, `one series per node/metric (${key} is there twice)`);
    seen.add(key);
    need(s.quantiles === undefined || isObject(s.quantiles), file, `${at}.quantiles`, 'an object of level -> values');
    need(s.notes === undefined || (Array.isArray(s.notes) && s.notes.every((n) => typeof n === 'string')), file, `${at}.notes`, 'a list of strings');
    need(s.limit === undefined || (typeof s.limit === 'number' && s.limit > 0), file, `${at}.limit`, 'a positive number');
    need(s.bounds === undefined || boundsFromValue(s.bounds) !== null, file, `${at}.bounds`, BOUNDS_EXPECTED);
  });
  const pathsFile = join(dir, meta.pathsFile ?? 'paths.f32');
  const expectedBytes = cells * 4;
  const raw = Buffer.from(await readBinary(pathsFile, expectedBytes, file));
  need(raw.byteLength === expectedBytes, pathsFile, '(size)', `${expectedBytes} bytes (${meta.series.length} series x ${meta.paths} paths x ${meta.steps} steps x 4), got ${raw.byteLength}`);
  const all = new Float32Array(cells);
  for (let i = 0; i < all.length; i++) all[i] = raw.readFloatLE(i * 4);
  const series: ForecastSeries[] = meta.series.map((s, k) => {
    const at = `series[${k}]`;
    const quantiles = new Map<number, Float64Array>();
    for (const [level, values] of Object.entries(s.quantiles ?? {})) {
      const q = parseDecimal(level);
      need(q > 0 && q < 1, file, `${at}.quantiles.${level.slice(0, 40)}`, 'a level in (0, 1)');
      need(Array.isArray(values) && values.length === meta.steps && values.every(Number.isFinite), file, `${at}.quantiles.${level}`, `${meta.steps} finite numbers`);
      quantiles.set(q, Float64Array.from(values));
    }
    for (const q of REQUIRED_QUANTILES) need(quantiles.has(q), file, `${at}.quantiles`, `level ${q}`);
    const paths = all.subarray(k * per, (k + 1) * per);
    for (let i = 0; i < paths.length; i++) need(Number.isFinite(paths[i]!), pathsFile, `${at} value ${i}`, 'a finite number');
    if (s.periods !== undefined) need(Array.isArray(s.periods) && s.periods.every((p) => Number.isInteger(p) && p > 1), file, `${at}.periods`, 'a list of whole numbers of steps above 1');
    const out: ForecastSeries = {
      node: s.node, metric: s.metric, model: String(s.model ?? 'unknown'), quantiles, paths, notes: s.notes ?? [],
      ...(s.limit !== undefined ? { limit: s.limit } : {}), ...(s.periods !== undefined ? { periods: s.periods } : {}),
      ...(s.bounds !== undefined ? { bounds: boundsFromValue(s.bounds)! } : {}),
    };
    return out;
  });
  return { startMs, stepMs: meta.stepSeconds * 1000, steps: meta.steps, paths: meta.paths, seed: meta.seed ?? 0, series };
}

/** The paths file, refused when it is not a regular file or is larger than the metadata says it should be. */
async function readBinary(file: string, expectedBytes: number, namedBy: string): Promise<Buffer> {
  const problem = await inputFileProblem(file, expectedBytes);
  if (problem !== null) throw new ForecastFormatError(namedBy, 'pathsFile', `a paths file of ${expectedBytes} bytes at ${file} (${problem})`);
  try {
    return await readFile(file);
  } catch (e) {
    throw new ForecastFormatError(file, '(file)', `a readable paths file (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}
