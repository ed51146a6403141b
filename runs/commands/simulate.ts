/**
 * `shadowcast simulate`: hundreds of simulated futures of a twin, and which
 * nodes fail in them, how likely and when.
 */
import { InterruptedError } from '../usage-error.js';
import { ignoreLateSigint } from '../late-sigint.js';
import { forecastCoverageWarnings } from '../../twins/forecast-refs.js';
import { resolve } from 'node:path';
import { readForecast } from '../../models/forecast-file.js';
import type { ForecastBundle } from '../../models/forecast.js';
import { bindForecast } from '../../twins/forecast-refs.js';
import { assessRisk, sloWindowWarnings } from '../../twins/risk.js';
import { applyScenarioDetailed, lateChangeWarnings, readScenarioFile } from '../../twins/scenario/index.js';
import { twinContentHash } from '../../twins/definition/content-hash.js';
import { loadTwinFile } from '../../twins/definition/load.js';
import type { Twin } from '../../twins/definition/types.js';
import { readStateSnapshot, rescaleSnapshot, type StateSnapshot } from '../../twins/state.js';
import { runMonteCarlo } from '../montecarlo/runner.js';
import { runScreened } from '../montecarlo/fidelity.js';
import { fidelityText } from '../montecarlo/fidelity-text.js';
import { DEFAULT_LOAD, entryHighRates } from '../../twins/fidelity/load.js';
import { EXECUTOR_FLAGS, executorChoice, openExecutor, type ExecutorChoice } from '../executors/choose.js';
import { LIMITS, overLimit } from '../../engine/limits.js';
import { arrivalLimitProblems } from '../../twins/definition/arrival-limits.js';
import { InputError } from '../usage-error.js';
import { defineCommand, OUTSIDE_PATHS_FLAG, parseFlags, usageError, usageText } from '../flags.js';
import { createProgress, type Progress } from '../progress.js';
import { checkOutputFolder, writeFilesAtomically } from '../report/atomic.js';
import { riskTable } from '../report/risk-table.js';
import { nodesCsv, SIMULATION_FILES, summaryJson, windowsCsv } from '../report/simulation-files.js';

/** Under --quiet, the least time between two progress lines (the help says it: quiet is not silent). */
export const QUIET_PROGRESS_SECONDS = 10;

export const SIMULATE = defineCommand({
  command: 'simulate',
  flags: {
    twin: { kind: 'path', value: 'FILE', required: true, help: 'twin spec (YAML or JSON, docs/twin-spec.md)' },
    out: { kind: 'path', value: 'DIR', required: true, help: 'where summary.json, nodes.csv and windows.csv go' },
    forecast: { kind: 'path', value: 'DIR', help: "forecast from 'shadowcast forecast' (for forecast-driven entries)" },
    state: { kind: 'path', value: 'FILE', help: 'production snapshot to start from (docs/state-snapshot.md)' },
    scenario: { kind: 'path', value: 'FILE', help: 'scenario deltas to apply to the twin: a JSON or YAML list, or {deltas: [...]} (docs/simulation.md, "Scenarios")' },
    horizon: { kind: 'duration', default: '1h', help: 'simulated time, e.g. 2h, 30m' },
    window: { kind: 'duration', default: '5m', help: 'report window for windows.csv' },
    warmup: { kind: 'duration', allowZero: true, default: '0s', help: 'leave this first stretch out of whole-run figures and risk' },
    confidence: { kind: 'level', default: '0.95', help: 'level of every interval, e.g. 0.95 or 0.99' },
    replications: { kind: 'positiveInt', default: '200', help: 'independent replications (the most, with --precision or --stop-when-clear)' },
    precision: { kind: 'level', value: 'P', help: "stop adding replications once every node's P(fail) interval is within ±P (e.g. 0.01)" },
    'stop-when-clear': { kind: 'boolean', help: "stop adding replications once every node's P(fail) interval is clear of --threshold (or within --precision)" },
    threshold: { kind: 'level', value: 'L', absent: '0.05', help: 'the P(fail) decision threshold of --stop-when-clear' },
    workers: { kind: 'nonNegativeInt', value: 'W', absent: 'all cores; 0 = this thread', help: 'worker threads' },
    seed: { kind: 'int', value: 'S', default: '1', help: 'random seed' },
    fidelity: { kind: 'choice', choices: ['full', 'screened'], default: 'full', help: 'screened: subtrees an M/G/c screen finds far from risk are replaced by their response times measured in a full-fidelity pilot (docs/fidelity.md)' },
    pilot: { kind: 'positiveInt', value: 'N', default: '10', help: 'full-fidelity pilot replications of --fidelity screened' },
    'load-margin': { kind: 'positiveNumber', value: 'X', default: '1.5', help: "--fidelity screened judges nominal entry rates times X (forecast entries: the forecast's 0.95 quantile)" },
    ...EXECUTOR_FLAGS,
    ...OUTSIDE_PATHS_FLAG,
    'no-resume': { kind: 'boolean', help: 'ignore chunk checkpoints of an earlier interrupted run' },
    quiet: { kind: 'boolean', help: `no progress bar and no table, only the files written, and on stderr a line every ${QUIET_PROGRESS_SECONDS} s while replications still run (a long run shows it is alive)` },
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
  readonly executor: ExecutorChoice;
  /** Sequential stopping (docs/simulation.md); null: run every replication. */
  readonly stopping: { readonly precision: number | null; readonly threshold: number | null } | null;
  readonly seed: number;
  readonly resume: boolean;
  readonly quiet: boolean;
  readonly allowOutsidePaths?: boolean;
  /** Multi-fidelity (docs/fidelity.md); null: every node in full. */
  readonly screened?: { readonly pilot: number; readonly margin: number } | null;
}

/** The arguments of a run; null when --help was asked. Throws a UsageError naming the flag and what was expected. */
export function parseSimulateArgs(argv: readonly string[]): SimulateArgs | null {
  const parsed = parseFlags(SIMULATE, argv);
  if (!parsed) return null;
  const v = parsed.values;
  if (v.fidelity !== 'screened' && argv.some((a) => /^--(pilot|load-margin)(=|$)/.test(a))) throw usageError(SIMULATE, '--pilot and --load-margin belong to --fidelity screened, which was not given');
  if (v.fidelity === 'screened' && v.pilot > v.replications) throw usageError(SIMULATE, `--pilot (${v.pilot}) must not exceed --replications (${v.replications})`);
  if (v.threshold !== undefined && !v['stop-when-clear']) throw usageError(SIMULATE, '--threshold is the threshold of --stop-when-clear, which was not given');
  const stopping = v.precision !== undefined || v['stop-when-clear'] ? { precision: v.precision ?? null, threshold: v['stop-when-clear'] ? v.threshold ?? 0.05 : null } : null;
  if (v.warmup >= v.horizon) throw usageError(SIMULATE, `--warmup (${v.warmup}s) must be shorter than --horizon (${v.horizon}s)`);
  // A window asked for that the horizon cannot hold would come out as one window cut at the horizon, not the length
  // given. The default (5m) under a shorter horizon is one window of the whole run (docs/simulation-output.md).
  if (parsed.given.has('window') && v.window > v.horizon) throw usageError(SIMULATE, `--window (${v.window}s) must not be longer than --horizon (${v.horizon}s): windows.csv would have one window, cut at the horizon; give at most ${v.horizon}s, or leave --window out`);
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
    replications: v.replications, executor: executorChoice(SIMULATE, v, v.workers), stopping, seed: v.seed, resume: !v['no-resume'], quiet: v.quiet,
    allowOutsidePaths: v['allow-outside-paths'],
    screened: v.fidelity === 'screened' ? { pilot: v.pilot, margin: v['load-margin'] } : null,
  };
}

/** Under --quiet: one plain line on stderr at most every QUIET_PROGRESS_SECONDS, so a long run still shows it is alive. */
export function quietProgress(total: number, write: (line: string) => void = (line) => process.stderr.write(line), clock: () => number = () => performance.now()): Progress {
  let last = clock();
  return {
    update(done) {
      const now = clock();
      if (now - last >= QUIET_PROGRESS_SECONDS * 1000 && done < total) {
        last = now;
        write(`simulate: ${done}/${total} replications\n`);
      }
    },
    stop() {},
  };
}

/** The base of a run: the twin and, when given, the forecast bound to its entries (shared with `whatif`, runs/commands/whatif.ts). */
export interface RunBase {
  readonly twin: Twin;
  readonly forecast: ForecastBundle | null;
  /** The twin's warnings, then the forecast's. */
  readonly warnings: readonly string[];
  /** The forecast's alone: a variant of the twin (a scenario, a what-if cell) has its own twin warnings. */
  readonly forecastWarnings: readonly string[];
}

/** Loads the twin and its forecast; a twin driven by a forecast without one gets the caller's error (`missing` says what is wrong). */
export async function loadRunBase(twinFile: string, forecastDir: string | null, missingForecast: (what: string) => Error, options: { readonly allowOutsidePaths?: boolean } = {}): Promise<RunBase> {
  const twin = await loadTwinFile(twinFile, { allowOutsidePaths: options.allowOutsidePaths ?? false });
  return withForecast(twin, forecastDir, missingForecast);
}

/**
 * A loaded twin with its forecast read and bound (a twin whose entries follow
 * a forecast needs one). A forecast no entry follows is read (a broken one is
 * still an error) but not kept: `forecast` is null and a warning says so, so
 * the run neither uses nor records it.
 */
export async function withForecast(twin: Twin, forecastDir: string | null, missingForecast: (what: string) => Error): Promise<RunBase> {
  let forecast: ForecastBundle | null = null;
  let forecastWarnings: readonly string[] = [];
  if (forecastDir) {
    const bundle = await readForecast(forecastDir);
    const binding = bindForecast(twin, bundle, forecastDir);
    forecastWarnings = binding.warnings;
    if (binding.used) forecast = bundle;
  } else if (twin.entries.some((e) => e.arrival.kind === 'forecast')) {
    throw missingForecast(`entries of ${twin.source} are driven by a forecast (from 'shadowcast forecast')`);
  }
  return { twin, forecast, warnings: [...twin.warnings, ...forecastWarnings], forecastWarnings };
}

/** The twin with its snapshot, read against it (a snapshot must fit the twin it starts). */
async function withState(twin: Twin, stateFile: string | null): Promise<{ twin: Twin; state: StateSnapshot | null }> {
  return { twin, state: stateFile ? await readStateSnapshot(stateFile, twin) : null };
}

export async function simulate(args: SimulateArgs): Promise<{ files: string[]; table: string; resumedChunks: number }> {
  await checkOutputFolder(args.out, '--out', { replacedWhole: true, files: SIMULATION_FILES });
  const base = await loadRunBase(args.twin, args.forecast, (what) => usageError(SIMULATE, `--forecast DIR is required: ${what}`), { allowOutsidePaths: args.allowOutsidePaths ?? false });
  const { forecast } = base;
  const scenario = args.scenario ? await readScenarioFile(args.scenario) : null;
  // Applied once: on a routed network a scenario may rebuild the forwarding tables.
  const applied = scenario ? applyScenarioDetailed(base.twin, scenario) : { twin: base.twin, startReplicas: [] };
  const withScenario = applied.twin;
  const load = arrivalLimitProblems(withScenario, args.horizon, forecast);
  if (load.length > 0) throw new InputError(`${args.twin}${args.scenario ? ` with scenario ${args.scenario}` : ''}: ${load.join('; ')}`);
  const bound = await withState(withScenario, args.state);
  const { twin } = bound;
  // A scenario that sets a node's replicas asks "what if it had N": the snapshot's count must not win.
  const state = bound.state && rescaleSnapshot(bound.state, twin, applied.startReplicas);
  // The variant's own twin warnings (a downed link names the pairs it cuts off), then the forecast's.
  const warnings = [...twin.warnings, ...base.forecastWarnings, ...sloWindowWarnings(twin.nodes, args.horizon, args.warmup), ...lateChangeWarnings(twin, args.horizon), ...(forecast ? forecastCoverageWarnings(twin, forecast, args.horizon) : [])];
  const progress = args.quiet ? quietProgress(args.replications) : createProgress('simulate', args.replications);
  const executor = await openExecutor(args.executor);
  // Ctrl-C stops the run between chunks; the finished ones stay checkpointed for the next run to resume.
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort(new InterruptedError(`interrupted: finished chunks are checkpointed${args.resume ? ` under ${resolve(args.out, '.chunks')}; run the same command again to resume` : ' nowhere (--no-resume)'}`));
  process.once('SIGINT', onSigint);
  const mcOptions = {
    signal: interrupt.signal,
    replications: args.replications,
    settings: { seed: args.seed, horizon: args.horizon, reportWindow: args.window, warmup: args.warmup, state, forecast },
    executor,
    stopping: args.stopping && { ...args.stopping, level: args.confidence },
    checkpointDir: args.resume ? resolve(args.out, '.chunks') : null,
    onProgress: (done: number) => progress.update(done),
  };
  const screenedRun = args.screened
    ? runScreened(twin, { ...mcOptions, entryRates: entryHighRates(twin, forecast, { ...DEFAULT_LOAD, margin: args.screened.margin, horizon: args.horizon }).map((r) => r.rate), pilotReplications: args.screened.pilot, level: args.confidence })
    : null;
  const outcome = await (screenedRun ?? runMonteCarlo(twin, mcOptions).then((main) => ({ main, risk: assessRisk(main.summary, args.confidence), fidelity: null, pilot: null }))).finally(() => {
    // The replications are done (or stopped): a Ctrl-C during the final write must not kill it with a bare 130.
    process.off('SIGINT', onSigint);
    ignoreLateSigint('simulate');
    progress.stop();
    return executor.close();
  });
  const { main: result, risk, fidelity } = outcome;
  // A screened run's cost is the pilot's and the reduced run's together.
  const events = result.summary.events + (fidelity?.events.pilot ?? 0);
  const seconds = result.seconds + (fidelity?.seconds.pilot ?? 0);
  const info = {
    twin: twin.name, source: twin.source, twinHash: twinContentHash(twin), seed: args.seed, replications: result.replications, stopping: result.stopping, horizon: args.horizon, warmup: args.warmup, confidence: args.confidence, windowSeconds: args.window,
    workers: result.workers, seconds, events, resumedChunks: result.resumedChunks,
    // Only a forecast some entry follows is recorded as the run's (an unused one is named in the warnings).
    forecast: forecast ? args.forecast : null, state: args.state, scenario: args.scenario, warnings,
    ...(fidelity ? { fidelity } : {}),
  };
  const files = await writeFilesAtomically(args.out, {
    'summary.json': summaryJson(info, risk),
    'nodes.csv': nodesCsv(risk),
    'windows.csv': windowsCsv(risk),
  });
  // A resumed run did only part of the work in `seconds`: its speed is not shown rather than inflated.
  const speed = result.resumedChunks ? '' : seconds > 0 ? `, ${(events / seconds / 1e6).toFixed(2)} M events/s` : '';
  const head = `${twin.name}: ${result.replications} replications x ${args.horizon}s, seed ${args.seed}, ${result.workers} ${executor.kind} worker(s), ${seconds.toFixed(1)} s${speed}` +
    (result.resumedChunks ? `; resumed: ${result.resumedChunks} of ${result.chunks} chunk(s) came from checkpoints of an earlier run (events/s not measured)` : '') +
    (result.retriedChunks ? `, ${result.retriedChunks} chunk(s) retried after a worker crash` : '') +
    (result.stopping ? `\n${result.stopping.stoppedEarly ? `stopped after ${result.replications} of ${result.stopping.maxReplications} replications` : 'did not stop early'}: ${result.stopping.reason}` : '');
  return { files, resumedChunks: result.resumedChunks, table: `${head}${fidelity ? `\n${fidelityText(fidelity)}` : ''}\n\n${riskTable(risk)}${warnings.length ? `\n\nwarnings:\n${warnings.map((w) => `  - ${w}`).join('\n')}` : ''}` };
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
