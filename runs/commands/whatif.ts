/**
 * `shadowcast whatif`: a what-if batch, a base twin × a grid of named axes
 * of scenario deltas × replications, every cell on common random numbers;
 * cells.csv, cells.json and report.html in DIR; `--find` names the cheapest
 * cell with every P(fail) upper bound under the target (docs/whatif.md).
 * The pure parts (batch checks, grid, figures, the find decision) are in
 * twins/whatif/; running the cells and the files are in runs/whatif/.
 */
import { setMaxListeners } from 'node:events';
import { ignoreLateSigint } from '../late-sigint.js';
import { forecastCoverageWarnings } from '../../twins/forecast-refs.js';
import { dirname, resolve } from 'node:path';
import { ForecastFormatError } from '../../models/forecast-file.js';
import { Problems, TwinSpecError } from '../../twins/definition/errors.js';
import { loadTwinFile, readSpecText } from '../../twins/definition/load.js';
import { twinContentHash } from '../../twins/definition/content-hash.js';
import { sloWindowWarnings } from '../../twins/risk.js';
import { lateChangeWarnings } from '../../twins/scenario/index.js';
import { prepareBase, prepareCells, type StateDocument } from '../../twins/whatif/cells.js';
import { checkBatch, readBatchShape, type BatchDocument } from '../../twins/whatif/check.js';
import type { CellFigures } from '../../twins/whatif/figures.js';
import { cellVerdict, findCell, searchAxis, type FindResult } from '../../twins/whatif/find.js';
import { gridSize } from '../../twins/whatif/grid.js';
import type { CellStoppingRule } from '../../twins/whatif/types.js';
import { defineCommand, OUTSIDE_PATHS_FLAG, parseFlags, usageError, usageText } from '../flags.js';
import { EXECUTOR_FLAGS, executorChoice, openExecutor, type ExecutorChoice } from '../executors/choose.js';
import { createProgress } from '../progress.js';
import { checkOutputFolder, writeFilesAtomically } from '../report/atomic.js';
import { InputError, InterruptedError } from '../usage-error.js';
import { CellRunner, type RunStats } from '../whatif/run-cells.js';
import { cellsCsv, cellsJson, WHATIF_FILES } from '../whatif/files.js';
import { reportHtml } from '../whatif/report-html.js';
import { withForecast, type RunBase } from './simulate.js';

export const WHATIF = defineCommand({
  command: 'whatif',
  flags: {
    batch: { kind: 'path', value: 'FILE', required: true, help: 'batch file: base twin, settings and axes (YAML or JSON, docs/whatif.md)' },
    out: { kind: 'path', value: 'DIR', required: true, help: 'where cells.csv, cells.json and report.html go' },
    find: { kind: 'boolean', help: 'name the cheapest cell with every P(fail) upper bound under the target (a monotone search over a <node>.replicas axis)' },
    target: { kind: 'level', value: 'P', absent: "the batch's target, else 0.05", help: 'the P(fail) upper bound every node must stay under, for --find' },
    'stop-when-clear': { kind: 'boolean', help: "per cell, stop adding replications once every node's P(fail) interval is clear of the target (or within --precision); at most the batch's replications" },
    precision: { kind: 'level', value: 'P', help: "per cell, stop adding replications once every node's P(fail) interval is within ±P (or clear, with --stop-when-clear)" },
    'max-cells': { kind: 'positiveInt', default: '64', help: 'a grid with more cells than this runs only with --yes' },
    yes: { kind: 'boolean', help: 'run a grid larger than --max-cells' },
    workers: { kind: 'nonNegativeInt', value: 'W', absent: 'all cores; 0 = this thread', help: 'worker threads' },
    ...EXECUTOR_FLAGS,
    'no-resume': { kind: 'boolean', help: 'ignore chunk checkpoints of an earlier interrupted run' },
    ...OUTSIDE_PATHS_FLAG,
    quiet: { kind: 'boolean', help: 'no progress and no summary, only the files written' },
  },
  notes: 'Exit codes: 0 done; 1 with --find when no cell meets the target; 2 usage (a grid over --max-cells without --yes); 3 invalid batch, twin, forecast or snapshot.',
});

export interface WhatifArgs {
  readonly batch: string;
  readonly out: string;
  readonly find: boolean;
  readonly target: number | undefined;
  /** Sequential stopping per cell; undefined: the batch's (stopWhenClear, precision), else none. */
  readonly stopping?: CellStoppingRule;
  readonly maxCells: number;
  readonly yes: boolean;
  readonly workers: number | undefined;
  /** Default: local threads (--workers). */
  readonly executor?: ExecutorChoice;
  readonly resume: boolean;
  readonly quiet: boolean;
  /** The base twin may name files outside its folder. */
  readonly allowOutsidePaths?: boolean;
}

export function parseWhatifArgs(argv: readonly string[]): WhatifArgs | null {
  const parsed = parseFlags(WHATIF, argv);
  if (!parsed) return null;
  const v = parsed.values;
  return {
    batch: v.batch, out: v.out, find: v.find, target: v.target,
    ...(v['stop-when-clear'] || v.precision !== undefined ? { stopping: { whenClear: v['stop-when-clear'], precision: v.precision ?? null } } : {}),
    maxCells: v['max-cells'], yes: v.yes,
    workers: v.workers, executor: executorChoice(WHATIF, v, v.workers), resume: !v['no-resume'], quiet: v.quiet,
    allowOutsidePaths: v['allow-outside-paths'],
  };
}

export interface WhatifOutcome {
  readonly files: string[];
  readonly cells: readonly CellFigures[];
  readonly find: FindResult | null;
  readonly summary: string;
  /** How the run went (not in the files). */
  readonly stats: RunStats;
}

/** Reads a file of the batch (twin family syntax), located relative to the batch file. */
async function readBeside(batchFile: string, path: string): Promise<StateDocument> {
  const file = resolve(dirname(batchFile), path);
  const { data, locate } = await readSpecText(file);
  return { source: file, data, locate };
}

/**
 * Reads a file the batch names at `key`. When the file itself cannot be read
 * (missing, a folder, not a .yaml/.yml/.json name), the mistake is in the
 * batch: it is reported there, at the key's line, with the path resolved and
 * beside the batch's other problems (`p`, the shape's so far), as nightly.yaml
 * reports its twin. A file that reads but is wrong keeps its own report, with
 * its own lines.
 */
async function namedFile<T>(doc: BatchDocument, p: Problems, key: 'twin' | 'state', file: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (!(e instanceof TwinSpecError) || e.file !== file || !e.problems.every((q) => q.path === '(file)' && q.line === undefined)) throw e;
    for (const q of e.problems) p.at([key], `${file}: ${q.message}`);
    p.list.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
    throw new TwinSpecError(doc.source, p.list);
  }
}

export async function whatif(args: WhatifArgs, signal?: AbortSignal): Promise<WhatifOutcome> {
  await checkOutputFolder(args.out, '--out', { replacedWhole: true, files: WHATIF_FILES });
  const { data, locate } = await readSpecText(args.batch);
  const doc: BatchDocument = { source: args.batch, data, locate };
  // The twin's path comes from the batch: the shape is checked before anything is loaded.
  const { input: shape, problems: shapeProblems } = readBatchShape(doc);
  const beside = (path: string | undefined) => (path === undefined ? null : resolve(dirname(args.batch), path));
  const twinFile = beside(shape.twin)!;
  const twin = await namedFile(doc, shapeProblems, 'twin', twinFile, () => loadTwinFile(twinFile, { allowOutsidePaths: args.allowOutsidePaths ?? false }));
  // A forecast that cannot be used is one more problem of the batch, reported with the axes' problems, not before them.
  let base: RunBase | null = null;
  const forecastProblems: { at: string[]; message: string }[] = [];
  try {
    base = await withForecast(twin, beside(shape.forecast), (what) => new InputError(`required: ${what}`));
  } catch (e) {
    if (!(e instanceof ForecastFormatError || e instanceof TwinSpecError || e instanceof InputError)) throw e;
    forecastProblems.push({ at: ['forecast'], message: e.message });
  }
  const checked = checkBatch(doc, twin, forecastProblems);
  // checkBatch has thrown if the forecast had a problem.
  if (!base) throw new Error('unreachable: the forecast problem was not reported');
  const batch = { ...checked, settings: { ...checked.settings, target: args.target ?? checked.settings.target, stopping: args.stopping ?? checked.settings.stopping } };
  const size = gridSize(batch.axes);
  if (size > args.maxCells && !args.yes) {
    throw usageError(WHATIF, `the grid of ${args.batch} has ${size} cells (${batch.axes.map((a) => `${a.values.length} ${a.name}`).join(' × ')}), more than --max-cells ${args.maxCells}: that is ${size * batch.settings.replications} replications; add --yes to run it`);
  }
  const stateFile = batch.files.state;
  const state = stateFile ? await namedFile(doc, new Problems(doc.locate), 'state', resolve(dirname(args.batch), stateFile), () => readBeside(args.batch, stateFile)) : null;
  const cells = prepareCells(batch, doc, base.twin, state);
  const baseCell = prepareBase(base.twin, state, args.batch);

  const s = batch.settings;
  let progress: ReturnType<typeof createProgress> | null = null;
  const runner = new CellRunner(cells, baseCell, s, base.forecast, {
    executor: await openExecutor(args.executor ?? { kind: 'local', workers: args.workers }),
    checkpointDir: args.resume ? resolve(args.out, '.chunks') : null,
    ...(signal ? { signal } : {}),
    onProgress: (done) => progress?.update(done),
  });
  // Runs the batch will need: the base's and every distinct cell's (equal cells share one), or, searching, at most the
  // base and about log2 of a replicas axis per row.
  const k = args.find ? searchAxis(batch.axes) : null;
  const planned = k === null ? runner.distinctRuns(cells.map((c) => c.index)) : 1 + (size / batch.axes[k]!.values.length) * Math.ceil(Math.log2(batch.axes[k]!.values.length + 1));
  progress = args.quiet ? null : createProgress('whatif', planned * s.replications);
  let figures: CellFigures[];
  let find: FindResult | null = null;
  const t0 = performance.now();
  try {
    if (args.find) {
      const seen = new Map<number, CellFigures>();
      find = await findCell(batch.axes, s.target, s.replications, s.confidence, async (indices) => {
        const got = await runner.evaluate(indices);
        for (const f of got) seen.set(f.index, f);
        return got;
      });
      figures = [...seen.values()].sort((a, b) => a.index - b.index);
    } else {
      figures = await runner.evaluate(cells.map((c) => c.index));
    }
  } finally {
    progress?.stop();
    await runner.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  // A cell's twin may warn where the base does not (a downed link cutting pairs off, a timed change past the horizon): named with its cell.
  const cellWarnings = (c: (typeof cells)[number]) => [...c.twin.warnings.filter((w) => !base.twin.warnings.includes(w)), ...lateChangeWarnings(c.twin, s.horizon)];
  const warnings = [...base.warnings, ...sloWindowWarnings(base.twin.nodes, s.horizon, s.warmup), ...(base.forecast ? forecastCoverageWarnings(base.twin, base.forecast, s.horizon) : []), ...cells.flatMap((c) => cellWarnings(c).map((w) => `cell ${c.id}: ${w}`))];
  const info = { batch, twin: base.twin.name, twinHash: twinContentHash(base.twin), warnings };
  const files = await writeFilesAtomically(args.out, {
    'cells.json': cellsJson(info, figures, cells, find),
    'cells.csv': await cellsCsv(batch, figures),
    'report.html': await reportHtml(batch, base.twin.name, figures, find, warnings),
  });
  const st = runner.stats;
  const summary = [
    `${base.twin.name}: ${figures.length} of ${size} cells × ${s.replications} replications × ${s.horizon} s, seed ${s.seed}, ${runner.workers} worker(s), ${seconds.toFixed(1)} s` +
      `, ${st.runs} Monte Carlo run(s) (the base included; equal cells share one), ${st.replications} replications, ${(st.events / 1e6).toFixed(1)} M events` +
      (s.stopping ? `, sequential stopping (${[s.stopping.whenClear ? `clear of ${s.target}` : '', s.stopping.precision !== null ? `within ±${s.stopping.precision}` : ''].filter(Boolean).join(' or ')})` : '') +
      (st.resumedChunks ? `, ${st.resumedChunks} of ${st.chunks} chunk(s) resumed from checkpoints` : '') +
      (st.retriedChunks ? `, ${st.retriedChunks} chunk(s) retried after a worker crash` : ''),
    '',
    ...figures.map((c) => `  ${c.id.padEnd(40)} ${cellVerdict(c, s.target).padEnd(9)} worst ${c.worst.node} P(fail) <= ${(100 * c.worst.hi).toFixed(1)} %, ${c.coreHours.toFixed(2)} core-hours, ${c.replications} replications${c.stopping?.stoppedEarly ? ' (stopped early)' : ''}`),
    ...(find ? ['', `find: ${find.chosen ? find.chosen.id : 'none'}`, find.explanation] : []),
    ...(warnings.length ? ['', 'warnings:', ...warnings.map((w) => `  - ${w}`)] : []),
  ].join('\n');
  return { files, cells: figures, find, summary, stats: st };
}

export async function run(argv: string[]): Promise<number> {
  const args = parseWhatifArgs(argv);
  if (!args) {
    console.log(usageText(WHATIF));
    return 0;
  }
  // Ctrl-C stops the run between chunks; the finished ones stay checkpointed for the next run to resume (as simulate).
  const interrupt = new AbortController();
  // Every cell's run listens to it at once: more than Node's default of 10 listeners is expected, not a leak.
  setMaxListeners(0, interrupt.signal);
  const onSigint = (): void => interrupt.abort(new InterruptedError(`interrupted: finished chunks are checkpointed${args.resume ? ` under ${resolve(args.out, '.chunks')}; run the same command again to resume` : ' nowhere (--no-resume)'}`));
  process.once('SIGINT', onSigint);
  const outcome = await whatif(args, interrupt.signal).finally(() => {
    // Handled until the process exits: a Ctrl-C after the work is done is not an interrupted run.
    process.off('SIGINT', onSigint);
    ignoreLateSigint('whatif');
  });
  if (!args.quiet) console.log(`${outcome.summary}\n`);
  console.log(`written: ${outcome.files.join(', ')}`);
  return args.find && !outcome.find?.chosen ? 1 : 0;
}
