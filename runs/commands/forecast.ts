/**
 * `shadowcast forecast`: telemetry files in, a forecast directory out
 * (forecast.json + paths.f32, read by `shadowcast simulate --forecast`; see
 * docs/formats.md), plus exhaustion.json for metrics with a limit.
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exhaustionReport } from '../../models/exhaustion.js';
import { forecastTelemetry } from '../../models/forecast-telemetry.js';
import { writeForecast } from '../../models/forecast-file.js';
import { BACKENDS } from '../../models/forecasters/tf-backend.js';
import type { BackendName } from '../../models/forecasters/tf-backend.js';
import { LOCAL_FORECASTERS } from '../../models/forecasters/registry.js';
import type { LocalModelName } from '../../models/forecasters/registry.js';
import { MODEL_NAMES } from '../../models/forecasters/types.js';
import { parseHorizon } from '../../models/horizon.js';
import type { ModelChoice } from '../../models/pipeline.js';
import { LAYOUTS, readTelemetry } from '../../models/telemetry/read.js';
import type { TelemetryLayout } from '../../models/telemetry/read.js';
import { createProgress } from '../progress.js';

export const FORECAST_USAGE = `usage: shadowcast forecast --telemetry FILE... --horizon 2h --out DIR [options]

  --telemetry FILE   telemetry file (repeat or list several): long/wide CSV,
                     NAB, Nezha per-pod CSV, Prometheus query_range JSON
  --layout L         force the layout: ${LAYOUTS.join('|')} (default: detected)
  --horizon H        30m, 2h, 1d, ... or a number of steps
  --model M          auto|${MODEL_NAMES.join('|')} (default auto)
  --candidates LIST  models auto chooses from (default snaive,ets)
  --backend B        tfjs backend for lstm: ${BACKENDS.join('|')} (default cpu)
  --epochs N         lstm training epochs (default 4)
  --paths N          sample paths per series (default 100)
  --period STEPS     force the seasonal period (default: detected)
  --limit N/M=V      limit of node N metric M (repeatable; percentages get 100)
  --no-calibrate     keep the model's own interval widths
  --seed S           random seed (default 1)
  --workers N        worker threads (default: all cores; 0 = this thread)
  --out DIR          output directory`;

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${FORECAST_USAGE}`);
    this.name = 'UsageError';
  }
}

export function positiveInt(raw: string | undefined, flag: string, dflt: number, allowZero = false): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new UsageError(`${flag}: expected a ${allowZero ? 'non-negative' : 'positive'} whole number, got ${JSON.stringify(raw)}`);
  return n;
}

export function parseModel(raw: string | undefined): ModelChoice {
  const m = raw ?? 'auto';
  if (m !== 'auto' && !(MODEL_NAMES as readonly string[]).includes(m)) throw new UsageError(`--model: expected auto or one of ${MODEL_NAMES.join(', ')}, got ${JSON.stringify(m)}`);
  return m as ModelChoice;
}

export function parseCandidates(raw: string | undefined): LocalModelName[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!(n in LOCAL_FORECASTERS)) throw new UsageError(`--candidates: expected names from ${Object.keys(LOCAL_FORECASTERS).join(', ')}, got ${JSON.stringify(n)}`);
  if (names.length === 0) throw new UsageError('--candidates: expected at least one model');
  return names as LocalModelName[];
}

/** Telemetry for a command: an all-empty series (an idle pod's latency) is skipped with a warning; any other problem stops the run. */
export function readCommandTelemetry(files: readonly string[], layoutFlag: string | undefined): ReturnType<typeof readTelemetry> {
  const layout = parseLayout(layoutFlag);
  return readTelemetry([...files], { ...(layout ? { layout } : {}), skipEmpty: true, onSkip: (e) => console.error(`warning: skipped ${e.message}`) });
}

export function parseLayout(raw: string | undefined): TelemetryLayout | undefined {
  if (raw === undefined) return undefined;
  if (!(LAYOUTS as readonly string[]).includes(raw)) throw new UsageError(`--layout: expected one of ${LAYOUTS.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as TelemetryLayout;
}

function parseLimits(raw: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of raw) {
    const m = /^(.+\/.+)=(.+)$/.exec(r);
    const v = m ? Number(m[2]) : Number.NaN;
    if (!m || !(v > 0) || !Number.isFinite(v)) throw new UsageError(`--limit: expected node/metric=positive number, got ${JSON.stringify(r)}`);
    out[m[1]!] = v;
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      telemetry: { type: 'string', multiple: true }, layout: { type: 'string' }, horizon: { type: 'string' }, model: { type: 'string' },
      candidates: { type: 'string' }, backend: { type: 'string' }, epochs: { type: 'string' }, paths: { type: 'string' }, period: { type: 'string' },
      limit: { type: 'string', multiple: true }, 'no-calibrate': { type: 'boolean' }, seed: { type: 'string' }, workers: { type: 'string' },
      out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(FORECAST_USAGE);
    return 0;
  }
  // Files after --telemetry without repeating the flag arrive as positionals.
  const files = [...(values.telemetry ?? []), ...positionals];
  if (files.length === 0) throw new UsageError('--telemetry: expected at least one file');
  if (!values.horizon) throw new UsageError('--horizon: required');
  if (!values.out) throw new UsageError('--out: required');
  const model = parseModel(values.model);
  const backend = (values.backend ?? 'cpu') as BackendName;
  if (!BACKENDS.includes(backend)) throw new UsageError(`--backend: expected one of ${BACKENDS.join(', ')}, got ${JSON.stringify(values.backend)}`);
  const horizon = parseHorizon(values.horizon);
  const paths = positiveInt(values.paths, '--paths', 100);
  const seed = positiveInt(values.seed, '--seed', 1, true);
  const epochs = positiveInt(values.epochs, '--epochs', 4);
  const workers = values.workers === undefined ? undefined : positiveInt(values.workers, '--workers', 0, true);
  const period = values.period === undefined ? undefined : positiveInt(values.period, '--period', 1);
  const candidates = parseCandidates(values.candidates);

  const series = await readCommandTelemetry(files, values.layout);
  const bar = createProgress('forecast', series.length);
  let result;
  try {
    result = await forecastTelemetry(series, {
      horizon, model, paths, seed, limits: parseLimits(values.limit ?? []), calibrate: !values['no-calibrate'],
      ...(period !== undefined ? { period } : {}), ...(candidates ? { candidates } : {}), lstm: { backend, epochs },
    }, { ...(workers !== undefined ? { workers } : {}), onProgress: (d) => bar.update(d) });
  } finally {
    bar.stop();
  }
  await writeForecast(values.out, result.bundle);
  const exhaustion = exhaustionReport(result.bundle);
  const exFile = join(values.out, 'exhaustion.json');
  await writeFile(`${exFile}.${process.pid}.tmp`, JSON.stringify({ start: new Date(result.bundle.startMs).toISOString(), stepSeconds: result.bundle.stepMs / 1000, steps: result.bundle.steps, paths: result.bundle.paths, series: exhaustion }, null, 1) + '\n');
  await rename(`${exFile}.${process.pid}.tmp`, exFile);

  console.log(`forecast: ${series.length} series, ${result.bundle.steps} steps of ${result.bundle.stepMs / 1000} s from ${new Date(result.bundle.startMs).toISOString()}, ${paths} paths -> ${values.out}`);
  if (result.lstm) console.log(`lstm: backend ${result.lstm.backend}, ${result.lstm.samples} windows, s/epoch ${result.lstm.secondsPerEpoch.map((s) => s.toFixed(2)).join(' ')}`);
  for (const r of result.results) {
    const fallback = r.series.notes.filter((n) => /fallback|too short|constant|non-seasonal|not calibrated|warning/.test(n));
    console.log(`  ${r.series.node}/${r.series.metric}: ${r.series.model}${r.calibration !== 1 ? ` (intervals x${r.calibration.toFixed(2)})` : ''}${fallback.length ? ` — ${fallback.join('; ')}` : ''}`);
  }
  for (const e of exhaustion) {
    if (e.probability > 0) console.log(`  exhaustion ${e.node}/${e.metric}: P(reach ${e.limit}) = ${(100 * e.probability).toFixed(1)} % [${(100 * e.interval[0]).toFixed(1)}, ${(100 * e.interval[1]).toFixed(1)}]`);
  }
  return 0;
}
