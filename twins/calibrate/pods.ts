/**
 * One service from the series of its pods (several files naming the same
 * node: the replicas of a deployment). Rates and CPU add up; the CPU limit is
 * the sum of the pods' limits (usage / usage share, or given); a latency
 * quantile is the pods' quantiles weighted by their rates in each window (an
 * approximation: quantiles do not add, but pods of one deployment serve
 * alike). One pod passes through unchanged.
 */
import { finiteMedian, type QuantileSeries, type ServiceTelemetry } from './grid.js';

export interface PodSeries {
  readonly rate?: Float64Array;
  /** CPU cores in use. */
  readonly cpu?: Float64Array;
  /** CPU in use as a percentage of the limit. */
  readonly share?: Float64Array;
  /** The limit itself, cores. */
  readonly limit?: number;
  readonly latency: ReadonlyMap<number, Float64Array>;
}

function podLimit(p: PodSeries): number | null {
  if (p.limit !== undefined) return p.limit > 0 ? p.limit : null;
  if (!p.share || !p.cpu) return null;
  const l = finiteMedian(Float64Array.from(p.cpu, (c, w) => (p.share![w]! > 0 ? c / (p.share![w]! / 100) : NaN)));
  return Number.isFinite(l) && l > 0 ? l : null;
}

/** Sum per window of the finite values; NaN where no pod has one. */
function sumFinite(series: readonly Float64Array[], length: number): Float64Array {
  const out = new Float64Array(length).fill(NaN);
  for (const s of series) for (let w = 0; w < length; w++) if (Number.isFinite(s[w])) out[w] = (Number.isFinite(out[w]) ? out[w]! : 0) + s[w]!;
  return out;
}

/** The service's telemetry, or null when no pod has a rate series (then nothing of it is used). */
export function mergePods(id: string, pods: readonly PodSeries[], length: number): ServiceTelemetry | null {
  const withRate = pods.filter((p): p is PodSeries & { rate: Float64Array } => p.rate !== undefined);
  if (withRate.length === 0) return null;
  const rate = sumFinite(withRate.map((p) => p.rate), length);
  const cpus = withRate.filter((p) => p.cpu !== undefined).map((p) => p.cpu!);
  const cpu = cpus.length === withRate.length ? sumFinite(cpus, length) : new Float64Array(length).fill(NaN);
  const limits = withRate.map(podLimit);
  const cpuLimit = limits.every((l): l is number => l !== null) ? limits.reduce((s, l) => s + l, 0) : null;
  const qs = [...new Set(withRate.flatMap((p) => [...p.latency.keys()]))].sort((a, b) => a - b);
  const latency: QuantileSeries[] = qs.map((q) => {
    if (withRate.length === 1) return { q, values: withRate[0]!.latency.get(q)! };
    const values = new Float64Array(length).fill(NaN);
    for (let w = 0; w < length; w++) {
      let num = 0, den = 0;
      for (const p of withRate) {
        const v = p.latency.get(q)?.[w];
        const r = p.rate[w]!;
        if (v !== undefined && Number.isFinite(v) && r > 0) {
          num += r * v;
          den += r;
        }
      }
      if (den > 0) values[w] = num / den;
    }
    return { q, values };
  });
  return { id, rate, cpu, cpuLimit, latency };
}
