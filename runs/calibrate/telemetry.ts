/**
 * Telemetry files -> the grid calibration fits on. Files are read by the
 * project's readers (models/telemetry: layout detected per file, every
 * problem located), then the series calibration understands are picked by
 * metric name (docs/calibrate.md):
 *   rate                                   requests/s
 *   cpu_usage_millicores | cpu_cores       CPU in use (to cores)
 *   cpu_usage_rate_pct (with millicores)   share of the limit: limit = usage / share
 *   cpu_limit_cores                        the limit itself
 *   server_latency_pNN_s | latency_pNN_s   server latency quantile NN (also _ms)
 * Several files naming one node are its pods, merged (twins/calibrate/pods.ts).
 * Every series must share one step; windows are epoch seconds floored to it.
 * Values stay as read: NaN (an idle pod's latency) is a window without a
 * value, never filled.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TelemetryError } from '../../models/telemetry/errors.js';
import { readRaw, type TelemetryLayout } from '../../models/telemetry/read.js';
import type { RawSeries } from '../../models/telemetry/series.js';
import { finiteMedian, type FrontTelemetry, type ServiceTelemetry, type TelemetryGrid } from '../../twins/calibrate/grid.js';
import { mergePods } from '../../twins/calibrate/pods.js';

type Role = { kind: 'rate' } | { kind: 'cpu'; toCores: number } | { kind: 'cpuShare' } | { kind: 'cpuLimit' } | { kind: 'latency'; q: number; toSeconds: number };

/** What a metric name means to calibration; null = not used. */
export function metricRole(metric: string): Role | null {
  if (metric === 'rate') return { kind: 'rate' };
  if (metric === 'cpu_usage_millicores') return { kind: 'cpu', toCores: 1e-3 };
  if (metric === 'cpu_cores' || metric === 'cpu_usage_cores') return { kind: 'cpu', toCores: 1 };
  if (metric === 'cpu_usage_rate_pct') return { kind: 'cpuShare' };
  if (metric === 'cpu_limit_cores') return { kind: 'cpuLimit' };
  const m = /^(?:server_)?latency_p(\d{2,3})_(s|ms)$/.exec(metric);
  if (m) {
    const digits = m[1]!;
    return { kind: 'latency', q: Number(digits) / 10 ** digits.length, toSeconds: m[2] === 'ms' ? 1e-3 : 1 };
  }
  return null;
}

/** Files named on the command line: a folder stands for its .csv and .json files, in name order. */
export async function expandTelemetryPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch (e) {
      throw new TelemetryError({ file: p }, 'a readable file or folder', (e as Error).message);
    }
    if (!info.isDirectory()) {
      out.push(p);
      continue;
    }
    const names = (await readdir(p)).filter((n) => /\.(csv|json)$/i.test(n)).sort();
    if (names.length === 0) throw new TelemetryError({ file: p }, 'a folder with .csv or .json telemetry files', 'none');
    out.push(...names.map((n) => join(p, n)));
  }
  // A file named twice (itself and through its folder) would count its pod twice.
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const f of out) {
    if (seen.has(resolve(f))) continue;
    seen.add(resolve(f));
    unique.push(f);
  }
  return unique;
}

function medianStep(s: RawSeries): number {
  const d: number[] = [];
  for (let i = 1; i < s.times.length; i++) d.push((s.times[i]! - s.times[i - 1]!) / 1000);
  return finiteMedian(d);
}

/** The step most rate series have (the longer one on a tie): the others are named as the odd ones out. */
function commonStep(steps: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const s of steps) if (Number.isFinite(s)) counts.set(Math.round(s * 1000) / 1000, (counts.get(Math.round(s * 1000) / 1000) ?? 0) + 1);
  let best = NaN;
  for (const [s, n] of counts) if (!Number.isFinite(best) || n > counts.get(best)! || (n === counts.get(best)! && s > best)) best = s;
  return best;
}

interface Picked {
  readonly series: RawSeries;
  readonly role: Role;
}

/** Reads the files and puts the series calibration uses on one grid. Throws TelemetryError naming file, line and column. */
export async function readTelemetryGrid(paths: readonly string[], layout?: TelemetryLayout): Promise<{ grid: TelemetryGrid; notes: string[] }> {
  const files = await expandTelemetryPaths(paths);
  const picked: Picked[] = [];
  for (const f of files) {
    for (const s of await readRaw(f, layout)) {
      const role = metricRole(s.metric);
      if (role) picked.push({ series: s, role });
    }
  }
  const rates = picked.filter((p) => p.role.kind === 'rate');
  if (rates.length === 0) throw new TelemetryError({ file: files.join(', ') }, 'at least one request-rate series (metric "rate", e.g. Nezha PodWorkload(Ops))', 'none');
  const step = commonStep(rates.map((p) => medianStep(p.series)));
  if (!(step > 0)) throw new TelemetryError({ file: rates[0]!.series.file }, 'rate series with at least two distinct times', 'one time only');
  for (const p of picked) {
    const own = medianStep(p.series);
    if (Number.isFinite(own) && Math.abs(own - step) > 0.01 * step) {
      throw new TelemetryError({ file: p.series.file, column: p.series.column }, `a step of ${step} s like the rate series`, `${own} s for series ${p.series.node}/${p.series.metric}`);
    }
  }
  const first = Math.min(...picked.map((p) => Math.floor(p.series.times[0]! / 1000 / step)));
  const last = Math.max(...picked.map((p) => Math.floor(p.series.times[p.series.times.length - 1]! / 1000 / step)));
  const length = last - first + 1;
  const notes: string[] = [];
  // node -> file -> that pod's series (several files naming one node are its pods).
  const pods = new Map<string, Map<string, { rate?: Float64Array; cpu?: Float64Array; share?: Float64Array; limit?: number; latency: Map<number, Float64Array> }>>();
  const seen = new Map<string, string>();
  for (const { series: s, role } of picked) {
    const grid = new Float64Array(length).fill(NaN);
    const scale = role.kind === 'cpu' ? role.toCores : role.kind === 'latency' ? role.toSeconds : 1;
    let repeats = 0;
    s.times.forEach((t, i) => {
      const v = s.values[i]!;
      if (v < 0) throw new TelemetryError({ file: s.file, line: s.lines[i]!, column: s.column }, 'a value >= 0', String(v));
      const w = Math.floor(t / 1000 / step) - first;
      if (Number.isFinite(grid[w]!)) repeats++;
      grid[w] = v * scale;
    });
    if (repeats > 0) notes.push(`${s.file} ${s.column}: ${repeats} window(s) with two values, the later kept`);
    const byFile = pods.get(s.node) ?? new Map();
    pods.set(s.node, byFile);
    const pod = byFile.get(s.file) ?? { latency: new Map<number, Float64Array>() };
    byFile.set(s.file, pod);
    const key = role.kind === 'latency' ? `latency q${role.q}` : role.kind;
    const earlier = seen.get(`${s.node}\u0000${s.file}\u0000${key}`);
    if (earlier) throw new TelemetryError({ file: s.file, column: s.column }, `one ${key} series per node in a file`, `a second one for ${JSON.stringify(s.node)} (the first: column ${earlier})`);
    seen.set(`${s.node}\u0000${s.file}\u0000${key}`, s.column);
    if (role.kind === 'rate') pod.rate = grid;
    else if (role.kind === 'cpu') pod.cpu = grid;
    else if (role.kind === 'cpuShare') pod.share = grid;
    else if (role.kind === 'cpuLimit') pod.limit = finiteMedian(grid);
    else pod.latency.set(role.q, grid);
  }
  const services: ServiceTelemetry[] = [];
  const front: FrontTelemetry[] = [];
  for (const [id, byFile] of [...pods].sort((a, b) => a[0].localeCompare(b[0]))) {
    const merged = mergePods(id, [...byFile.values()], length);
    if (!merged) {
      // Latency without a rate (Nezha's front_service.csv): the front's end-to-end latency, kept for the check only.
      const only = byFile.size === 1 ? [...byFile.values()][0]! : undefined;
      if (only && only.latency.size > 0) {
        front.push({ id, latency: [...only.latency].sort((x, y) => x[0] - y[0]).map(([q, values]) => ({ q, values })) });
        notes.push(`${id}: no rate series: not fitted on; its latency (p${[...only.latency.keys()].sort((x, y) => x - y).map((q) => Math.round(100 * q)).join('/p')}) is compared with the twin's entry response in the check (end to end)`);
      } else notes.push(`${id}: no rate series, its other series are not used`);
      continue;
    }
    if (byFile.size > 1) notes.push(`${id}: ${byFile.size} files (pods) merged: rates and CPU summed, latency quantiles weighted by rate`);
    services.push(merged);
  }
  return { grid: { start: first * step, step, length, services, ...(front.length > 0 ? { front } : {}) }, notes };
}

/** Epoch seconds from a flag value: a number of epoch seconds, or an ISO date-time (UTC unless it says otherwise). */
export function parseTime(raw: string): number {
  if (/^\d+(\.\d+)?$/.test(raw)) {
    // Beyond the range of a Date every message that shows the time would fail (exit 4) instead of naming the flag.
    if (!Number.isFinite(new Date(Number(raw) * 1000).getTime())) throw new Error(`expected epoch seconds up to 8640000000000 (the year 275760), got '${raw}'`);
    return Number(raw);
  }
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`expected epoch seconds or an ISO date-time such as 2023-01-29T12:40Z, got '${raw}'`);
  return ms / 1000;
}
