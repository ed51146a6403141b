/**
 * `make bench` section `calibrate`: a twin imported from the Nezha
 * Train-Ticket trace (08:50, 71 traces) is calibrated on the day's per-pod
 * telemetry and judged by prediction (docs/calibrate.md):
 *  - calibrate on 08:41-12:41 UTC, then drive the twin with the gateway's
 *    recorded rate over 12:41-15:45 and compare, per service, throughput
 *    (target within 2 %) and the median per-minute p90/p95 server latency
 *    (target within 25 %; the pods export p90/p95/p99 only, no p50), and the
 *    end-to-end p50/p90/p95 of front_service.csv against the gateway's response;
 *  - beside each error, the drift between the two periods in the measurement
 *    itself: the service's rate per gateway request, and its latency, moved
 *    by that much, which no twin with fixed parameters can follow;
 *  - section `calibrate-splits`: the same at other origins (expanding
 *    calibration window, the next hour checked), a replay of the calibration
 *    window itself (model error without drift), and the rest of the day
 *    (after ~15:50 the load generator stops the booking flows: a mix change).
 * BENCH_CALIBRATE_REPLICATIONS (default 4) sets the replications per check.
 */
import { join } from 'node:path';
import { SHARED_DATA_DIR } from '../runs/paths.js';
import { readTelemetryGrid } from '../runs/calibrate/telemetry.js';
import { windowsOf } from '../runs/calibrate/calibrate-files.js';
import { importTraceFile } from '../twins/import/trace.js';
import { calibrateTwin } from '../twins/calibrate/calibrate.js';
import { finiteMean, finiteMedian, serviceOf, type TelemetryGrid } from '../twins/calibrate/grid.js';
import { LATENCY_TARGET, predictHeldOut, THROUGHPUT_TARGET, type PredictionSummary } from '../twins/calibrate/predict.js';
import type { BenchSection, Cell } from './table.js';

const DAY = join(SHARED_DATA_DIR, 'nezha-train-ticket', '2023-01-29');
const ENTRY = 'ts-gateway-service';
const utc = (hhmm: string): number => Date.parse(`2023-01-29T${hhmm}:00Z`) / 1000;

interface Split {
  readonly name: string;
  readonly fit: readonly [number, number];
  readonly check: readonly [number, number];
}

const MAIN: Split = { name: 'main: 08:41-12:41 -> 12:41-15:45', fit: [utc('08:41'), utc('12:41')], check: [utc('12:41'), utc('15:45')] };
const SPLITS: readonly Split[] = [
  ...['10:41', '11:41', '12:41', '13:41', '14:41'].map((h) => ({ name: `08:41-${h} -> next hour`, fit: [utc('08:41'), utc(h)] as const, check: [utc(h), utc(h) + 3600] as const })),
  MAIN,
  { name: 'replay: 08:41-12:41 -> itself', fit: MAIN.fit, check: MAIN.fit },
  { name: 'rest of day: 08:41-12:41 -> 12:41-23:59', fit: MAIN.fit, check: [utc('12:41'), utc('23:59')] },
];

function perEntry(grid: TelemetryGrid, id: string): number {
  return finiteMean(serviceOf(grid, id)!.rate) / finiteMean(serviceOf(grid, ENTRY)!.rate);
}

function medianQ(grid: TelemetryGrid, id: string, q: number, minRequests: number): number {
  const s = serviceOf(grid, id)!;
  const l = s.latency.find((x) => x.q === q);
  if (!l) return NaN;
  return finiteMedian(Array.from(l.values).filter((v, w) => s.rate[w]! * grid.step >= minRequests && v > 0));
}

async function runSplit(split: Split, grid: TelemetryGrid, replications: number) {
  const { twin, input } = await importTraceFile(join(DAY, 'trace', '08_50_trace.csv'));
  const fitGrid = windowsOf(grid, split.fit[0], split.fit[1], 'calibration');
  const checkGrid = windowsOf(grid, split.check[0], split.check[1], 'check');
  const { input: calibrated, report } = calibrateTwin(twin, input, fitGrid);
  const prediction = predictHeldOut(calibrated, checkGrid, 'bench', { seed: 1, replications });
  return { report, prediction, fitGrid, checkGrid };
}

const r1 = (x: number): Cell => (Number.isFinite(x) ? Math.round(1000 * x) / 10 : null);
const within = (xs: number[], tol: number): number => xs.filter((x) => Math.abs(x) <= tol).length;

function shares(p: PredictionSummary): Record<string, Cell> {
  const thr = p.services.map((s) => s.throughput.error).filter(Number.isFinite);
  const lat = (q: number) => p.services.map((s) => s.latency.find((l) => l.q === q)?.error ?? NaN).filter(Number.isFinite);
  return {
    'thr within 2%': `${within(thr, THROUGHPUT_TARGET)}/${thr.length}`,
    'thr median |err| %': r1(finiteMedian(thr.map(Math.abs))),
    'p90 within 25%': `${within(lat(0.9), LATENCY_TARGET)}/${lat(0.9).length}`,
    'p95 within 25%': `${within(lat(0.95), LATENCY_TARGET)}/${lat(0.95).length}`,
    'p95 median |err| %': r1(finiteMedian(lat(0.95).map(Math.abs))),
    'front p50 err %': r1(front(p, 0.5)?.error ?? NaN),
  };
}

/** The front's end-to-end quantile q against the entry's predicted response (the only p50 the Nezha day records). */
function front(p: PredictionSummary, q: number) {
  return p.endToEnd[0]?.latency.find((l) => l.q === q);
}

export async function benchCalibrate(): Promise<BenchSection[]> {
  const replications = Number(process.env.BENCH_CALIBRATE_REPLICATIONS ?? 4);
  const { grid } = await readTelemetryGrid([join(DAY, 'metric')]);
  const main = await runSplit(MAIN, grid, replications);
  const quality = new Map(main.report.services.map((s) => [s.id, s.quality]));
  const rows = main.prediction.services.map((s) => {
    const lat = (q: number) => s.latency.find((l) => l.q === q);
    const p90 = lat(0.9);
    const p95 = lat(0.95);
    return {
      service: s.id,
      fit: quality.get(s.id) ?? 'not in twin',
      'req/s meas': s.throughput.measured,
      'req/s pred': s.throughput.predicted,
      'thr err %': r1(s.throughput.error),
      'count noise ±%': r1(s.throughput.noise),
      'mix drift %': r1(perEntry(main.checkGrid, s.id) / perEntry(main.fitGrid, s.id) - 1),
      'p90 ms meas': p90 ? 1000 * p90.measured : null,
      'p90 ms pred': p90 ? 1000 * p90.predicted : null,
      'p90 err %': p90 ? r1(p90.error) : null,
      'p95 ms meas': p95 ? 1000 * p95.measured : null,
      'p95 ms pred': p95 ? 1000 * p95.predicted : null,
      'p95 err %': p95 ? r1(p95.error) : null,
      'p95 drift %': r1(medianQ(main.checkGrid, s.id, 0.95, 5) / medianQ(main.fitGrid, s.id, 0.95, 5) - 1),
    } satisfies Record<string, Cell>;
  });
  const s = shares(main.prediction);
  const thrAll = main.prediction.services.map((x) => x.throughput.error).filter(Number.isFinite);
  // The best any twin with fixed calls per request, driven by the entry rate, can do: the error is then the mix drift.
  const drifts = main.prediction.services.map((x) => perEntry(main.checkGrid, x.id) / perEntry(main.fitGrid, x.id) - 1).filter(Number.isFinite);
  const all = (q: number): boolean => main.prediction.latencyShare.find((l) => l.q === q)?.share === 1;
  const mainSection: BenchSection = {
    name: 'calibrate',
    title: `Calibrated Train-Ticket twin, ${MAIN.name} (UTC), ${replications} replications: measured vs predicted per service`,
    columns: Object.keys(rows[0]!),
    rows,
    targets: [
      { what: 'throughput within 2 % per service', met: within(thrAll, THROUGHPUT_TARGET) === thrAll.length, detail: `${s['thr within 2%']} services (median |error| ${s['thr median |err| %']} %); exact calibration-window ratios would meet it on ${within(drifts.map((d) => 1 / (1 + d) - 1), THROUGHPUT_TARGET)}/${drifts.length} (the rest is mix drift); ${main.prediction.services.filter((x) => x.throughput.noise > THROUGHPUT_TARGET).length} services served so few requests that counting noise alone exceeds 2 %` },
      { what: 'p90 server latency within 25 % per service', met: all(0.9), detail: `${s['p90 within 25%']} services` },
      { what: 'p95 server latency within 25 % per service', met: all(0.95), detail: `${s['p95 within 25%']} services (median |error| ${s['p95 median |err| %']} %)` },
      ...[0.5, 0.9, 0.95].map((q) => {
        const f = front(main.prediction, q);
        return { what: `end-to-end p${Math.round(100 * q)} (front_service.csv vs the gateway's response) within 25 %`, met: f !== undefined && Math.abs(f.error) <= LATENCY_TARGET, detail: f ? `${(1000 * f.measured).toFixed(1)} ms measured, ${(1000 * f.predicted).toFixed(1)} ms predicted (${(100 * f.error).toFixed(1)} %, ${f.windows} minutes)` : 'no front series' };
      }),
    ],
    extra: { report: main.report },
  };
  const splitRows: Record<string, Cell>[] = [];
  for (const split of SPLITS) {
    const r = split === MAIN ? main : await runSplit(split, grid, replications);
    splitRows.push({ split: split.name, ...shares(r.prediction) });
  }
  return [mainSection, { name: 'calibrate-splits', title: 'Calibrated Train-Ticket twin at several origins: services meeting each target', columns: Object.keys(splitRows[0]!), rows: splitRows }];
}
