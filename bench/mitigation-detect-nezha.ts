/**
 * The Nezha Train-Ticket day as a detection benchmark: loading, the
 * footprint rule, the two detectors run on it, and the split into halves.
 * Method and figures: docs/mitigation-detect.md.
 *
 *  - Data: per-pod metric CSVs read raw with models/telemetry (NaN latency
 *    kept as NaN, PodSuccessRate skipped by the reader), on a 60-s grid from
 *    the first row's epoch `TimeStamp` (which agrees with the text time).
 *  - Faults: fault_list.json; the start is the *text* time read as UTC (the
 *    epoch values are off by ~8 h, data README). The list has no end: a fault
 *    is taken to last FAULT_MINUTES (the CPU contentions show 3–4 min of
 *    ~100 % CPU), and a detection counts within [start, start + FAULT_MINUTES
 *    + GRACE_MINUTES] on the faulted service or a direct caller (call graph
 *    from the trace of the fault-free phase).
 *  - Footprint (the recall's denominator), fixed from the data's noise before
 *    any detector setting was chosen: some FOOTPRINT_METRICS series of the
 *    faulted pod has ≥ 2 consecutive minutes in the window beyond the range
 *    of the 60 minutes before the fault by the metric's floor. Its *placebo
 *    rate* (the same rule at fault-free times on every pod) is measured and
 *    reported: a rule that fires on clean windows too measures noise, not
 *    faults (the earlier Tukey-fence rule with client latency fired on 31 %).
 *  - Halves: alternating clock hours (UTC hour even: tuning; odd: test), so
 *    both halves hold morning and afternoon, faults and clean time.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readNezhaCallGraph, callersOf } from '../models/telemetry/nezha-trace.js';
import { readRaw } from '../models/telemetry/read.js';
import { nezhaNode } from '../models/telemetry/nezha.js';
import { SHARED_DATA_DIR } from '../runs/paths.js';
import type { BadDirection } from '../twins/mitigation/detect.js';
import { onlineAlarms, type OnlineParams } from '../twins/mitigation/detect-online.js';
import { robustAlarms, type RobustAlarm, type RobustParams, type WatchedSeries } from '../twins/mitigation/detect-robust.js';
import type { LabelledFault, ScoreOptions, ScoredAlarm } from '../twins/mitigation/detect-score.js';

export const NEZHA_DAY_DIR = join(SHARED_DATA_DIR, 'nezha-train-ticket', '2023-01-29');
export const FAULT_MINUTES = 5;
export const GRACE_MINUTES = 5;
export const CLEAN_MARGIN_MINUTES = 10;
/** Alarms on a service less than this many minutes apart are one incident (one page). */
export const MERGE_MINUTES = 10;
const STEP_MS = 60_000;

/**
 * Every metric the bench reads, with the direction that is a problem and its
 * floor: the smallest change worth an alarm, set from the unit before any
 * scoring (5 CPU points, 20 MiB ≈ 4 % of these JVM pods' memory, 0.1 s of
 * server latency, 1 s of client latency — whose quiet-time values already
 * jump between 5 ms and 28 s timeouts — and 0.5 requests/s at < 1 request/s
 * per pod).
 */
export const NEZHA_METRICS: ReadonlyArray<{ readonly metric: string; readonly bad: BadDirection; readonly floor: number }> = [
  { metric: 'cpu_usage_rate_pct', bad: 'increase', floor: 5 },
  { metric: 'memory_usage_mib', bad: 'increase', floor: 20 },
  { metric: 'server_latency_p90_s', bad: 'increase', floor: 0.1 },
  { metric: 'server_latency_p95_s', bad: 'increase', floor: 0.1 },
  { metric: 'server_latency_p99_s', bad: 'increase', floor: 0.1 },
  { metric: 'client_latency_p99_s', bad: 'increase', floor: 1 },
  { metric: 'rate', bad: 'either', floor: 0.5 },
];

/** The footprint rule's metrics: all but client latency, whose own quiet-time jumps alone made a rule fire on ~20 % of clean windows. */
export const FOOTPRINT_METRICS: readonly string[] = ['cpu_usage_rate_pct', 'memory_usage_mib', 'server_latency_p90_s', 'server_latency_p95_s', 'server_latency_p99_s', 'rate'];

export interface NezhaDay {
  readonly t0Ms: number;
  readonly steps: number;
  /** pod (service name) -> metric -> values on the grid (NaN where missing). */
  readonly pods: ReadonlyMap<string, ReadonlyMap<string, Float64Array>>;
}

export interface NezhaFault {
  readonly index: number;
  readonly pod: string;
  readonly type: string;
  readonly text: string;
  readonly startMs: number;
}

/** Reads the per-pod files (all, or those whose pod is listed). */
export async function loadNezhaDay(pods?: readonly string[], dir = join(NEZHA_DAY_DIR, 'metric')): Promise<NezhaDay> {
  const files = (await readdir(dir)).filter((f) => f.startsWith('ts-') && f.endsWith('_metric.csv')).sort();
  const wanted = new Set(NEZHA_METRICS.map((m) => m.metric));
  const raws = [];
  for (const f of files) {
    const pod = nezhaNode(f.replace(/_metric\.csv$/, ''));
    if (pods && !pods.includes(pod)) continue;
    raws.push(...(await readRaw(join(dir, f), 'nezha')).filter((r) => wanted.has(r.metric)));
  }
  const t0Ms = Math.min(...raws.map((r) => r.times[0]!));
  const steps = Math.max(...raws.map((r) => Math.round((r.times[r.times.length - 1]! - t0Ms) / STEP_MS))) + 1;
  const out = new Map<string, Map<string, Float64Array>>();
  for (const r of raws) {
    const v = new Float64Array(steps).fill(NaN);
    r.times.forEach((t, i) => { v[Math.round((t - t0Ms) / STEP_MS)] = r.values[i]!; });
    if (!out.has(r.node)) out.set(r.node, new Map());
    out.get(r.node)!.set(r.metric, v);
  }
  return { t0Ms, steps, pods: out };
}

export async function loadNezhaFaults(file = join(NEZHA_DAY_DIR, 'fault_list.json')): Promise<NezhaFault[]> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, Array<{ inject_time: string; inject_pod: string; inject_type: string }>>;
  const list = Object.values(doc).flat().map((f) => ({
    pod: nezhaNode(f.inject_pod), type: f.inject_type, text: f.inject_time,
    startMs: Date.parse(f.inject_time.replace(' ', 'T') + 'Z'),
  }));
  return list.sort((a, b) => a.startMs - b.startMs).map((f, index) => ({ index, ...f }));
}

/** callee -> direct callers, from the fault-free trace. */
export async function loadNezhaCallers(file = join(NEZHA_DAY_DIR, 'trace', '08_50_trace.csv')): Promise<Map<string, string[]>> {
  return callersOf(await readNezhaCallGraph(file));
}

/** Grid step of the first sample at or after a time. */
export function stepAt(day: NezhaDay, ms: number): number {
  return Math.ceil((ms - day.t0Ms) / STEP_MS);
}

/** The bench's scoring rules (module comment), with the call graph for caller hits. */
export function nezhaScoreOptions(callers: ReadonlyMap<string, readonly string[]>): ScoreOptions {
  return { faultSteps: FAULT_MINUTES, graceSteps: GRACE_MINUTES, cleanMarginSteps: CLEAN_MARGIN_MINUTES, stepsPerHour: 60, mergeGap: MERGE_MINUTES, callers };
}

export type Footprint = { readonly status: 'footprint' | 'none' | 'no baseline'; readonly metric: string | null };

/** The footprint rule of the module comment, on a pod from a step (a fault's start, or a placebo time). */
export function footprintAt(day: NezhaDay, pod: string, start: number): Footprint {
  const metrics = day.pods.get(pod);
  if (!metrics) return { status: 'no baseline', metric: null };
  const floors = new Map(NEZHA_METRICS.map((m) => [m.metric, m.floor]));
  let anyBaseline = false;
  for (const metric of FOOTPRINT_METRICS) {
    const v = metrics.get(metric);
    if (!v) continue;
    const base = Array.from(v.subarray(Math.max(0, start - 60), start)).filter(Number.isFinite);
    if (base.length < 10) continue;
    anyBaseline = true;
    const floor = floors.get(metric)!;
    const lo = Math.min(...base) - floor, hi = Math.max(...base) + floor;
    let run = 0;
    for (let t = start; t <= Math.min(start + FAULT_MINUTES + GRACE_MINUTES, day.steps - 1); t++) {
      const x = v[t]!;
      run = Number.isFinite(x) && (x < lo || x > hi) ? run + 1 : 0;
      if (run >= 2) return { status: 'footprint', metric };
    }
  }
  return { status: anyBaseline ? 'none' : 'no baseline', metric: null };
}

export function labelledFaults(day: NezhaDay, faults: readonly NezhaFault[]): Array<LabelledFault & { readonly footprintMetric: string | null; readonly footprintStatus: Footprint['status'] }> {
  return faults.map((f) => {
    const startStep = stepAt(day, f.startMs);
    const fp = footprintAt(day, f.pod, startStep);
    return { id: `fault ${f.index} ${f.text.slice(11, 16)}`, node: f.pod, type: f.type, startStep, footprint: fp.status === 'footprint', footprintMetric: fp.metric, footprintStatus: fp.status };
  });
}

/**
 * Placebo rate of the footprint rule: the share of (pod, time) pairs, time
 * every 5 minutes where the window and its 10-minute margins touch no fault's,
 * on which the rule fires.
 */
export function footprintPlacebo(day: NezhaDay, faults: readonly LabelledFault[], o: ScoreOptions): { readonly fired: number; readonly tried: number } {
  const span = o.faultSteps + o.graceSteps;
  const dirty = new Uint8Array(day.steps);
  for (const f of faults) for (let t = Math.max(0, f.startStep - o.cleanMarginSteps); t <= Math.min(day.steps - 1, f.startStep + span + o.cleanMarginSteps); t++) dirty[t] = 1;
  let fired = 0, tried = 0;
  for (let s = 60; s + span < day.steps; s += 5) {
    if (dirty.subarray(s, s + span + 1).some((x) => x === 1)) continue;
    for (const pod of day.pods.keys()) {
      tried++;
      if (footprintAt(day, pod, s).status === 'footprint') fired++;
    }
  }
  return { fired, tried };
}

/** Series watched by the robust detector: every pod × the listed metrics. */
export function watchedSeries(day: NezhaDay, metrics: readonly string[]): WatchedSeries[] {
  const out: WatchedSeries[] = [];
  for (const [pod, series] of [...day.pods].sort((a, b) => a[0].localeCompare(b[0]))) {
    for (const m of NEZHA_METRICS) {
      if (!metrics.includes(m.metric)) continue;
      const values = series.get(m.metric);
      if (values) out.push({ node: pod, metric: m.metric, values, bad: m.bad, floor: m.floor });
    }
  }
  return out;
}

export function nezhaRobustAlarms(day: NezhaDay, metrics: readonly string[], params: RobustParams): RobustAlarm[] {
  return robustAlarms(watchedSeries(day, metrics), params);
}

/** The earlier judge-based detector (detect-online.ts) on every pod and the metrics it watched, for comparison. */
export function nezhaJudgeAlarms(day: NezhaDay, params: OnlineParams, from = 0, to = day.steps): ScoredAlarm[] {
  const out: ScoredAlarm[] = [];
  const metrics = ['cpu_usage_rate_pct', 'memory_usage_mib', 'server_latency_p90_s', 'server_latency_p95_s', 'server_latency_p99_s', 'rate'];
  const floors: Record<string, number> = { cpu_usage_rate_pct: 5, memory_usage_mib: 50, rate: 0.5 };
  for (const [pod, series] of [...day.pods].sort((a, b) => a[0].localeCompare(b[0]))) {
    for (const m of NEZHA_METRICS) {
      const v = series.get(m.metric);
      if (!v || !metrics.includes(m.metric)) continue;
      for (const a of onlineAlarms(v, params, m.bad, from, to, floors[m.metric] ?? 0.1)) out.push({ node: pod, step: a.step, metric: m.metric });
    }
  }
  return out.sort((a, b) => a.step - b.step || a.node.localeCompare(b.node));
}

/** The halves: UTC clock hour of a step even (tuning) or odd (test). */
export function hourParity(day: NezhaDay, parity: 0 | 1): (step: number) => boolean {
  return (step) => new Date(day.t0Ms + step * STEP_MS).getUTCHours() % 2 === parity;
}
