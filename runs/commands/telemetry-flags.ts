/**
 * The flags `forecast` and `backtest` share (telemetry in, a model, a horizon),
 * their parsers, and the telemetry reading both do.
 */
import { LOCAL_FORECASTERS, type LocalModelName } from '../../models/forecasters/registry.js';
import type { ModelName } from '../../models/forecasters/types.js';
import { parseHorizon, type HorizonSpec } from '../../models/horizon.js';
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

export const TELEMETRY_FLAGS = flagTable({
  telemetry: {
    kind: 'list', value: 'FILE', required: true, positionals: true,
    help: 'telemetry file; repeat the flag or list several after it: long/wide CSV, NAB, Nezha per-pod CSV, Prometheus query_range JSON',
  },
  layout: { kind: 'choice', value: 'L', choices: LAYOUTS, absent: 'detected', help: 'force the layout' },
  horizon: { kind: 'custom', value: 'H', required: true, parse: parseHorizonFlag, help: 'forecast horizon: 30m, 2h, 1d, ... or a number of steps' },
  candidates: { kind: 'custom', value: 'LIST', parse: parseCandidates, absent: 'snaive,ets', help: 'models auto chooses from, comma-separated' },
  period: { kind: 'positiveInt', value: 'STEPS', absent: 'detected', help: 'force the seasonal period' },
  'no-calibrate': { kind: 'boolean', help: "keep the model's own interval widths" },
  seed: { kind: 'nonNegativeInt', value: 'S', default: '1', help: 'random seed' },
  workers: { kind: 'nonNegativeInt', value: 'N', absent: 'all cores; 0 = this thread', help: 'worker threads' },
});

/** Telemetry for a command: an all-empty series (an idle pod's latency) is skipped with a warning; any other problem stops the run. */
export function readCommandTelemetry(files: readonly string[], layout: TelemetryLayout | undefined): ReturnType<typeof readTelemetry> {
  return readTelemetry([...files], { ...(layout ? { layout } : {}), skipEmpty: true, onSkip: (e) => console.error(`warning: skipped ${e.message}`) });
}
