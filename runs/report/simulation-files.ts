/**
 * The files `shadowcast simulate` writes (schema in docs/simulation-output.md):
 * summary.json (every figure as mean with lo/hi), nodes.csv (a row per node)
 * and windows.csv (a row per node and report window).
 */
import type { Estimate, RiskReport } from '../../twins/risk.js';
import type { ResultRun } from '../../twins/shadow/result.js';
import { NODE_METRICS, WINDOW_METRICS } from '../../twins/flow/summary.js';
import type { StoppingReport } from '../montecarlo/stopping.js';

export const SUMMARY_FORMAT = 'shadowcast-simulation/1';

/** The files a run writes into its output folder: checked before the run (runs/report/atomic.ts checkOutputFolder). */
export const SIMULATION_FILES = ['summary.json', 'nodes.csv', 'windows.csv'] as const;

/** The run section of summary.json: what the reader (twins/shadow/result.ts) reads, plus how the run went. */
export interface RunInfo extends Omit<ResultRun, 'twinHash'> {
  /** twinContentHash of the twin simulated (scenario applied): `shadow plan` refuses a result of another twin. */
  readonly twinHash: string;
  readonly workers: number;
  readonly seconds: number;
  readonly events: number;
  readonly warnings: readonly string[];
  /** Sequential stopping: the rule, replications run of the most, why it stopped (runs/montecarlo/stopping.ts). */
  readonly stopping?: StoppingReport | null;
  /** Chunks taken from checkpoints of an earlier, interrupted run (their events were not computed in `seconds`). */
  readonly resumedChunks: number;
}

export function summaryJson(info: RunInfo, risk: RiskReport): string {
  const body = {
    format: SUMMARY_FORMAT,
    // A resumed run computed only part of `events` in `seconds`: no speed rather than an inflated one.
    run: { ...info, eventsPerSecond: info.seconds > 0 && !info.resumedChunks ? info.events / info.seconds : null },
    nodes: risk.nodes.map((n) => ({
      id: n.id,
      pFail: n.pFail,
      failures: n.failures,
      replications: n.replications,
      mainCondition: n.mainCondition,
      conditions: n.conditions,
      timeToFailure: n.timeToFailure,
      latency: n.latency,
      figures: n.figures,
    })),
    entries: risk.entries,
  };
  return JSON.stringify(body, null, 1) + '\n';
}

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  if (typeof v === 'number') return String(Number(v.toPrecision(8)));
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const estCols = (name: string) => [`${name}`, `${name}_lo`, `${name}_hi`];
const estVals = (e: Estimate) => [e.mean, e.lo, e.hi];

export function nodesCsv(risk: RiskReport): string {
  const header = ['node', 'p_fail', 'p_fail_lo', 'p_fail_hi', 'failures', 'replications', 'main_condition', 'ttf_p10', 'ttf_p50', 'ttf_p90', 'latency_p50', 'latency_p95', 'latency_p99', ...NODE_METRICS.flatMap(estCols)];
  const rows = risk.nodes.map((n) => [
    n.id, n.pFail.mean, n.pFail.lo, n.pFail.hi, n.failures, n.replications, n.mainCondition ?? '',
    n.timeToFailure?.p10 ?? null, n.timeToFailure?.p50 ?? null, n.timeToFailure?.p90 ?? null,
    n.latency.p50, n.latency.p95, n.latency.p99,
    ...NODE_METRICS.flatMap((m) => estVals(n.figures[m])),
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

export function windowsCsv(risk: RiskReport): string {
  const header = ['node', 'window', 'start_s', 'end_s', ...WINDOW_METRICS.flatMap(estCols), 'latency_p50', 'latency_p95', 'latency_p99'];
  const rows = risk.windows.map((w) => [
    w.node, w.window, w.start, w.end, ...WINDOW_METRICS.flatMap((m) => estVals(w.figures[m])), w.latency.p50, w.latency.p95, w.latency.p99,
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
