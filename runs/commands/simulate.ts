/**
 * `shadowcast simulate`: hundreds of simulated futures of a twin, and which
 * nodes fail in them, how likely and when.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readForecast } from '../../models/forecast-file.js';
import type { ForecastBundle } from '../../models/forecast.js';
import { bindForecast } from '../../twins/forecast-refs.js';
import { assessRisk } from '../../twins/risk.js';
import { applyScenario, readScenarioFile } from '../../twins/scenario/deltas.js';
import { loadTwinFile } from '../../twins/definition/load.js';
import { parsePositiveDuration } from '../../twins/definition/units.js';
import { readStateSnapshot, type StateSnapshot } from '../../twins/state.js';
import { runMonteCarlo } from '../montecarlo/runner.js';
import { createProgress } from '../progress.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { riskTable } from '../report/risk-table.js';
import { nodesCsv, summaryJson, windowsCsv } from '../report/simulation-files.js';

const USAGE = `usage: shadowcast simulate --twin FILE --out DIR [options]

  --twin FILE          twin spec (YAML or JSON, docs/twin-spec.md)
  --out DIR            where summary.json, nodes.csv and windows.csv go
  --forecast DIR       forecast from 'shadowcast forecast' (for forecast-driven entries)
  --state FILE         production snapshot to start from (docs/state-snapshot.md)
  --scenario FILE      JSON list of modifications to apply to the twin (docs/simulation.md)
  --horizon DUR        simulated time, e.g. 2h, 30m (default 1h)
  --window DUR         report window for windows.csv (default 5m)
  --warmup DUR         leave this first stretch out of whole-run figures and risk (default 0)
  --confidence L       level of every interval, e.g. 0.95 (default) or 0.99
  --replications N     independent replications (default 200)
  --workers W          worker threads (default: all cores; 0 = this thread)
  --seed S             random seed (default 1)
  --no-resume          ignore chunk checkpoints of an earlier interrupted run
  --quiet              no progress and no table, only the files written`;

export interface SimulateArgs {
  readonly twin: string;
  readonly out: string;
  readonly forecast: string | null;
  readonly state: string | null;
  readonly scenario: string | null;
  readonly horizon: number;
  readonly window: number;
  readonly warmup: number;
  readonly confidence: number;
  readonly replications: number;
  readonly workers: number | undefined;
  readonly seed: number;
  readonly resume: boolean;
  readonly quiet: boolean;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name}: expected a positive integer, got '${v}'`);
  return n;
}

function duration(name: string, v: string): number {
  try {
    return parsePositiveDuration(v);
  } catch (e) {
    throw new RangeError(`--${name}: expected a duration like 90s, 30m or 2h, got '${v}' (${(e as Error).message})`);
  }
}

export function parseSimulateArgs(argv: string[]): SimulateArgs | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      twin: { type: 'string' }, out: { type: 'string' }, forecast: { type: 'string' }, state: { type: 'string' }, scenario: { type: 'string' },
      horizon: { type: 'string', default: '1h' }, window: { type: 'string', default: '5m' }, warmup: { type: 'string', default: '0s' },
      confidence: { type: 'string', default: '0.95' },
      replications: { type: 'string', default: '200' }, workers: { type: 'string' }, seed: { type: 'string', default: '1' },
      'no-resume': { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  if (!values.twin) throw new RangeError('--twin FILE is required');
  if (!values.out) throw new RangeError('--out DIR is required');
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) throw new RangeError(`--workers: expected an integer >= 0, got '${values.workers}'`);
  const confidence = Number(values.confidence);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`--confidence: expected a level in (0, 1), got '${values.confidence}'`);
  const warmup = values.warmup === '0s' ? 0 : duration('warmup', values.warmup!);
  const horizon = duration('horizon', values.horizon!);
  if (warmup >= horizon) throw new RangeError(`--warmup (${warmup}s) must be shorter than --horizon (${horizon}s)`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new RangeError(`--seed: expected an integer, got '${values.seed}'`);
  return {
    twin: values.twin, out: values.out, forecast: values.forecast ?? null, state: values.state ?? null, scenario: values.scenario ?? null,
    horizon, window: duration('window', values.window!), warmup, confidence,
    replications: positiveInt('replications', values.replications!), workers, seed, resume: !values['no-resume'], quiet: values.quiet!,
  };
}

export async function simulate(args: SimulateArgs): Promise<{ files: string[]; table: string }> {
  let twin = await loadTwinFile(args.twin);
  const warnings = [...twin.warnings];
  let forecast: ForecastBundle | null = null;
  if (args.forecast) {
    forecast = await readForecast(args.forecast);
    warnings.push(...bindForecast(twin, forecast, args.forecast).warnings);
  } else if (twin.entries.some((e) => e.arrival.kind === 'forecast')) {
    throw new RangeError(`${args.twin}: entries are driven by a forecast: pass --forecast DIR (from 'shadowcast forecast')`);
  }
  if (args.scenario) twin = applyScenario(twin, await readScenarioFile(args.scenario));
  const state: StateSnapshot | null = args.state ? await readStateSnapshot(args.state, twin) : null;
  const progress = args.quiet ? null : createProgress('simulate', args.replications);
  const result = await runMonteCarlo(twin, {
    replications: args.replications,
    settings: { seed: args.seed, horizon: args.horizon, reportWindow: args.window, warmup: args.warmup, state, forecast },
    ...(args.workers !== undefined ? { workers: args.workers } : {}),
    checkpointDir: args.resume ? resolve(args.out, '.chunks') : null,
    onProgress: (done) => progress?.update(done),
  }).finally(() => progress?.stop());
  const risk = assessRisk(result.summary, args.confidence);
  const info = {
    twin: twin.name, source: twin.source, seed: args.seed, replications: args.replications, horizon: args.horizon, warmup: args.warmup, confidence: args.confidence, windowSeconds: args.window,
    workers: result.workers, seconds: result.seconds, events: result.summary.events,
    forecast: args.forecast, state: args.state, scenario: args.scenario, warnings,
  };
  const files = await writeFilesAtomically(args.out, {
    'summary.json': summaryJson(info, risk),
    'nodes.csv': nodesCsv(risk),
    'windows.csv': windowsCsv(risk),
  });
  const head = `${twin.name}: ${args.replications} replications x ${args.horizon}s, seed ${args.seed}, ${result.workers} worker(s), ${result.seconds.toFixed(1)} s` +
    (result.resumedChunks ? `, ${result.resumedChunks} chunk(s) resumed from checkpoints` : '') +
    (result.retriedChunks ? `, ${result.retriedChunks} chunk(s) retried after a worker crash` : '');
  return { files, table: `${head}\n\n${riskTable(risk)}${warnings.length ? `\n\nwarnings:\n${warnings.map((w) => `  - ${w}`).join('\n')}` : ''}` };
}

export async function run(argv: string[]): Promise<number> {
  const args = parseSimulateArgs(argv);
  if (!args) {
    console.log(USAGE);
    return 0;
  }
  const { files, table } = await simulate(args);
  if (!args.quiet) console.log(`${table}\n`);
  console.log(`written: ${files.join(', ')}`);
  return 0;
}
