/**
 * The flags `forecast` and `backtest` share (telemetry in, a model, a horizon),
 * their parsers, and the telemetry reading both do.
 */
import { expandTelemetryPaths } from '../calibrate/telemetry.js';
import { LOCAL_FORECASTERS, type LocalModelName } from '../../models/forecasters/registry.js';
import type { ModelName } from '../../models/forecasters/types.js';
import { horizonSteps, parseHorizon, type HorizonSpec } from '../../models/horizon.js';
import type { Series } from '../../models/telemetry/series.js';
import { BOUNDS_EXPECTED, boundsFromText, type Bounds } from '../../models/telemetry/bounds.js';
import { didYouMean } from '../../engine/did-you-mean.js';
import { LIMITS, overLimit } from '../../engine/limits.js';
import { LAYOUTS, readTelemetry, type TelemetryLayout } from '../../models/telemetry/read.js';
import { flagTable } from '../flags.js';

/** A model name, or auto, among `allowed`. */
export function modelParser<M extends ModelName>(allowed: readonly M[], refused?: { readonly name: ModelName; readonly why: string }): (raw: string) => M | 'auto' {
  return (raw) => {
    if (raw === 'auto' || (allowed as readonly string[]).includes(raw)) return raw as M | 'auto';
    if (refused && raw === refused.name) throw new Error(refused.why);
    throw new Error(`expected auto or one of ${allowed.join(', ')}, got '${raw}'`);
  };
}

function parseCandidates(raw: string): LocalModelName[] {
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new Error('expected at least one model');
  for (const n of names) if (!Object.hasOwn(LOCAL_FORECASTERS, n)) throw new Error(`expected names from ${Object.keys(LOCAL_FORECASTERS).join(', ')}, got '${n}'`);
  return names as LocalModelName[];
}

function parseHorizonFlag(raw: string): HorizonSpec {
  try {
    return parseHorizon(raw);
  } catch {
    throw new Error(`expected a duration such as 30m, 2h, 1d, or a number of steps, got '${raw}'`);
  }
}

/** `node/metric=B`: the declared bounds of one series (nonnegative, signed or [0,LIMIT]; models/telemetry/bounds.ts). */
function parseBounds(raw: string): readonly [string, Bounds] {
  const i = raw.lastIndexOf('=');
  const b = i > 0 ? boundsFromText(raw.slice(i + 1)) : null;
  if (i < 0 || !/^[^/]+\/.+$/.test(raw.slice(0, i)) || b === null) throw new Error(`expected node/metric=B with B one of ${BOUNDS_EXPECTED}, got '${raw}'`);
  return [raw.slice(0, i), b];
}

/** A series `--bounds` declares twice: the problem, or null. */
export function declaredTwice(bounds: readonly (readonly [string, Bounds])[]): string | null {
  const seen = new Set<string>();
  for (const [name] of bounds) {
    if (seen.has(name)) return `--bounds: ${name} is declared twice`;
    seen.add(name);
  }
  return null;
}

export const TELEMETRY_FLAGS = flagTable({
  telemetry: {
    kind: 'list', value: 'PATH', required: true, positionals: true,
    help: 'telemetry file, or a folder (its .csv and .json files); repeat the flag or list several after it: long/wide CSV, NAB, Nezha per-pod CSV, Prometheus query_range JSON',
  },
  layout: { kind: 'choice', value: 'L', choices: LAYOUTS, absent: 'detected', help: 'force the layout' },
  bounds: { kind: 'list', value: 'N/M=B', parse: parseBounds, help: "range of node N metric M: nonnegative, signed or '[0,LIMIT]' (default: inferred from the metric's name)" },
  horizon: { kind: 'custom', value: 'H', required: true, parse: parseHorizonFlag, help: 'forecast horizon: 30m, 2h, 1d, ... or a number of steps' },
  candidates: { kind: 'custom', value: 'LIST', parse: parseCandidates, absent: 'snaive,ets (+mstl on daily+weekly series)', help: 'models auto chooses from, comma-separated' },
  period: { kind: 'positiveInt', value: 'STEPS', absent: 'detected', help: 'force the seasonal period' },
  'no-calibrate': { kind: 'boolean', help: "keep the model's own interval widths" },
  seed: { kind: 'nonNegativeInt', value: 'S', default: '1', help: 'random seed of the sample paths and of the LSTM; quantiles of the analytic models (ets, arima, mstl, snaive) do not depend on it' },
  workers: { kind: 'nonNegativeInt', value: 'N', absent: 'all cores; 0 = this thread', help: 'worker threads' },
});

/** Telemetry for a command: an all-empty series (an idle pod's latency) is skipped with a warning; any other problem stops the run. */
/** The series of the files named on the command line; a folder stands for its .csv and .json files, as in `calibrate`. */
export async function readCommandTelemetry(files: readonly string[], layout: TelemetryLayout | undefined, bounds?: ReadonlyMap<string, Bounds>): ReturnType<typeof readTelemetry> {
  return readTelemetry(await expandTelemetryPaths(files), { ...(layout ? { layout } : {}), ...(bounds ? { bounds } : {}), skipEmpty: true, onSkip: (e) => console.error(`warning: skipped ${e.message}`) });
}

/**
 * What a forecast of `series` over `horizon` with `paths` sample paths would
 * allocate, checked before any model runs (docs/limits.md): a problem naming
 * the flag and the limit, or null.
 */
export function forecastSizeProblem(series: readonly Series[], horizon: HorizonSpec, paths: number, workers: number | undefined): string | null {
  if (workers !== undefined && workers > LIMITS.workers) return overLimit('--workers', workers, LIMITS.workers);
  if (paths > LIMITS.paths) return overLimit('--paths', paths, LIMITS.paths);
  let cells = 0;
  for (const s of series) {
    const steps = horizonSteps(horizon, s.stepMs);
    if (steps > LIMITS.forecastSteps) return overLimit(`--horizon (steps of ${s.stepMs / 1000} s for ${s.node}/${s.metric})`, steps, LIMITS.forecastSteps);
    if (steps > s.values.length) return `--horizon: ${steps} steps of ${s.stepMs / 1000} s is longer than the ${s.values.length} points of history of ${s.node}/${s.metric} (${s.file}); shorten the horizon or give more history`;
    cells += steps * paths;
  }
  if (cells > LIMITS.forecastCells) return overLimit('forecast values (series x --paths x --horizon steps)', cells, LIMITS.forecastCells);
  return null;
}

/** `--limit` (or `flag`) names a series that was not read: the problem with a "did you mean", or null. */
export function unknownLimitProblem(series: readonly Series[], limits: readonly (readonly [string, unknown])[], flag = '--limit'): string | null {
  const names = series.map((s) => `${s.node}/${s.metric}`);
  for (const [name] of limits) {
    if (!names.includes(name)) return `${flag}: no series ${name} in the telemetry${didYouMean(name, names) || ` (it has: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''})`}`;
  }
  return null;
}
