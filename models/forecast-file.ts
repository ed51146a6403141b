/**
 * On-disk layout of a forecast (documented in docs/formats.md):
 *   DIR/forecast.json  metadata + quantiles (human readable, diffable)
 *   DIR/paths.f32      all sample paths, little-endian float32,
 *                      series-major, then path, then step
 * Both are written to temp files and renamed, so a reader never sees half a forecast.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ForecastBundle, ForecastSeries } from './forecast.js';
import { REQUIRED_QUANTILES } from './forecast.js';

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

export async function writeForecast(dir: string, bundle: ForecastBundle): Promise<void> {
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
  await writeFile(pathsTmp, buf);
  await writeFile(metaTmp, JSON.stringify(meta, null, 1) + '\n');
  // Paths first: forecast.json's presence means the pair is complete.
  await rename(pathsTmp, join(dir, 'paths.f32'));
  await rename(metaTmp, join(dir, 'forecast.json'));
}

function need(cond: boolean, file: string, field: string, expected: string): asserts cond {
  if (!cond) throw new ForecastFormatError(file, field, expected);
}

/** Reads a forecast directory (or the path of its forecast.json) and validates it. */
/** The step folders a multi-step forecast folder lists, or undefined when it is not one. */
async function stepFolders(dir: string): Promise<string[] | undefined> {
  try {
    const index = JSON.parse(await readFile(join(dir, FORECAST_GROUPS_FILE), 'utf8')) as { format?: unknown; groups?: Array<{ folder?: unknown }> };
    if (index.format !== FORECAST_GROUPS_FORMAT || !Array.isArray(index.groups)) return undefined;
    return index.groups.map((g) => String(g.folder));
  } catch {
    return undefined;
  }
}

export async function readForecast(dirOrFile: string): Promise<ForecastBundle> {
  const dir = dirOrFile.endsWith('.json') ? join(dirOrFile, '..') : dirOrFile;
  const file = join(dir, 'forecast.json');
  let meta: ForecastJson;
  try {
    meta = JSON.parse(await readFile(file, 'utf8')) as ForecastJson;
  } catch (e) {
    const groups = await stepFolders(dir);
    if (groups) throw new ForecastFormatError(file, '(file)', `one forecast, but this folder holds forecasts at several steps: pass one of ${groups.map((g) => join(dir, g)).join(', ')}`);
    throw new ForecastFormatError(file, '(file)', `readable JSON (${(e as Error).message})`);
  }
  need(meta.format === FORECAST_FORMAT, file, 'format', `"${FORECAST_FORMAT}"`);
  const startMs = Date.parse(meta.start);
  need(Number.isFinite(startMs), file, 'start', 'an ISO-8601 timestamp');
  need(Number.isFinite(meta.stepSeconds) && meta.stepSeconds > 0, file, 'stepSeconds', 'a positive number');
  need(Number.isInteger(meta.steps) && meta.steps > 0, file, 'steps', 'a positive integer');
  need(Number.isInteger(meta.paths) && meta.paths > 0, file, 'paths', 'a positive integer');
  need(Array.isArray(meta.series) && meta.series.length > 0, file, 'series', 'a non-empty array');
  const pathsFile = join(dir, meta.pathsFile ?? 'paths.f32');
  const raw = await readFile(pathsFile);
  const per = meta.paths * meta.steps;
  need(raw.byteLength === meta.series.length * per * 4, pathsFile, '(size)', `${meta.series.length * per * 4} bytes (${meta.series.length} series x ${meta.paths} paths x ${meta.steps} steps x 4), got ${raw.byteLength}`);
  const all = new Float32Array(meta.series.length * per);
  for (let i = 0; i < all.length; i++) all[i] = raw.readFloatLE(i * 4);
  const series: ForecastSeries[] = meta.series.map((s, k) => {
    const at = `series[${k}]`;
    need(typeof s.node === 'string' && s.node.length > 0, file, `${at}.node`, 'a non-empty string');
    need(typeof s.metric === 'string' && s.metric.length > 0, file, `${at}.metric`, 'a non-empty string');
    const quantiles = new Map<number, Float64Array>();
    for (const [level, values] of Object.entries(s.quantiles ?? {})) {
      const q = Number(level);
      need(q > 0 && q < 1, file, `${at}.quantiles.${level}`, 'a level in (0, 1)');
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
    };
    return out;
  });
  return { startMs, stepMs: meta.stepSeconds * 1000, steps: meta.steps, paths: meta.paths, seed: meta.seed ?? 0, series };
}
