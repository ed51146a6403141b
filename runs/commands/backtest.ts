/**
 * `shadowcast backtest`: rolling-origin backtest of a model against seasonal
 * naive on telemetry files; prints a table (MASE, pinball, 80/95 % coverage
 * per series and overall) and writes the same as JSON (atomically).
 */
import { writeFileAtomically } from '../report/atomic-file.js';
import { checkOutputFile } from '../report/atomic.js';
import { summariseBacktests } from '../../models/backtest.js';
import { backtestAll } from '../../models/fit-pool.js';
import { toHistory } from '../../models/forecast-telemetry.js';
import { horizonSteps, type HorizonSpec } from '../../models/horizon.js';
import type { Series } from '../../models/telemetry/series.js';
import { LOCAL_FORECASTERS, type LocalModelName } from '../../models/forecasters/registry.js';
import { defineCommand, parseFlags, usageError, usageText } from '../flags.js';
import { table } from '../format.js';
import { createProgress } from '../progress.js';
import { declaredTwice, forecastSizeProblem, modelParser, readCommandTelemetry, TELEMETRY_FLAGS, unknownLimitProblem } from './telemetry-flags.js';

const LOCAL_MODELS = Object.keys(LOCAL_FORECASTERS) as LocalModelName[];

export const BACKTEST = defineCommand({
  command: 'backtest',
  flags: {
    ...TELEMETRY_FLAGS,
    model: {
      kind: 'custom', value: 'M', default: 'auto', help: `model: auto|${LOCAL_MODELS.join('|')}`,
      parse: modelParser(LOCAL_MODELS, { name: 'lstm', why: 'the global LSTM is benchmarked by `make bench`, not per series here' }),
    },
    windows: { kind: 'positiveInt', default: '4', help: 'rolling origins at the end of each series' },
    json: { kind: 'path', value: 'FILE', help: 'also write the results as JSON' },
  },
});

/** --windows x --horizon must leave at least 3 points of history in every series (models/backtest.ts). */
function backtestWindowsProblem(series: readonly Series[], spec: HorizonSpec, windows: number): string | null {
  for (const s of series) {
    const h = horizonSteps(spec, s.stepMs);
    if (s.values.length - windows * h < 3) return `--windows ${windows} x --horizon ${h} steps: series ${s.node}/${s.metric} (${s.file}) has ${s.values.length} points, too few to hold them and 3 points of history`;
  }
  return null;
}

function pct(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(BACKTEST, argv);
  if (!parsed) {
    console.log(usageText(BACKTEST));
    return 0;
  }
  const values = parsed.values;
  const { model, windows, seed, workers, period, candidates } = values;
  const spec = values.horizon;
  const files = values.telemetry;

  const twice = declaredTwice(values.bounds);
  if (twice) throw usageError(BACKTEST, twice);
  if (candidates && model !== 'auto') throw usageError(BACKTEST, `--candidates lists the models auto chooses from: it needs --model auto, not ${model}`);
  if (values.json) await checkOutputFile(values.json, '--json');
  const series = await readCommandTelemetry(files, values.layout, new Map(values.bounds));
  const problem = forecastSizeProblem(series, spec, 100, workers) ?? unknownLimitProblem(series, values.bounds, '--bounds') ?? backtestWindowsProblem(series, spec, windows);
  if (problem) throw usageError(BACKTEST, problem);
  const bar = createProgress('backtest', series.length);
  const histories = series.map((s) => toHistory(s));
  // One horizon in steps per series (their steps may differ; the backtest needs no common axis).
  const byStep = new Map<number, number[]>();
  series.forEach((s, i) => byStep.set(s.stepMs, [...(byStep.get(s.stepMs) ?? []), i]));
  const results = new Array<Awaited<ReturnType<typeof backtestAll>>[number]>(series.length);
  let done = 0;
  try {
    for (const [stepMs, idx] of byStep) {
      const rs = await backtestAll(idx.map((i) => histories[i]!), {
        model, horizon: horizonSteps(spec, stepMs), paths: 100, seed, windows, calibrate: !values['no-calibrate'],
        ...(period !== undefined ? { period } : {}), ...(candidates ? { candidates } : {}),
      }, { ...(workers !== undefined ? { workers } : {}), onProgress: (d) => bar.update(done + d) });
      done += idx.length;
      rs.forEach((r, j) => { results[idx[j]!] = r; });
    }
  } finally {
    bar.stop();
  }
  const summary = summariseBacktests(results);

  const header = ['series', 'model', 'MASE', 'snaive MASE', 'ratio', 'pinball', 'snaive pinball', 'cover80', 'cover95'];
  const rows = results.map((r) => [`${r.node}/${r.metric}`, r.model.used[r.model.used.length - 1]!, r.model.mase.toFixed(3), r.baseline.mase.toFixed(3), r.relativeMase.toFixed(3), r.model.pinball.toFixed(3), r.baseline.pinball.toFixed(3), pct(r.model.cover80), pct(r.model.cover95)]);
  rows.push([`overall (${summary.series} series)`, model, summary.model.mase.toFixed(3), summary.baseline.mase.toFixed(3), summary.relativeMase.toFixed(3), summary.model.pinball.toFixed(3), summary.baseline.pinball.toFixed(3), pct(summary.model.cover80), pct(summary.model.cover95)]);
  console.log(table(header, rows, 2));

  if (values.json) {
    await writeFileAtomically(values.json, JSON.stringify({ model, windows, seed, summary, series: results }, null, 1) + '\n');
  }
  return 0;
}
