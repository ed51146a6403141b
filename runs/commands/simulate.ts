/**
 * `shadowcast simulate`: hundreds of simulated futures of a twin, and which
 * nodes fail in them, how likely and when.
 */
import { resolve } from 'node:path';
import { readForecast } from '../../models/forecast-file.js';
import type { ForecastBundle } from '../../models/forecast.js';
import { bindForecast } from '../../twins/forecast-refs.js';
import { assessRisk } from '../../twins/risk.js';
import { applyScenario, readScenarioFile } from '../../twins/scenario/index.js';
import { twinContentHash } from '../../twins/definition/content-hash.js';
import { loadTwinFile } from '../../twins/definition/load.js';
import { readStateSnapshot, type StateSnapshot } from '../../twins/state.js';
import { runMonteCarlo } from '../montecarlo/runner.js';
import { LIMITS, overLimit } from '../../engine/limits.js';
import { arrivalLimitProblems } from '../../twins/definition/arrival-limits.js';
import { InputError } from '../usage-error.js';
import { defineCommand, parseFlags, usageError, usageText } from '../flags.js';
import { createProgress, type Progress } from '../progress.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { riskTable } from '../report/risk-table.js';
import { nodesCsv, summaryJson, windowsCsv } from '../report/simulation-files.js';

export const SIMULATE = defineCommand({
  command: 'simulate',
  flags: {
    twin: { kind: 'path', value: 'FILE', required: true, help: 'twin spec (YAML or JSON, docs/twin-spec.md)' },
    out: { kind: 'path', value: 'DIR', required: true, help: 'where summary.json, nodes.csv and windows.csv go' },
    forecast: { kind: 'path', value: 'DIR', help: "forecast from 'shadowcast forecast' (for forecast-driven entries)" },
    state: { kind: 'path', value: 'FILE', help: 'production snapshot to start from (docs/state-snapshot.md)' },
    scenario: { kind: 'path', value: 'FILE', help: 'JSON list of modifications to apply to the twin (docs/simulation.md)' },
    horizon: { kind: 'duration', default: '1h', help: 'simulated time, e.g. 2h, 30m' },
    window: { kind: 'duration', default: '5m', help: 'report window for windows.csv' },
    warmup: { kind: 'duration', allowZero: true, default: '0s', help: 'leave this first stretch out of whole-run figures and risk' },
    confidence: { kind: 'level', default: '0.95', help: 'level of every interval, e.g. 0.95 or 0.99' },
    replications: { kind: 'positiveInt', default: '200', help: 'independent replications' },
    workers: { kind: 'nonNegativeInt', value: 'W', absent: 'all cores; 0 = this thread', help: 'worker threads' },
    seed: { kind: 'int', value: 'S', default: '1', help: 'random seed' },
    'allow-outside-paths': { kind: 'boolean', help: "let paths named in the twin (rate profiles) leave the twin file's folder" },
    'no-resume': { kind: 'boolean', help: 'ignore chunk checkpoints of an earlier interrupted run' },
    quiet: { kind: 'boolean', help: 'no progress and no table, only the files written' },
  },
});

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
  readonly allowOutsidePaths?: boolean;
}

/** The arguments of a run; null when --help was asked. Throws a UsageError naming the flag and what was expected. */
export function parseSimulateArgs(argv: readonly string[]): SimulateArgs | null {
  const parsed = parseFlags(SIMULATE, argv);
  if (!parsed) return null;
  const v = parsed.values;
  if (v.warmup >= v.horizon) throw usageError(SIMULATE, `--warmup (${v.warmup}s) must be shorter than --horizon (${v.horizon}s)`);
  // Sizes that would be allocated per replication or per run: refused before anything starts (docs/limits.md).
  const over = (flag: string, value: number, limit: number, unit = ''): void => {
    if (!(value <= limit)) throw usageError(SIMULATE, overLimit(flag, value, limit, unit));
  };
  over('--horizon', v.horizon, LIMITS.horizonSeconds, ' s');
  over('--horizon / --window (report windows)', Math.ceil(v.horizon / v.window), LIMITS.windows);
  over('--replications', v.replications, LIMITS.replications);
  if (v.workers !== undefined) over('--workers', v.workers, LIMITS.workers);
  return {
    twin: v.twin, out: v.out, forecast: v.forecast ?? null, state: v.state ?? null, scenario: v.scenario ?? null,
    horizon: v.horizon, window: v.window, warmup: v.warmup, confidence: v.confidence,
    replications: v.replications, workers: v.workers, seed: v.seed, resume: !v['no-resume'], quiet: v.quiet, allowOutsidePaths: v['allow-outside-paths'],
  };
}

/** Under --quiet: one plain line on stderr at most every 10 s, so a long run still shows it is alive. */
function quietProgress(total: number): Progress {
  let last = performance.now();
  return {
    update(done) {
      const now = performance.now();
      if (now - last >= 10_000 && done < total) {
        last = now;
        process.stderr.write(`simulate: ${done}/${total} replications\n`);
      }
    },
    stop() {},
  };
}

export async function simulate(args: SimulateArgs): Promise<{ files: string[]; table: string; resumedChunks: number }> {
  let twin = await loadTwinFile(args.twin, { allowOutsidePaths: args.allowOutsidePaths ?? false });
  const warnings = [...twin.warnings];
  let forecast: ForecastBundle | null = null;
  if (args.forecast) {
    forecast = await readForecast(args.forecast);
    warnings.push(...bindForecast(twin, forecast, args.forecast).warnings);
  } else if (twin.entries.some((e) => e.arrival.kind === 'forecast')) {
    throw usageError(SIMULATE, `--forecast DIR is required: entries of ${args.twin} are driven by a forecast (from 'shadowcast forecast')`);
  }
  if (args.scenario) twin = applyScenario(twin, await readScenarioFile(args.scenario));
  const load = arrivalLimitProblems(twin, args.horizon, forecast);
  if (load.length > 0) throw new InputError(`${args.twin}${args.scenario ? ` with scenario ${args.scenario}` : ''}: ${load.join('; ')}`);
  const state: StateSnapshot | null = args.state ? await readStateSnapshot(args.state, twin) : null;
  const progress = args.quiet ? quietProgress(args.replications) : createProgress('simulate', args.replications);
  // Ctrl-C stops the run between chunks; the finished ones stay checkpointed for the next run to resume.
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort(new Error(`interrupted: finished chunks are checkpointed${args.resume ? ` under ${resolve(args.out, '.chunks')}; run the same command again to resume` : ' nowhere (--no-resume)'}`));
  process.once('SIGINT', onSigint);
  const result = await runMonteCarlo(twin, {
    signal: interrupt.signal,
    replications: args.replications,
    settings: { seed: args.seed, horizon: args.horizon, reportWindow: args.window, warmup: args.warmup, state, forecast },
    ...(args.workers !== undefined ? { workers: args.workers } : {}),
    checkpointDir: args.resume ? resolve(args.out, '.chunks') : null,
    onProgress: (done) => progress.update(done),
  }).finally(() => {
    process.off('SIGINT', onSigint);
    progress.stop();
  });
  const risk = assessRisk(result.summary, args.confidence);
  const info = {
    twin: twin.name, source: twin.source, twinHash: twinContentHash(twin), seed: args.seed, replications: args.replications, horizon: args.horizon, warmup: args.warmup, confidence: args.confidence, windowSeconds: args.window,
    workers: result.workers, seconds: result.seconds, events: result.summary.events,
    forecast: args.forecast, state: args.state, scenario: args.scenario, warnings,
  };
  const files = await writeFilesAtomically(args.out, {
    'summary.json': summaryJson(info, risk),
    'nodes.csv': nodesCsv(risk),
    'windows.csv': windowsCsv(risk),
  });
  // A resumed run did only part of the work in `seconds`: its speed is not shown rather than inflated.
  const speed = result.resumedChunks ? '' : result.seconds > 0 ? `, ${(result.summary.events / result.seconds / 1e6).toFixed(2)} M events/s` : '';
  const head = `${twin.name}: ${args.replications} replications x ${args.horizon}s, seed ${args.seed}, ${result.workers} worker(s), ${result.seconds.toFixed(1)} s${speed}` +
    (result.resumedChunks ? `; resumed: ${result.resumedChunks} of ${result.chunks} chunk(s) came from checkpoints of an earlier run (events/s not measured)` : '') +
    (result.retriedChunks ? `, ${result.retriedChunks} chunk(s) retried after a worker crash` : '');
  return { files, resumedChunks: result.resumedChunks, table: `${head}\n\n${riskTable(risk)}${warnings.length ? `\n\nwarnings:\n${warnings.map((w) => `  - ${w}`).join('\n')}` : ''}` };
}

export async function run(argv: string[]): Promise<number> {
  const args = parseSimulateArgs(argv);
  if (!args) {
    console.log(usageText(SIMULATE));
    return 0;
  }
  const { files, table, resumedChunks } = await simulate(args);
  if (!args.quiet) console.log(`${table}\n`);
  // Even a quiet run says it reused an earlier run's work (the table says so otherwise).
  else if (resumedChunks > 0) console.log(`resumed: ${resumedChunks} chunk(s) came from checkpoints of an earlier run`);
  console.log(`written: ${files.join(', ')}`);
  return 0;
}
