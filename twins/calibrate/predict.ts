/**
 * Validation by prediction: drive the calibrated twin with the entry rates
 * recorded over a held-out period (a step rate profile per entry), record
 * what it predicts (twin-telemetry.ts), and compare per service with what was
 * measured there: mean throughput (target within 2 %) and the median over
 * windows of each latency quantile (target within 25 %).
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

export interface PredictionSummary {
  readonly services: ServiceComparison[];
  /** Share of services with throughput within THROUGHPUT_TARGET (among those with a measured rate). */
  readonly throughputShare: number;
  /** Per quantile: share of services within LATENCY_TARGET (among those with a measured quantile). */
  readonly latencyShare: { readonly q: number; readonly share: number; readonly services: number }[];
}

const rel = (pred: number, meas: number): number => (meas > 0 ? (pred - meas) / meas : NaN);

/** Compares the twin's recording with the measurement on the same grid; windows with fewer than `minRequests` measured requests are left out of the latency. */
export function comparePrediction(measured: TelemetryGrid, predicted: TelemetryGrid, minRequests = 5): PredictionSummary {
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
      const used: number[] = [];
      for (let w = 0; w < measured.length; w++) if (m.rate[w]! * measured.step >= minRequests && l.values[w]! > 0 && pl.values[w]! > 0) used.push(w);
      if (used.length === 0) continue;
      const mq = finiteMedian(used.map((w) => l.values[w]!));
      const pq = finiteMedian(used.map((w) => pl.values[w]!));
      latency.push({ q: l.q, measured: mq, predicted: pq, error: rel(pq, mq), windows: used.length });
    }
    const counted = Array.from(m.rate).reduce((sum, v) => (Number.isFinite(v) ? sum + v * measured.step : sum), 0);
    services.push({ id: m.id, throughput: { measured: mt, predicted: pt, error: rel(pt, mt), noise: counted > 0 ? 1.96 / Math.sqrt(counted) : NaN }, latency });
  }
  const withRate = services.filter((s) => Number.isFinite(s.throughput.error));
  const qs = [...new Set(services.flatMap((s) => s.latency.map((l) => l.q)))].sort((a, b) => a - b);
  return {
    services,
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
  const quantiles = [...new Set(heldOut.services.flatMap((s) => s.latency.map((l) => l.q)))].sort((a, b) => a - b);
  const predicted = recordTwin(twin, { start: heldOut.start, step: heldOut.step, windows: heldOut.length, quantiles, seed: o.seed, replications: o.replications });
  return comparePrediction(heldOut, predicted, o.minRequests);
}
