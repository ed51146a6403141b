/**
 * `shadowcast backtest`: rolling-origin backtest of a model against seasonal
 * naive on telemetry files; prints a table (MASE, pinball, 80/95 % coverage
 * per series and overall) and writes the same as JSON (temp file + rename).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { summariseBacktests } from '../../models/backtest.js';
import { backtestAll } from '../../models/fit-pool.js';
import { toHistory } from '../../models/forecast-telemetry.js';
import { horizonSteps, parseHorizon } from '../../models/horizon.js';
import { LAYOUTS } from '../../models/telemetry/read.js';
import { MODEL_NAMES } from '../../models/forecasters/types.js';
import { createProgress } from '../progress.js';
import { parseCandidates, parseModel, positiveInt, readCommandTelemetry } from './forecast.js';

export const BACKTEST_USAGE = `usage: shadowcast backtest --telemetry FILE... --horizon 24 [options]

  --telemetry FILE   telemetry file(s), as for forecast
  --layout L         ${LAYOUTS.join('|')} (default: detected)
  --horizon H        forecast horizon per window (2h, or steps)
  --model M          auto|${MODEL_NAMES.filter((m) => m !== 'lstm').join('|')} (default auto)
  --candidates LIST  models auto chooses from (default snaive,ets)
  --windows N        rolling origins at the end of each series (default 4)
  --period STEPS     force the seasonal period
  --no-calibrate     keep the model's own interval widths
  --seed S           random seed (default 1)
  --workers N        worker threads (default: all cores; 0 = this thread)
  --json FILE        also write the results as JSON`;

function pct(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      telemetry: { type: 'string', multiple: true }, layout: { type: 'string' }, horizon: { type: 'string' }, model: { type: 'string' },
      candidates: { type: 'string' }, windows: { type: 'string' }, period: { type: 'string' }, 'no-calibrate': { type: 'boolean' },
      seed: { type: 'string' }, workers: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(BACKTEST_USAGE);
    return 0;
  }
  const files = [...(values.telemetry ?? []), ...positionals];
  if (files.length === 0) throw new Error(`--telemetry: expected at least one file\n\n${BACKTEST_USAGE}`);
  if (!values.horizon) throw new Error(`--horizon: required\n\n${BACKTEST_USAGE}`);
  const model = parseModel(values.model);
  if (model === 'lstm') throw new Error('backtest: the global LSTM is benchmarked by `make bench`, not per series here');
  const spec = parseHorizon(values.horizon);
  const windows = positiveInt(values.windows, '--windows', 4);
  const seed = positiveInt(values.seed, '--seed', 1, true);
  const workers = values.workers === undefined ? undefined : positiveInt(values.workers, '--workers', 0, true);
  const period = values.period === undefined ? undefined : positiveInt(values.period, '--period', 1);
  const candidates = parseCandidates(values.candidates);

  const series = await readCommandTelemetry(files, values.layout);
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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log([line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n'));

  if (values.json) {
    await mkdir(dirname(values.json), { recursive: true });
    const tmp = `${values.json}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ model, windows, seed, summary, series: results }, null, 1) + '\n');
    await rename(tmp, values.json);
  }
  return 0;
}
