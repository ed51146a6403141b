/**
 * Forecast benchmarks (issue 4):
 *  - accuracy (issues 4 and 12): the NAB CloudWatch series with at least a
 *    week of history (16 of 17: iio_us-east-1_i-a2eb1cd9_NetworkIn has 4.3
 *    days), 24-step horizon, 20 rolling origins at the end of each series;
 *    `auto` against seasonal naive (mean MASE ratio <= 0.9), against the best
 *    single model (within 2 %), against a leave-one-series-out choice of model
 *    (the model best on the other series, scored on the one left out), and
 *    80/95 % coverage within 3 points; and against other libraries' models
 *    run raw (augurs AutoETS, augurs MSTL, statsmodels ETS; forecast-peers.ts).
 *  - speed: 1000 synthetic series of 2016 points (5-minute step, daily season
 *    288), `auto` with calibration, quantiles and 100 paths, on worker threads
 *    (target 15 s on the 2-core machine).
 *  - LSTM: seconds per epoch on every tfjs backend that loads here.
 */
import { availableParallelism } from 'node:os';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { summariseBacktests } from '../models/backtest.js';
import type { SeriesBacktest } from '../models/backtest.js';
import { backtestAll, forecastAll } from '../models/fit-pool.js';
import { toHistory } from '../models/forecast-telemetry.js';
import { GlobalLstm } from '../models/forecasters/lstm.js';
import { BACKENDS } from '../models/forecasters/tf-backend.js';
import type { SeriesHistory } from '../models/pipeline.js';
import { readTelemetry } from '../models/telemetry/read.js';
import { seasonalSeries } from '../models/synthetic.js';
import { REPO_ROOT } from '../runs/paths.js';
import { augursPeers, PEER_EVERY, peerOrigins, statsmodelsPeer } from './forecast-peers.js';
import type { PeerScores } from './forecast-peers.js';
import type { BenchSection, Cell } from './table.js';

const NAB_DIR = join(REPO_ROOT, '..', 'shared', 'data', 'nab');
const H = 24;
const WEEK = 2016;

async function nabHistories(): Promise<{ used: SeriesHistory[]; skipped: string[] }> {
  const files = (await readdir(NAB_DIR)).filter((f) => f.endsWith('.csv')).sort().map((f) => join(NAB_DIR, f));
  const series = await readTelemetry(files);
  return {
    used: series.filter((s) => s.values.length >= WEEK).map((s) => toHistory(s)),
    skipped: series.filter((s) => s.values.length < WEEK).map((s) => `${s.node} (${s.values.length} points)`),
  };
}

/**
 * Every model on the same series and origins. MSTL runs uncalibrated: its
 * calibration would cost 8 extra fits per origin (~35 min here), and
 * calibration widens about the median, so its MASE is the same either way.
 */
const SINGLE_MODELS = [['snaive', true], ['ets', true], ['mstl', false]] as const;
const WINDOWS = 20;

async function accuracy(): Promise<BenchSection[]> {
  const { used, skipped } = await nabHistories();
  const workers = availableParallelism();
  const t0 = performance.now();
  const auto = await backtestAll(used, { model: 'auto', horizon: H, paths: 100, seed: 1, windows: WINDOWS }, { workers });
  const autoSeconds = (performance.now() - t0) / 1000;
  const sum = summariseBacktests(auto);

  const singles = new Map<string, { per: SeriesBacktest[]; seconds: number }>();
  for (const [model, calibrate] of SINGLE_MODELS) {
    const t = performance.now();
    const per = await backtestAll(used, { model, horizon: H, paths: 100, seed: 1, windows: WINDOWS, calibrate }, { workers });
    singles.set(model, { per, seconds: (performance.now() - t) / 1000 });
  }
  const meanMase = (per: readonly SeriesBacktest[]) => mean(per.map((r) => r.model.mase));
  const [bestName, best] = [...singles].sort((a, b) => meanMase(a[1].per) - meanMase(b[1].per))[0]!;
  const bestMase = meanMase(best.per);
  const autoVsBest = sum.model.mase / bestMase;

  // Leave one series out: the model auto would be told to use, chosen on the other series alone, scored on the one left out.
  const loso = used.map((_, i) => {
    const others = (per: readonly SeriesBacktest[]) => mean(per.filter((_, j) => j !== i).map((r) => r.model.mase));
    const [pick] = [...singles].sort((a, b) => others(a[1].per) - others(b[1].per))[0]!;
    return { pick, mase: singles.get(pick)!.per[i]!.model.mase };
  });
  const losoMase = mean(loso.map((r) => r.mase));

  const rows: Array<Record<string, Cell>> = auto.map((r: SeriesBacktest, i) => ({
    series: r.node, chosen: mostCommon(r.model.used), 'auto MASE': r.model.mase, 'snaive MASE': r.baseline.mase,
    [`${bestName} MASE`]: best.per[i]!.model.mase, 'LOSO pick': `${loso[i]!.pick} ${loso[i]!.mase.toFixed(3)}`,
    'cover 80': r.model.cover80, 'cover 95': r.model.cover95,
  }));
  rows.push({ series: `mean of ${sum.series}`, chosen: 'auto', 'auto MASE': sum.model.mase, 'snaive MASE': sum.baseline.mase, [`${bestName} MASE`]: bestMase, 'LOSO pick': losoMase, 'cover 80': sum.model.cover80, 'cover 95': sum.model.cover95 });
  const nab: BenchSection = {
    name: 'forecast-accuracy',
    title: `Forecast accuracy: NAB CloudWatch, ${used.length} series, horizon ${H}, ${WINDOWS} rolling origins (auto = snaive|ets|mstl per series, conformal calibration)`,
    columns: ['series', 'chosen', 'auto MASE', 'snaive MASE', `${bestName} MASE`, 'LOSO pick', 'cover 80', 'cover 95'],
    rows,
    targets: [
      { what: 'auto mean MASE <= 0.9 x seasonal naive', met: sum.relativeMase <= 0.9, detail: `${sum.model.mase.toFixed(3)} / ${sum.baseline.mase.toFixed(3)} = ${sum.relativeMase.toFixed(3)}` },
      { what: 'auto no worse than the best single model by more than 2 % MASE', met: autoVsBest <= 1.02, detail: `auto ${sum.model.mase.toFixed(4)} / ${bestName} ${bestMase.toFixed(4)} = ${autoVsBest.toFixed(4)}` },
      { what: 'auto no worse than the leave-one-series-out choice by more than 2 %', met: sum.model.mase / losoMase <= 1.02, detail: `auto ${sum.model.mase.toFixed(4)} / LOSO ${losoMase.toFixed(4)} = ${(sum.model.mase / losoMase).toFixed(4)}` },
      { what: '80 % intervals cover 77-83 %', met: Math.abs(sum.model.cover80 - 0.8) <= 0.03, detail: `${(100 * sum.model.cover80).toFixed(1)} %` },
      { what: '95 % intervals cover 92-98 %', met: Math.abs(sum.model.cover95 - 0.95) <= 0.03, detail: `${(100 * sum.model.cover95).toFixed(1)} %` },
    ],
    extra: { skipped, seconds: autoSeconds, windows: WINDOWS, horizon: H, loso: loso.map((r, i) => ({ series: used[i]!.node, ...r })) },
  };

  const modelRows: Array<Record<string, Cell>> = [['auto', { per: auto, seconds: autoSeconds }] as const, ...singles].map(([model, r]) => {
    const m = summariseBacktests(r.per);
    return { model: model === 'mstl' ? 'mstl (uncalibrated)' : model, 'mean MASE': m.model.mase, 'vs snaive': m.relativeMase, 'cover 80': m.model.cover80, 'cover 95': m.model.cover95, seconds: r.seconds };
  });
  const models: BenchSection = {
    name: 'forecast-models',
    title: `Forecast models on NAB (${used.length} series, horizon ${H}, ${WINDOWS} rolling origins)`,
    columns: ['model', 'mean MASE', 'vs snaive', 'cover 80', 'cover 95', 'seconds'],
    rows: modelRows,
  };
  return [nab, models, await peerSection(used, auto, singles)];
}

/**
 * auto against other libraries' models, raw (bench/forecast-peers.ts), on the
 * same series and every PEER_EVERY-th origin; auto, ETS and seasonal naive are
 * re-scored on exactly those windows. A series where a peer failed at every
 * origin is left out of that peer's comparison (the row counts failures).
 */
export async function peerSection(used: readonly SeriesHistory[], auto: readonly SeriesBacktest[], singles: ReadonlyMap<string, { per: SeriesBacktest[] }>): Promise<BenchSection> {
  const pick = peerOrigins(used[0]!.values.length, H, WINDOWS).map((o) => o.index);
  const onPeerWindows = (r: SeriesBacktest['model']) => {
    const xs = pick.map((w) => r.scores[w]!);
    return { mase: mean(xs.map((x) => x.mase)), cover80: mean(xs.map((x) => x.cover80)), cover95: mean(xs.map((x) => x.cover95)) };
  };
  const autoPer = auto.map((r) => onPeerWindows(r.model));
  // python runs beside the augurs fits (a child process, the other core).
  const sm = statsmodelsPeer(used, H, WINDOWS);
  const others: PeerScores[] = [
    { name: 'ets (this project, calibrated)', perSeries: singles.get('ets')!.per.map((r) => onPeerWindows(r.model)), failed: 0, windows: pick.length * used.length, seconds: Number.NaN },
    { name: 'snaive (this project, calibrated)', perSeries: auto.map((r) => onPeerWindows(r.baseline)), failed: 0, windows: pick.length * used.length, seconds: Number.NaN },
    ...augursPeers(used, H, WINDOWS),
    await sm,
  ];
  const autoMase = mean(autoPer.map((r) => r.mase));
  const rows: Array<Record<string, Cell>> = [{ model: 'auto (this project)', series: used.length, 'mean MASE': autoMase, 'auto MASE same series': autoMase, 'auto wins (series)': '-', 'cover 80': mean(autoPer.map((r) => r.cover80)), 'cover 95': mean(autoPer.map((r) => r.cover95)), 'failed windows': 0, seconds: null }];
  const verdicts: Record<string, string> = {};
  const targets: Array<{ what: string; met: boolean; detail: string }> = [];
  for (const p of others) {
    if (p.unavailable) {
      rows.push({ model: p.name, series: 0, 'mean MASE': null, 'auto MASE same series': null, 'auto wins (series)': p.unavailable, 'cover 80': null, 'cover 95': null, 'failed windows': null, seconds: null });
      verdicts[p.name] = p.unavailable;
      continue;
    }
    const ok = p.perSeries.map((r, i) => (Number.isFinite(r.mase) ? i : -1)).filter((i) => i >= 0);
    const peerMase = mean(ok.map((i) => p.perSeries[i]!.mase));
    const autoSame = mean(ok.map((i) => autoPer[i]!.mase));
    const wins = ok.filter((i) => autoPer[i]!.mase < p.perSeries[i]!.mase).length;
    rows.push({
      model: p.name, series: ok.length, 'mean MASE': peerMase, 'auto MASE same series': autoSame, 'auto wins (series)': `${wins} of ${ok.length}`,
      'cover 80': mean(ok.map((i) => p.perSeries[i]!.cover80)), 'cover 95': mean(ok.map((i) => p.perSeries[i]!.cover95)),
      'failed windows': `${p.failed} of ${p.windows}`, seconds: Number.isFinite(p.seconds) ? p.seconds : null,
    });
    if (!p.name.includes('this project')) targets.push({ what: `auto mean MASE below ${p.name}`, met: autoSame < peerMase, detail: `${autoSame.toFixed(3)} vs ${peerMase.toFixed(3)}, auto better on ${wins} of ${ok.length} series` });
    verdicts[p.name] = `auto ${autoSame < peerMase ? 'beats' : 'does not beat'} it: MASE ${autoSame.toFixed(3)} vs ${peerMase.toFixed(3)} (${(autoSame / peerMase).toFixed(3)}x), better on ${wins} of ${ok.length} series${p.firstFailure ? `; first failure: ${p.firstFailure}` : ''}`;
  }
  return {
    name: 'forecast-peers',
    title: `auto against peers, raw (own intervals, no calibration), on NAB: ${used.length} series, horizon ${H}, ${pick.length} of the ${WINDOWS} origins (every ${PEER_EVERY}th)`,
    columns: ['model', 'series', 'mean MASE', 'auto MASE same series', 'auto wins (series)', 'cover 80', 'cover 95', 'failed windows', 'seconds'],
    rows,
    targets,
    extra: { origins: pick, verdicts, note: 'MASE of the point forecast (auto: the median); coverage of the 80 % and 95 % intervals; seconds on this shared machine, augurs fits in this thread while python runs beside them' },
  };
}

function mostCommon(xs: readonly string[]): string {
  const c = new Map<string, number>();
  for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
  return [...c].sort((a, b) => b[1] - a[1])[0]![0];
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

async function speed(): Promise<BenchSection> {
  const n = 1000;
  const histories: SeriesHistory[] = Array.from({ length: n }, (_, i) => ({
    node: `node${i}`, metric: 'cpu', stepMs: 300_000, startMs: 0, allowNegative: false, notes: [],
    values: seasonalSeries(WEEK, 288, `speed-${i}`, { level: 20 + (i % 50), amplitude: 2 + (i % 7), noise: 1 + (i % 3) * 0.5, ar: 0.6 }).map((v) => Math.max(0, v)),
  }));
  const workers = availableParallelism();
  const rows: Array<Record<string, Cell>> = [];
  let autoSeconds = Number.NaN;
  for (const model of ['auto', 'ets', 'snaive'] as const) {
    const t = performance.now();
    const r = await forecastAll(histories, { model, horizon: H, paths: 100, seed: 1 }, { workers });
    const seconds = (performance.now() - t) / 1000;
    if (model === 'auto') autoSeconds = seconds;
    rows.push({ model, series: n, points: WEEK, paths: r[0]!.series.paths.length / H, workers, seconds, 'ms/series': (1000 * seconds) / n });
  }
  return {
    name: 'forecast-speed',
    title: `Forecast speed: ${n} series x ${WEEK} points, horizon ${H}, quantiles + 100 paths`,
    columns: ['model', 'series', 'points', 'paths', 'workers', 'seconds', 'ms/series'],
    rows,
    targets: [{ what: `1000 series with auto in <= 15 s on ${workers} cores`, met: autoSeconds <= 15, detail: `${autoSeconds.toFixed(2)} s` }],
  };
}

async function lstm(): Promise<BenchSection> {
  const { used } = await nabHistories();
  const rows: Array<Record<string, Cell>> = [];
  for (const backend of BACKENDS) {
    try {
      const { model, report } = await GlobalLstm.train(used, { backend, epochs: 2, seed: 1 });
      model.dispose();
      rows.push({ backend, status: 'ran', windows: report.samples, 's/epoch (1st)': report.secondsPerEpoch[0]!, 's/epoch (2nd)': report.secondsPerEpoch[1]!, 'loss (2nd)': report.loss[1]! });
    } catch (e) {
      rows.push({ backend, status: `unavailable: ${(e as Error).message.slice(0, 110)}`, windows: null, 's/epoch (1st)': null, 's/epoch (2nd)': null, 'loss (2nd)': null });
    }
  }
  return {
    name: 'forecast-lstm',
    title: `LSTM training (global, 16 units, window 48, ${used.length} NAB series x 256 windows, batch 128)`,
    columns: ['backend', 'status', 'windows', 's/epoch (1st)', 's/epoch (2nd)', 'loss (2nd)'],
    rows,
    extra: { note: 'tensorflow / tensorflow-gpu need @tensorflow/tfjs-node[-gpu], which cannot be installed without internet; the GPU path is unverified' },
  };
}

export async function benchForecast(): Promise<BenchSection[]> {
  return [...(await accuracy()), await speed(), await lstm()];
}
