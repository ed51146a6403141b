/**
 * Workers per replica. A synchronous call holds the caller's worker until
 * the reply, so a worker is busy for the whole response, not only the own
 * time. Three sources, in order of trust:
 *  - saturation: in windows where the CPU sits at its limit every worker is
 *    busy, so workers = throughput there x response time (Little's law);
 *  - the CPU limit: the CPU saturates at limit / (CPU per request) requests/s,
 *    so the concurrency the pod can hold is that rate x response time;
 *    production never reached it, so this is an extrapolation (quality fair);
 *  - neither: the twin's value stays.
 * Never below 1.5 x the peak concurrency seen (production did not saturate
 * there, so the twin must not either).
 */
import type { ServiceCalibration } from './report.js';
import { finiteMedian } from './grid.js';

export interface WorkerInput {
  readonly before: number;
  readonly replicas: number;
  /** Mean time a request holds a worker (response, calls included), seconds. */
  readonly held: number;
  /** Whether `held` was fitted from latency (a placeholder cannot turn rates into concurrency). */
  readonly heldFitted: boolean;
  readonly peakRate: number;
  readonly saturatedRates: readonly number[];
  readonly cpu: ServiceCalibration['cpu'];
  /** Minimum saturated windows to trust them (default 3). */
  readonly minSaturated?: number;
}

/** Lowest r^2 of CPU on rate for the CPU-per-request slope to size workers. */
export const MIN_CPU_R2 = 0.2;

export function fitWorkers(w: WorkerInput, reasons: string[]): ServiceCalibration['workers'] {
  const floor = Number.isFinite(w.peakRate) && w.held > 0 ? Math.ceil((1.5 * w.peakRate * w.held) / w.replicas) : 1;
  const done = (after: number, method: ServiceCalibration['workers']['method']) => ({ before: w.before, after: Math.max(1, floor, after), method });
  if (!(w.held > 0) || !w.heldFitted) {
    reasons.push('workers: no fitted response time to turn rates into concurrency: kept');
    return { before: w.before, after: w.before, method: 'kept' };
  }
  if (w.saturatedRates.length >= (w.minSaturated ?? 3)) {
    return done(Math.ceil((finiteMedian(w.saturatedRates) * w.held) / w.replicas), 'saturation');
  }
  if (w.cpu && w.cpu.limit !== null && w.cpu.r2 >= MIN_CPU_R2) {
    reasons.push('workers: never saturated; sized where the CPU limit would saturate (extrapolated)');
    // The limit is the service's (all pods); workers are per replica.
    return done(Math.ceil(((w.cpu.limit / w.cpu.perRequest) * w.held) / w.replicas), 'cpu-limit');
  }
  const why = !w.cpu ? 'no CPU per request' : w.cpu.limit === null ? 'no CPU limit in the telemetry' : `CPU follows the rate weakly (r^2 ${w.cpu.r2.toFixed(2)} < ${MIN_CPU_R2})`;
  reasons.push(`workers: never saturated and ${why}: kept (at least 1.5 x the peak concurrency)`);
  return { before: w.before, after: Math.max(w.before, floor), method: 'kept' };
}
