/**
 * Validation by prediction: drive the calibrated twin with the entry rates
 * recorded over a held-out period (a step rate profile per entry), record
 * what it predicts (twin-telemetry.ts), and compare per service with what was
 * measured there: mean throughput (target within 2 %) and the median over
 * windows of each latency quantile (target within 25 %); and the front's
 * end-to-end latency (the p50 among them, where only the front records one)
 * against the response of the twin's entry.
 */
import type { TwinInput } from '../definition/input.js';
import { twinFromObject } from '../definition/load.js';
import type { RateProfile } from '../definition/normalize.js';
import type { Twin } from '../definition/types.js';
import { finiteMean, finiteMedian, serviceOf, type TelemetryGrid } from './grid.js';
import { recordTwin } from './twin-telemetry.js';

export const THROUGHPUT_TARGET = 0.02;
export const LATENCY_TARGET = 0.25;

/**
 * The twin with each entry driven by its node's recorded rate over the grid
 * (step profile, one point per window; a missing window is rate 0).
 */
export function twinDrivenBy(input: TwinInput, grid: TelemetryGrid, source: string): Twin {
  const profiles = new Map<string, RateProfile>();
  const entries = input.entries.map((e, k) => {
    const rate = serviceOf(grid, e.node)?.rate;
    if (!rate) throw new RangeError(`twinDrivenBy: no rate for entry node ${e.node}`);
    const name = `recorded:${k}:${e.node}`;
    profiles.set(name, { file: `${source} (recorded rate of ${e.node})`, times: Float64Array.from(rate, (_, w) => w * grid.step), rates: rate.map((v) => (Number.isFinite(v) ? v : 0)) });
    const { rate: _r, forecast: _f, profile: _p, ...rest } = e;
    return { ...rest, profile: name, interpolation: 'step' as const };
  });
  return twinFromObject({ ...input, entries }, { source, profiles });
}

export interface QuantileComparison {
  readonly q: number;
  readonly measured: number;
  readonly predicted: number;
  /** (predicted - measured) / measured. */
  readonly error: number;
  readonly windows: number;
}

export interface ServiceComparison {
  readonly id: string;
  /**
   * `noise`: relative half-width of a 95 % interval of the measured mean rate
   * from counting alone (Poisson: 1.96 / sqrt(requests counted)); an error
   * below it cannot be told from chance.
   */
  readonly throughput: { readonly measured: number; readonly predicted: number; readonly error: number; readonly noise: number };
  readonly latency: QuantileComparison[];
}

/** The front's end-to-end latency (grid.front) against the response of the twin's one entry node. */
export interface EndToEndComparison {
  /** The front series (e.g. `frontend`). */
  readonly id: string;
  /** The twin's entry node whose response it is compared with. */
  readonly entry: string;
  readonly latency: QuantileComparison[];
}

export interface PredictionSummary {
  readonly services: ServiceComparison[];
  /** Empty when the telemetry has no front series or the twin has more than one entry node. */
  readonly endToEnd: EndToEndComparison[];
  /** Share of services with throughput within THROUGHPUT_TARGET (among those with a measured rate). */
  readonly throughputShare: number;
  /** Per quantile: share of services within LATENCY_TARGET (among those with a measured quantile). */
  readonly latencyShare: { readonly q: number; readonly share: number; readonly services: number }[];
}

const rel = (pred: number, meas: number): number => (meas > 0 ? (pred - meas) / meas : NaN);

/** Median over the windows `use` accepts of a measured and a predicted quantile series, or null when no window is left. */
function compareQuantile(q: number, meas: Float64Array, pred: Float64Array, length: number, use: (w: number) => boolean): QuantileComparison | null {
  const used: number[] = [];
  for (let w = 0; w < length; w++) if (use(w) && meas[w]! > 0 && pred[w]! > 0) used.push(w);
  if (used.length === 0) return null;
  const mq = finiteMedian(used.map((w) => meas[w]!));
  const pq = finiteMedian(used.map((w) => pred[w]!));
  return { q, measured: mq, predicted: pq, error: rel(pq, mq), windows: used.length };
}

/**
 * Compares the twin's recording with the measurement on the same grid;
 * windows with fewer than `minRequests` measured requests are left out of the
 * latency. With `entryNode` (the twin's one entry), each front series
 * (grid.front: end-to-end latency, e.g. the only p50 Nezha records) is
 * compared with that node's response, over the windows where the entry served
 * at least `minRequests`.
 */
export function comparePrediction(measured: TelemetryGrid, predicted: TelemetryGrid, minRequests = 5, entryNode?: string): PredictionSummary {
  const services: ServiceComparison[] = [];
  for (const m of measured.services) {
    const p = serviceOf(predicted, m.id);
    if (!p) continue;
    const mt = finiteMean(m.rate);
    const pt = finiteMean(Float64Array.from(m.rate, (v, w) => (Number.isFinite(v) ? p.rate[w]! : NaN)));
    const latency: QuantileComparison[] = [];
    for (const l of m.latency) {
      const pl = p.latency.find((x) => x.q === l.q);
      if (!pl) continue;
      const c = compareQuantile(l.q, l.values, pl.values, measured.length, (w) => m.rate[w]! * measured.step >= minRequests);
      if (c) latency.push(c);
    }
    const counted = Array.from(m.rate).reduce((sum, v) => (Number.isFinite(v) ? sum + v * measured.step : sum), 0);
    services.push({ id: m.id, throughput: { measured: mt, predicted: pt, error: rel(pt, mt), noise: counted > 0 ? 1.96 / Math.sqrt(counted) : NaN }, latency });
  }
  const endToEnd: EndToEndComparison[] = [];
  const entryPred = entryNode !== undefined ? serviceOf(predicted, entryNode) : undefined;
  const entryMeas = entryNode !== undefined ? serviceOf(measured, entryNode) : undefined;
  for (const f of entryPred ? measured.front ?? [] : []) {
    const latency: QuantileComparison[] = [];
    for (const l of f.latency) {
      const pl = entryPred!.latency.find((x) => x.q === l.q);
      const c = pl ? compareQuantile(l.q, l.values, pl.values, measured.length, (w) => !entryMeas || entryMeas.rate[w]! * measured.step >= minRequests) : null;
      if (c) latency.push(c);
    }
    if (latency.length > 0) endToEnd.push({ id: f.id, entry: entryNode!, latency });
  }
  const withRate = services.filter((s) => Number.isFinite(s.throughput.error));
  const qs = [...new Set(services.flatMap((s) => s.latency.map((l) => l.q)))].sort((a, b) => a - b);
  return {
    services,
    endToEnd,
    throughputShare: withRate.length > 0 ? withRate.filter((s) => Math.abs(s.throughput.error) <= THROUGHPUT_TARGET).length / withRate.length : NaN,
    latencyShare: qs.map((q) => {
      const with_ = services.map((s) => s.latency.find((l) => l.q === q)).filter((l): l is QuantileComparison => l !== undefined);
      return { q, services: with_.length, share: with_.filter((l) => Math.abs(l.error) <= LATENCY_TARGET).length / Math.max(1, with_.length) };
    }),
  };
}

export interface HeldOutOptions {
  readonly seed: number | string;
  readonly replications: number;
  /** Fewest measured requests in a window for its latency to count (default 5). */
  readonly minRequests?: number;
}

/** Drives the calibrated twin with the held-out grid's entry rates and compares its recording with the grid. */
export function predictHeldOut(calibrated: TwinInput, heldOut: TelemetryGrid, source: string, o: HeldOutOptions): PredictionSummary {
  const twin = twinDrivenBy(calibrated, heldOut, source);
  const measuredQs = [...heldOut.services, ...(heldOut.front ?? [])].flatMap((s) => s.latency.map((l) => l.q));
  const quantiles = [...new Set(measuredQs)].sort((a, b) => a - b);
  const predicted = recordTwin(twin, { start: heldOut.start, step: heldOut.step, windows: heldOut.length, quantiles, seed: o.seed, replications: o.replications });
  // The front's latency is one entry's response only when there is one entry node.
  const entryNodes = [...new Set(calibrated.entries.map((e) => e.node))];
  return comparePrediction(heldOut, predicted, o.minRequests, entryNodes.length === 1 ? entryNodes[0] : undefined);
}
