/**
 * The judge-based online detector (twins/mitigation/detect-online.ts) on the
 * Nezha Train-Ticket day: loading, the footprint rule, and scoring. Method
 * and figures: docs/mitigation-detect.md.
 *
 *  - Data: per-pod metric CSVs read raw with models/telemetry (NaN latency
 *    kept as NaN, PodSuccessRate skipped by the reader), placed on a 60-s grid
 *    from the first row's epoch `TimeStamp` (which agrees with the text time
 *    in these files).
 *  - Faults: fault_list.json; the start is the *text* time read as UTC (the
 *    epoch values are off by ~8 h, data README). The list has no end: a fault
 *    is taken to last FAULT_MINUTES (the CPU-contention faults show ~4 min of
 *    100 % CPU), and a detection counts within [start, start + FAULT_MINUTES
 *    + GRACE_MINUTES].
 *  - Footprint, fixed before any detector was run: some metric of the
 *    faulted pod has at least 2 consecutive minutes in the detection window
 *    beyond Tukey's far-out fences (Q1 − 3·IQR, Q3 + 3·IQR) of the 60 minutes
 *    before the fault, and off the baseline median by more than 10 %. Faults
 *    with fewer than 10 baseline minutes cannot be judged and are reported as
 *    "no baseline".
 *  - False alarms: alarms at least CLEAN_MARGIN_MINUTES away from every
 *    fault's detection window, on any pod, counted once per pod per 10
 *    minutes; per clean hour = those minutes judged, / 60.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readRaw } from '../models/telemetry/read.js';
import { nezhaNode } from '../models/telemetry/nezha.js';
import { SHARED_DATA_DIR } from '../runs/paths.js';
import type { BadDirection } from '../twins/mitigation/detect.js';
import { onlineAlarms, type OnlineParams } from '../twins/mitigation/detect-online.js';
import { quantileSorted } from '../twins/mitigation/judge.js';

export const NEZHA_DAY_DIR = join(SHARED_DATA_DIR, 'nezha-train-ticket', '2023-01-29');
export const FAULT_MINUTES = 5;
export const GRACE_MINUTES = 5;
export const CLEAN_MARGIN_MINUTES = 10;
const STEP_MS = 60_000;

/**
 * Metrics judged, with the direction that is a problem and the band's floor
 * in the metric's unit (set from the unit before scoring, not fitted: a
 * 5-point CPU change, 50 MiB, 100 ms of latency, 0.5 requests/s — below these
 * a change at this load, < 1 request/s per pod, is not worth an alarm).
 * Client latency (the pod's own calls to others, which jump to 12-18 s
 * timeouts in clean minutes) is left out: on the tuning span it raised most
 * of the false alarms (docs/mitigation-detect.md). The footprint rule still
 * looks at it (FOOTPRINT_METRICS).
 */
export const FOOTPRINT_METRICS: readonly string[] = ['cpu_usage_rate_pct', 'memory_usage_mib', 'server_latency_p90_s', 'server_latency_p95_s', 'server_latency_p99_s', 'client_latency_p90_s', 'client_latency_p95_s', 'client_latency_p99_s', 'rate'];

export const NEZHA_METRICS: ReadonlyArray<{ readonly metric: string; readonly bad: BadDirection; readonly floor: number }> = [
  { metric: 'cpu_usage_rate_pct', bad: 'increase', floor: 5 },
  { metric: 'memory_usage_mib', bad: 'increase', floor: 50 },
  { metric: 'server_latency_p90_s', bad: 'increase', floor: 0.1 },
  { metric: 'server_latency_p95_s', bad: 'increase', floor: 0.1 },
  { metric: 'server_latency_p99_s', bad: 'increase', floor: 0.1 },
  { metric: 'rate', bad: 'either', floor: 0.5 },
];

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
  const wanted = new Set(FOOTPRINT_METRICS);
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

/** Grid step of the first sample at or after a time. */
export function stepAt(day: NezhaDay, ms: number): number {
  return Math.ceil((ms - day.t0Ms) / STEP_MS);
}

export function detectionWindow(day: NezhaDay, f: NezhaFault): [number, number] {
  const s = stepAt(day, f.startMs);
  return [s, s + FAULT_MINUTES + GRACE_MINUTES];
}

export interface Footprint { readonly status: 'footprint' | 'none' | 'no baseline'; readonly metric: string | null }

/** The footprint rule of the module comment (independent of the detector's parameters). */
export function footprintOf(day: NezhaDay, f: NezhaFault): Footprint {
  const [s, e] = detectionWindow(day, f);
  const metrics = day.pods.get(f.pod);
  if (!metrics) return { status: 'no baseline', metric: null };
  let anyBaseline = false;
  for (const metric of FOOTPRINT_METRICS) {
    const v = metrics.get(metric);
    if (!v) continue;
    const base = Float64Array.from(Array.from(v.subarray(Math.max(0, s - 60), s)).filter(Number.isFinite)).sort();
    if (base.length < 10) continue;
    anyBaseline = true;
    const q1 = quantileSorted(base, 0.25), q3 = quantileSorted(base, 0.75), med = quantileSorted(base, 0.5);
    const lo = q1 - 3 * (q3 - q1), hi = q3 + 3 * (q3 - q1);
    let run = 0;
    for (let t = s; t <= Math.min(e, day.steps - 1); t++) {
      const x = v[t]!;
      const beyond = Number.isFinite(x) && (x < lo || x > hi) && Math.abs(x - med) > 0.1 * Math.abs(med);
      run = beyond ? run + 1 : 0;
      if (run >= 2) return { status: 'footprint', metric };
    }
  }
  return { status: anyBaseline ? 'none' : 'no baseline', metric: null };
}

export interface PodAlarm { readonly pod: string; readonly step: number; readonly metric: string }

/** Alarms of every pod and metric, judged on steps [from, to). */
export function nezhaAlarms(day: NezhaDay, params: OnlineParams, from = 0, to = day.steps): PodAlarm[] {
  const out: PodAlarm[] = [];
  for (const [pod, metrics] of [...day.pods].sort((a, b) => a[0].localeCompare(b[0]))) {
    for (const { metric, bad, floor } of NEZHA_METRICS) {
      const v = metrics.get(metric);
      if (!v) continue;
      for (const a of onlineAlarms(v, params, bad, from, to, floor)) out.push({ pod, step: a.step, metric });
    }
  }
  return out.sort((a, b) => a.step - b.step || a.pod.localeCompare(b.pod));
}

export interface FaultScore {
  readonly fault: NezhaFault;
  readonly footprint: Footprint;
  /** First alarm on the faulted pod within the detection window: minutes after the start, and the metric. */
  readonly detected: { readonly afterMinutes: number; readonly metric: string } | null;
}

export interface Score {
  readonly faults: readonly FaultScore[];
  readonly withFootprint: number;
  readonly detectedWithFootprint: number;
  readonly recall: number;
  readonly falseAlarms: number;
  readonly cleanHours: number;
  readonly falseAlarmsPerCleanHour: number;
  readonly falseAlarmPods: Readonly<Record<string, number>>;
}

/** Scores alarms judged on steps [from, to) against the faults starting in that span. */
export function scoreNezha(day: NezhaDay, faults: readonly NezhaFault[], alarms: readonly PodAlarm[], from: number, to: number): Score {
  const inSpan = faults.filter((f) => { const s = stepAt(day, f.startMs); return s >= from && s < to; });
  const scored: FaultScore[] = inSpan.map((f) => {
    const [s, e] = detectionWindow(day, f);
    const hit = alarms.find((a) => a.pod === f.pod && a.step >= s && a.step <= e);
    return { fault: f, footprint: footprintOf(day, f), detected: hit ? { afterMinutes: hit.step - s, metric: hit.metric } : null };
  });
  // Clean steps: away from every fault's detection window (all faults, not only this span's) by the margin.
  const dirty = new Uint8Array(day.steps);
  for (const f of faults) {
    const [s, e] = detectionWindow(day, f);
    for (let t = Math.max(0, s - CLEAN_MARGIN_MINUTES); t <= Math.min(day.steps - 1, e + CLEAN_MARGIN_MINUTES); t++) dirty[t] = 1;
  }
  let cleanSteps = 0;
  for (let t = from; t < to; t++) if (!dirty[t]) cleanSteps++;
  const lastCounted = new Map<string, number>();
  const falseAlarmPods: Record<string, number> = {};
  let falseAlarms = 0;
  for (const a of alarms) {
    if (a.step < from || a.step >= to || dirty[a.step]) continue;
    const last = lastCounted.get(a.pod);
    if (last !== undefined && a.step - last < 10) continue;
    lastCounted.set(a.pod, a.step);
    falseAlarms++;
    falseAlarmPods[a.pod] = (falseAlarmPods[a.pod] ?? 0) + 1;
  }
  const fp = scored.filter((f) => f.footprint.status === 'footprint');
  const det = fp.filter((f) => f.detected !== null).length;
  const cleanHours = cleanSteps / 60;
  return {
    faults: scored, withFootprint: fp.length, detectedWithFootprint: det, recall: fp.length ? det / fp.length : NaN,
    falseAlarms, cleanHours, falseAlarmsPerCleanHour: cleanHours > 0 ? falseAlarms / cleanHours : NaN, falseAlarmPods,
  };
}
