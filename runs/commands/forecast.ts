/**
 * `shadowcast forecast`: telemetry files in, a forecast directory out
 * (forecast.json + paths.f32, read by `shadowcast simulate --forecast`; see
 * docs/formats.md), plus exhaustion.json for metrics with a limit.
 */
import { writeFileAtomically } from '../report/atomic-file.js';
import { checkOutputFolder } from '../report/atomic.js';
import { lstat, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { exhaustionReport } from '../../models/exhaustion.js';
import { forecastTelemetry, groupByStep } from '../../models/forecast-telemetry.js';
import type { TelemetryForecast, TelemetryForecastOptions } from '../../models/forecast-telemetry.js';
import { FORECAST_GROUPS_FILE, FORECAST_GROUPS_FORMAT, writeForecast } from '../../models/forecast-file.js';
import { resampleSeries } from '../../models/telemetry/resample.js';
import { boundsLabel } from '../../models/telemetry/bounds.js';
import type { Bounds } from '../../models/telemetry/bounds.js';
import { isIdentity } from '../../models/paths.js';
import { BACKEND_CHOICES } from '../../models/forecasters/tf-backend-names.js';
import { MODEL_NAMES } from '../../models/forecasters/types.js';
import { defineCommand, parseFlags, usageError, usageText } from '../flags.js';
import { formatDuration } from '../format.js';
import { horizonSteps } from '../../models/horizon.js';
import { LIMITS, overLimit } from '../../engine/limits.js';
import { createProgress } from '../progress.js';
import { declaredTwice, forecastSizeProblem, modelParser, readCommandTelemetry, TELEMETRY_FLAGS, unknownLimitProblem } from './telemetry-flags.js';

/** `node/metric=V`: the limit of one series. */
function parseLimit(raw: string): readonly [string, number] {
  const m = /^(.+\/.+)=(.+)$/.exec(raw);
  const v = m ? Number(m[2]) : Number.NaN;
  if (!m || !(v > 0) || !Number.isFinite(v)) throw new Error(`expected node/metric=positive number, got '${raw}'`);
  return [m[1]!, v];
}

/** A declared [0, LIMIT] that a --limit contradicts: the problem, or null. */
function boundsConflict(bounds: readonly (readonly [string, Bounds])[], limits: readonly (readonly [string, number])[]): string | null {
  for (const [name, b] of bounds) {
    const limit = limits.find(([n]) => n === name)?.[1];
    if (typeof b !== 'string' && limit !== undefined && limit !== b[1]) return `--bounds ${name}=${boundsLabel(b)} and --limit ${name}=${limit} disagree on the upper bound: give one`;
  }
  return null;
}

export const FORECAST = defineCommand({
  command: 'forecast',
  flags: {
    ...TELEMETRY_FLAGS,
    model: { kind: 'custom', value: 'M', parse: modelParser(MODEL_NAMES), default: 'auto', help: `model: auto|${MODEL_NAMES.join('|')}` },
    backend: { kind: 'choice', value: 'B', choices: BACKEND_CHOICES, default: 'auto', help: 'tfjs backend for lstm (auto: wasm where it loads, else cpu)' },
    epochs: { kind: 'positiveInt', default: '4', help: 'lstm training epochs' },
    paths: { kind: 'positiveInt', default: '100', help: 'sample paths per series' },
    limit: { kind: 'list', value: 'N/M=V', parse: parseLimit, help: 'limit of node N metric M (percentages get 100)' },
    resample: { kind: 'duration', value: 'STEP', absent: 'each step kept', help: 'put every series on this step first (bucket means, or interpolation flagged as filled); without it, series of different steps get one forecast folder per step' },
    out: { kind: 'path', value: 'DIR', required: true, help: 'output directory' },
  },
});

function stepFolder(stepMs: number): string {
  return `step-${stepMs / 1000}s`;
}

const STEP_FOLDER = /^step-[\d.]+s$/;

/** The files of a forecast written at the top of --out (one step); per step, FORECAST_GROUPS_FILE and step folders instead. */
const FORECAST_FILES = ['forecast.json', 'paths.f32', 'exhaustion.json'] as const;

/**
 * An earlier forecast's files in `out` that this one does not rewrite: one
 * forecast at the top (forecast.json, its paths, exhaustion.json) when this
 * one is per step, or the steps index and step folders (and steps no longer
 * present). Left there, a reader would take the old forecast for the new
 * one: `simulate --forecast DIR` reads a top-level forecast.json first.
 * Only the files a forecast writes are named; anything else stays, a folder
 * by one of those names too (it is not a forecast's file).
 */
async function staleOutputs(out: string, keep: ReadonlySet<string>): Promise<string[]> {
  const names = await readdir(out).catch(() => [] as string[]);
  const stale: string[] = [];
  const isForecastFolder = (name: string) => stat(join(out, name, 'forecast.json')).then((s) => s.isFile(), () => false);
  const isFile = (name: string) => lstat(join(out, name)).then((s) => !s.isDirectory(), () => false);
  for (const name of names) {
    if (keep.has(name)) continue;
    if (STEP_FOLDER.test(name) && await isForecastFolder(name)) stale.push(name);
    else if (name === FORECAST_GROUPS_FILE && await isFile(name)) stale.push(name);
  }
  if (!keep.has('forecast.json') && names.includes('forecast.json')) {
    const meta = await readFile(join(out, 'forecast.json'), 'utf8').then((t) => JSON.parse(t) as { pathsFile?: unknown }, () => null);
    const paths = typeof meta?.pathsFile === 'string' && /^[\w.-]+$/.test(meta.pathsFile) ? meta.pathsFile : 'paths.f32';
    for (const n of ['forecast.json', paths, 'exhaustion.json']) if (names.includes(n) && await isFile(n)) stale.push(n);
  }
  return stale;
}

async function removeStale(out: string, keep: ReadonlySet<string>): Promise<void> {
  const stale = await staleOutputs(out, keep);
  for (const name of stale) await rm(join(out, name), { recursive: true, force: true });
  if (stale.length) console.log(`forecast: removed the earlier forecast's ${stale.join(', ')} from ${out}`);
}

async function writeGroup(dir: string, result: TelemetryForecast, count: number, paths: number): Promise<void> {
  const exhaustion = exhaustionReport(result.bundle);
  const exhaustionText = JSON.stringify({ start: new Date(result.bundle.startMs).toISOString(), stepSeconds: result.bundle.stepMs / 1000, steps: result.bundle.steps, paths: result.bundle.paths, series: exhaustion }, null, 1) + '\n';
  // exhaustion.json goes in with the pair, before forecast.json: never one of an earlier forecast beside it.
  await writeForecast(dir, result.bundle, { files: { 'exhaustion.json': exhaustionText } });

  console.log(`forecast: ${count} series, ${result.bundle.steps} steps of ${result.bundle.stepMs / 1000} s from ${new Date(result.bundle.startMs).toISOString()}, ${paths} paths -> ${dir}`);
  if (result.lstm) console.log(`lstm: backend ${result.lstm.backend}, ${result.lstm.samples} windows, s/epoch ${result.lstm.secondsPerEpoch.map((s) => s.toFixed(2)).join(' ')}${result.lstm.note ? ` (${result.lstm.note})` : ''}`);
  for (const r of result.results) {
    const fallback = r.series.notes.filter((n) => /fallback|too short|constant|non-seasonal|not calibrated|warning|resampled/.test(n));
    console.log(`  ${r.series.node}/${r.series.metric}: ${r.series.model}${isIdentity(r.calibration) ? '' : ` (intervals x${r.calibration.c80.toFixed(2)} at 80 %, x${r.calibration.c95.toFixed(2)} at 95 %)`}${fallback.length ? ` — ${fallback.join('; ')}` : ''}`);
  }
  for (const e of exhaustion) {
    if (e.probability > 0) console.log(`  exhaustion ${e.node}/${e.metric}: P(reach ${e.limit}) = ${(100 * e.probability).toFixed(1)} % [${(100 * e.interval[0]).toFixed(1)}, ${(100 * e.interval[1]).toFixed(1)}]`);
  }
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(FORECAST, argv);
  if (!parsed) {
    console.log(usageText(FORECAST));
    return 0;
  }
  const values = parsed.values;
  const { model, paths, seed, workers, period, candidates, backend, epochs } = values;
  const horizon = values.horizon;
  const files = values.telemetry;

  const declared = boundsConflict(values.bounds, values.limit) ?? declaredTwice(values.bounds);
  if (declared) throw usageError(FORECAST, declared);
  // A flag another model would use is refused, not silently dropped.
  if (candidates && model !== 'auto') throw usageError(FORECAST, `--candidates lists the models auto chooses from: it needs --model auto, not ${model}`);
  const lstmOnly = ['epochs', 'backend'].filter((f) => parsed.given.has(f));
  if (lstmOnly.length && model !== 'lstm') throw usageError(FORECAST, `${lstmOnly.map((f) => `--${f}`).join(' and ')} ${lstmOnly.length > 1 ? 'set' : 'sets'} the LSTM's training: ${lstmOnly.length > 1 ? 'they need' : 'it needs'} --model lstm, not ${model}`);
  // Each of these is written, or removed as the earlier forecast's: a folder of the user's by that name is refused now.
  await checkOutputFolder(values.out, '--out', { files: [...FORECAST_FILES, FORECAST_GROUPS_FILE] });
  const read = await readCommandTelemetry(files, values.layout, new Map(values.bounds));
  const series = values.resample !== undefined ? read.map((s) => resampleSeries(s, Math.round(values.resample! * 1000))) : read;
  const problem = (epochs > LIMITS.epochs ? overLimit('--epochs', epochs, LIMITS.epochs) : null) ?? forecastSizeProblem(series, horizon, paths, workers) ?? unknownLimitProblem(series, values.limit) ?? unknownLimitProblem(series, values.bounds, '--bounds');
  if (problem) throw usageError(FORECAST, problem);
  const groups = groupByStep(series);
  const options: TelemetryForecastOptions = {
    horizon, model, paths, seed, limits: Object.fromEntries(values.limit), calibrate: !values['no-calibrate'],
    ...(period !== undefined ? { period } : {}), ...(candidates ? { candidates } : {}), lstm: { backend, epochs },
  };
  // One folder per step: the simulator reads one time axis, so series of different steps cannot share a forecast.
  const dirs = groups.length === 1 ? [values.out] : groups.map((g) => join(values.out, stepFolder(g.stepMs)));
  const results: TelemetryForecast[] = [];
  for (const g of groups) {
    // A horizon between two steps is rounded up: say so, or a 7m horizon on 5-minute data silently forecasts 10 minutes.
    if ('ms' in horizon && horizon.ms % g.stepMs !== 0) {
      const steps = horizonSteps(horizon, g.stepMs);
      console.log(`forecast: --horizon ${formatDuration(horizon.ms / 1000)} is not a whole number of ${formatDuration(g.stepMs / 1000)} steps: forecasting ${steps} steps (${formatDuration((steps * g.stepMs) / 1000)})`);
    }
    const bar = createProgress(groups.length === 1 ? 'forecast' : `forecast ${g.stepMs / 1000} s`, g.series.length);
    let result: TelemetryForecast;
    try {
      result = await forecastTelemetry(g.series, options, { ...(workers !== undefined ? { workers } : {}), onProgress: (d) => bar.update(d) });
    } finally {
      bar.stop();
    }
    results.push(result);
  }
  // Nothing is written before every forecast is made: a failed forecast leaves the earlier output whole.
  // Then the index goes first and comes back last, and the earlier forecast's files that this one does not
  // rewrite go before the new ones are written: a run stopped half way never leaves an index, or a top
  // forecast.json, beside a mix of the earlier forecast and this one (forecast.json of each folder is
  // removed before its new files go in and renamed in last, see writeForecast).
  await rm(join(values.out, FORECAST_GROUPS_FILE), { force: true });
  await removeStale(values.out, new Set(groups.length === 1 ? FORECAST_FILES : [FORECAST_GROUPS_FILE, ...dirs.map((d) => relative(values.out, d))]));
  for (const [k, g] of groups.entries()) await writeGroup(dirs[k]!, results[k]!, g.series.length, paths);
  if (groups.length > 1) {
    const index = { format: FORECAST_GROUPS_FORMAT, groups: groups.map((g, k) => ({ stepSeconds: g.stepMs / 1000, folder: stepFolder(g.stepMs), series: g.series.map((s) => `${s.node}/${s.metric}`) })) };
    await writeFileAtomically(join(values.out, FORECAST_GROUPS_FILE), JSON.stringify(index, null, 1) + '\n');
    console.log(`forecast: series at ${groups.length} different steps, one forecast folder each under ${values.out} (${dirs.map((d) => relative(values.out, d)).join(', ')}); --resample STEP gives one`);
  }
  return 0;
}
