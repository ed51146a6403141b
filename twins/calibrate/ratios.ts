/**
 * Calls per request from rates: a callee serves sum_A m_A * rate_A(t) in
 * every window. A caller without telemetry gets a derived series (its own
 * callers' rates times the fitted ratios); a callee without telemetry, or
 * with too few windows, keeps the twin's ratios and the report says why.
 */
import type { Twin } from '../definition/types.js';
import { serviceOf, type TelemetryGrid } from './grid.js';
import type { CallCalibration, FitQuality } from './report.js';

export interface RatioOptions {
  /** Fewest windows with the callee and every caller known (default 10). */
  readonly minWindows?: number;
}

/** Edge of the twin summed over call groups: (from, to) -> total mean calls per request. */
export interface EdgeTotal {
  readonly from: number;
  readonly to: number;
  readonly mean: number;
}

export function callTotals(twin: Twin): EdgeTotal[] {
  const sum = new Map<string, EdgeTotal>();
  for (const n of twin.nodes) {
    for (const g of n.callGroups) {
      for (const c of g.calls) {
        const k = `${n.index}>${c.to}`;
        const prev = sum.get(k);
        sum.set(k, { from: n.index, to: c.to, mean: (prev?.mean ?? 0) + c.meanCalls });
      }
    }
  }
  return [...sum.values()];
}

function quality(r2: number): FitQuality {
  return r2 >= 0.9 ? 'good' : r2 >= 0.6 ? 'fair' : 'poor';
}

/** Callers before callees along call edges (a cycle is cut where it closes). */
function callersFirst(twin: Twin, edges: readonly EdgeTotal[]): number[] {
  const order: number[] = [];
  const state = new Uint8Array(twin.nodes.length);
  const visit = (i: number): void => {
    if (state[i] !== 0) return;
    state[i] = 1;
    for (const e of edges) if (e.to === i) visit(e.from);
    state[i] = 2;
    order.push(i);
  };
  twin.nodes.forEach((_, i) => visit(i));
  return order;
}

/**
 * Fits every call edge's calls per request; returns one record per (from, to).
 * Callers first, each callee's inflow model base(t) = sum_A rate_A(t) m_A
 * (callers' rates measured, or derived with the ratios already fitted) is
 * scaled by k = sum rate / sum base over the windows where both are known,
 * so the calibrated twin reproduces each measured service's mean rate, and
 * the trace's split among callers (who calls whom, in what proportion) is
 * kept. The callers' rates usually rise and fall together, which leaves a
 * free per-caller fit ill-posed; the R^2 of k * base(t) against the measured
 * rate says how well the flow model follows it window by window.
 */
export function fitCallRatios(twin: Twin, grid: TelemetryGrid, opts: RatioOptions = {}): CallCalibration[] {
  const minWindows = opts.minWindows ?? 10;
  const edges = callTotals(twin);
  const fitted = edges.map((e) => e.mean);
  const measured: (Float64Array | null)[] = twin.nodes.map((n) => serviceOf(grid, n.id)?.rate ?? null);
  const rates: Float64Array[] = twin.nodes.map((_, i) => measured[i] ?? new Float64Array(grid.length).fill(NaN));
  const entryNodes = new Set(twin.entries.map((e) => e.node));
  const out: CallCalibration[] = [];
  const name = (i: number) => twin.nodes[i]!.id;
  for (const b of callersFirst(twin, edges)) {
    const incoming = edges.map((e, j) => ({ e, j })).filter(({ e }) => e.to === b);
    if (incoming.length === 0) continue;
    const base = new Float64Array(grid.length);
    for (const { e, j } of incoming) for (let t = 0; t < grid.length; t++) base[t] = base[t]! + rates[e.from]![t]! * fitted[j]!;
    const y = measured[b];
    const record = (k: number, r2: number, windows: number, reason: string): void => {
      for (const { e, j } of incoming) {
        fitted[j] = fitted[j]! * k;
        out.push({ from: name(e.from), to: name(b), before: e.mean, after: fitted[j]!, r2, windows, quality: reason ? 'none' : quality(r2), reason });
      }
      if (!y) rates[b] = base.map((v) => v * k);
    };
    if (!y) { record(1, NaN, 0, `no rate telemetry for ${name(b)}`); continue; }
    if (entryNodes.has(b)) { record(1, NaN, 0, `${name(b)} is also an entry: its rate mixes outside arrivals with calls`); continue; }
    const rows: number[] = [];
    for (let t = 0; t < grid.length; t++) if (Number.isFinite(y[t]) && Number.isFinite(base[t])) rows.push(t);
    const sumY = rows.reduce((s, t) => s + y[t]!, 0);
    const sumBase = rows.reduce((s, t) => s + base[t]!, 0);
    if (rows.length < minWindows) { record(1, NaN, rows.length, `${rows.length} window(s) with the rates of ${name(b)} and all its callers (need ${minWindows})`); continue; }
    if (!(sumBase > 0)) { record(1, NaN, rows.length, `its callers served nothing in the calibration windows`); continue; }
    const k = sumY / sumBase;
    const mean = sumY / rows.length;
    let rss = 0, tss = 0;
    for (const t of rows) {
      rss += (y[t]! - k * base[t]!) ** 2;
      tss += (y[t]! - mean) ** 2;
    }
    record(k, tss > 0 ? 1 - rss / tss : NaN, rows.length, '');
  }
  return out;
}
