/**
 * Quantile functions of the service distributions, for samples that must
 * keep their distribution's mean and tail exactly: an inlined caller's own
 * service is represented by its quantiles at (k + ½)/K (stratified), since
 * K random draws, fixed for every replication, would bias its mean by
 * their sampling error. Exact for every type but gamma (Wilson–Hilferty).
 */
import { normalQuantile } from '../../engine/index.js';
import type { DistributionSpec } from '../definition/types.js';

export function quantileOf(d: DistributionSpec, p: number): number {
  switch (d.type) {
    case 'exponential': return -d.mean * Math.log(1 - p);
    case 'deterministic': return d.value;
    case 'uniform': return d.min + p * (d.max - d.min);
    // The engine truncates service times at 0 (docs/twin-spec.md): so does the quantile.
    case 'normal': return Math.max(0, d.mean + d.sd * normalQuantile(p));
    case 'lognormal': {
      if ('p99' in d) {
        const sigma = (Math.log(d.p99) - Math.log(d.p50)) / normalQuantile(0.99);
        return Math.exp(Math.log(d.p50) + sigma * normalQuantile(p));
      }
      const s2 = Math.log(1 + d.cv * d.cv);
      return Math.exp(Math.log(d.mean) - s2 / 2 + Math.sqrt(s2) * normalQuantile(p));
    }
    case 'gamma': {
      const k = 'shape' in d ? d.shape : 1 / (d.cv * d.cv);
      const theta = 'shape' in d ? d.scale : d.mean / k;
      const c = 1 / (9 * k);
      return k * theta * Math.max(0, 1 - c + normalQuantile(p) * Math.sqrt(c)) ** 3;
    }
    case 'empirical': {
      const s = [...d.values].sort((a, b) => a - b);
      return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
    }
  }
}

/** K stratified values: the quantiles at (k + ½)/K. */
export function stratified(d: DistributionSpec, k: number): number[] {
  if (d.type === 'empirical') {
    const s = [...d.values].sort((a, b) => a - b);
    return Array.from({ length: k }, (_, i) => s[Math.floor(((i + 0.5) / k) * s.length)]!);
  }
  return Array.from({ length: k }, (_, i) => quantileOf(d, (i + 0.5) / k));
}
