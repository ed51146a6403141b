/**
 * Calls per request from rates: a callee serves sum_A m_A * rate_A(t) in
 * every window, so its callers' rate series are the columns of a
 * non-negative least squares with the callee's rate as target. A caller
 * without telemetry gets a derived series (its own callers' rates times the
 * twin's ratios); a callee without telemetry, or too few windows, keeps the
 * twin's ratios and the report says why.
 */
import type { Twin } from '../definition/types.js';
import { serviceOf, type TelemetryGrid } from './grid.js';
import type { CallCalibration, FitQuality } from './report.js';
import { nnls } from './regression.js';

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

/**
 * Rate series of every twin node: measured where the telemetry has it, else
 * derived from the callers' series and the twin's ratios (NaN where nothing
 * reaches it). Entries without telemetry are NaN: their rate is an input.
 */
export function nodeRates(twin: Twin, grid: TelemetryGrid, edges: readonly EdgeTotal[]): Float64Array[] {
  const rates: (Float64Array | null)[] = twin.nodes.map((n) => serviceOf(grid, n.id)?.rate ?? null);
  const into = twin.nodes.map((n) => edges.filter((e) => e.to === n.index));
  // Derived series, resolved callers-first; a cycle of unmeasured nodes stays NaN.
  for (let pass = 0; pass < twin.nodes.length; pass++) {
    let progress = false;
    twin.nodes.forEach((n, i) => {
      if (rates[i] !== null || into[i]!.length === 0) return;
      if (into[i]!.some((e) => rates[e.from] === null)) return;
      const out = new Float64Array(grid.length);
      for (const e of into[i]!) for (let t = 0; t < grid.length; t++) out[t] = out[t]! + rates[e.from]![t]! * e.mean;
      rates[i] = out;
      progress = true;
    });
    if (!progress) break;
  }
  return rates.map((r) => r ?? new Float64Array(grid.length).fill(NaN));
}

function quality(r2: number): FitQuality {
  return r2 >= 0.9 ? 'good' : r2 >= 0.6 ? 'fair' : 'poor';
}

/** Fits every call edge's calls per request; returns one record per (from, to). */
export function fitCallRatios(twin: Twin, grid: TelemetryGrid, opts: RatioOptions = {}): CallCalibration[] {
  const minWindows = opts.minWindows ?? 10;
  const edges = callTotals(twin);
  const rates = nodeRates(twin, grid, edges);
  const entryNodes = new Set(twin.entries.map((e) => e.node));
  const out: CallCalibration[] = [];
  const name = (i: number) => twin.nodes[i]!.id;
  for (const callee of twin.nodes) {
    const incoming = edges.filter((e) => e.to === callee.index);
    if (incoming.length === 0) continue;
    const keep = (reason: string): void => {
      for (const e of incoming) out.push({ from: name(e.from), to: callee.id, before: e.mean, after: e.mean, r2: NaN, windows: 0, quality: 'none', reason });
    };
    const y = serviceOf(grid, callee.id)?.rate;
    if (!y) { keep(`no rate telemetry for ${callee.id}`); continue; }
    if (entryNodes.has(callee.index)) { keep(`${callee.id} is also an entry: its rate mixes outside arrivals with calls`); continue; }
    const rows: number[] = [];
    for (let t = 0; t < grid.length; t++) {
      if (Number.isFinite(y[t]) && incoming.every((e) => Number.isFinite(rates[e.from]![t]))) rows.push(t);
    }
    if (rows.length < minWindows) { keep(`${rows.length} window(s) with the rates of ${callee.id} and all its callers (need ${minWindows})`); continue; }
    const columns = incoming.map((e) => rows.map((t) => rates[e.from]![t]!));
    const fit = nnls(columns, rows.map((t) => y[t]!));
    incoming.forEach((e, j) => {
      const silent = columns[j]!.every((v) => v === 0);
      out.push({
        from: name(e.from), to: callee.id, before: e.mean, after: silent ? e.mean : fit.coef[j]!, r2: fit.r2, windows: rows.length,
        quality: silent ? 'none' : quality(fit.r2), reason: silent ? `${name(e.from)} served nothing in the calibration windows` : '',
      });
    });
  }
  return out;
}
