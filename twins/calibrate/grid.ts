/**
 * Telemetry of a system on one time grid, as calibration reads it: per
 * service and per window, the request rate, the CPU in use and the server
 * latency quantiles. NaN marks a window with no value (an idle pod's latency,
 * a gap); fitting skips those windows rather than filling them, because a
 * filled latency is not a measurement.
 */

/** Server latency at quantile `q` (0 < q < 1), seconds, one value per window. */
export interface QuantileSeries {
  readonly q: number;
  readonly values: Float64Array;
}

export interface ServiceTelemetry {
  /** Node id in the twin. */
  readonly id: string;
  /** Requests/s served, per window. */
  readonly rate: Float64Array;
  /** CPU cores in use, per window (NaN when not recorded). */
  readonly cpu: Float64Array;
  /** CPU limit of the service in cores, when the telemetry says it (usage / usage rate). */
  readonly cpuLimit: number | null;
  /** Latency quantiles, ascending q. */
  readonly latency: readonly QuantileSeries[];
}

export interface TelemetryGrid {
  /** Epoch seconds of window 0's start. */
  readonly start: number;
  /** Window length, seconds. */
  readonly step: number;
  /** Number of windows. */
  readonly length: number;
  readonly services: readonly ServiceTelemetry[];
  /**
   * Latency measured at the system's front with no request rate of its own
   * (Nezha's front_service.csv: p50/p90/p95/p99 of every request): not fitted
   * on, compared with the response of the twin's entry (predict.ts).
   */
  readonly front?: readonly FrontTelemetry[];
}

/** A latency-only series of the front (end to end). */
export interface FrontTelemetry {
  readonly id: string;
  readonly latency: readonly QuantileSeries[];
}

/** Windows [from, to) of the grid (indices clamped), every series cut alike. */
export function sliceGrid(grid: TelemetryGrid, from: number, to: number): TelemetryGrid {
  const a = Math.max(0, Math.min(grid.length, from));
  const b = Math.max(a, Math.min(grid.length, to));
  return {
    start: grid.start + a * grid.step,
    step: grid.step,
    length: b - a,
    services: grid.services.map((s) => ({
      id: s.id,
      rate: s.rate.slice(a, b),
      cpu: s.cpu.slice(a, b),
      cpuLimit: s.cpuLimit,
      latency: s.latency.map((l) => ({ q: l.q, values: l.values.slice(a, b) })),
    })),
    ...(grid.front ? { front: grid.front.map((f) => ({ id: f.id, latency: f.latency.map((l) => ({ q: l.q, values: l.values.slice(a, b) })) })) } : {}),
  };
}

/** Window index of an epoch second (floor), possibly outside [0, length]. */
export function windowAt(grid: TelemetryGrid, epochSeconds: number): number {
  return Math.floor((epochSeconds - grid.start) / grid.step + 1e-9);
}

export function serviceOf(grid: TelemetryGrid, id: string): ServiceTelemetry | undefined {
  return grid.services.find((s) => s.id === id);
}

/** Mean of the finite values (NaN when none). */
export function finiteMean(xs: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (Number.isFinite(x)) {
      s += x;
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
}

/** Median of the finite values (NaN when none). */
export function finiteMedian(xs: ArrayLike<number>): number {
  const v = Array.from(xs).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}
