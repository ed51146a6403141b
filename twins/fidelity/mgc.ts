/**
 * The M/G/c approximation the fidelity screen (and the generator's sizing)
 * rests on: Erlang C for the chance of waiting, Allen–Cunneen for the mean
 * wait (the M/M/c wait scaled by (1 + cs²)/2), and the exponential tail of
 * the M/M/c wait for its upper quantiles. Pure; no simulation.
 */
import { distributionFromSpec, scv } from '../../engine/index.js';
import { erlangC } from '../../engine/queueing-theory.js';
import type { DistributionSpec } from '../definition/types.js';
import { quantileOf } from './quantile.js';

export interface MgcFigures {
  /** Offered load per worker, λH/c; >= 1 is unstable. */
  readonly rho: number;
  /** P(an arrival waits): Erlang C(c, λH); 1 when unstable. */
  readonly pWait: number;
  /** Mean wait in the queue, seconds (Infinity when unstable). */
  readonly wq: number;
  /** The wait's p-quantile, seconds: C·e^(−(c/H − λ)t) = 1 − p solved for t (0 when P(wait) <= 1 − p). */
  readonly waitQuantile: (p: number) => number;
}

/** λ arrivals/s, H mean holding time of a worker (s), c workers, cs2 squared coefficient of variation of H. */
export function mgc(lambda: number, holding: number, c: number, cs2: number): MgcFigures {
  const a = lambda * holding;
  const rho = a / c;
  if (!(lambda > 0) || !(holding > 0)) return { rho: 0, pWait: 0, wq: 0, waitQuantile: () => 0 };
  if (!(rho < 1)) return { rho, pWait: 1, wq: Infinity, waitQuantile: () => Infinity };
  const pWait = erlangC(c, a);
  const drain = c / holding - lambda;
  return {
    rho, pWait,
    wq: (pWait / drain) * ((1 + cs2) / 2),
    waitQuantile: (p) => (pWait <= 1 - p ? 0 : (Math.log(pWait / (1 - p)) / drain) * Math.max(1, (1 + cs2) / 2)),
  };
}

/** Mean and squared coefficient of variation of a service distribution (the engine's own figures for it). */
export function moments(d: DistributionSpec): { mean: number; cs2: number } {
  const dist = distributionFromSpec(d);
  return { mean: dist.mean, cs2: dist.mean > 0 ? scv(dist) : 0 };
}

/**
 * The 0.99-quantile of a service distribution (quantile.ts: exact where
 * closed-form, Wilson–Hilferty for gamma). An empirical sample takes its
 * ⌈0.99 n⌉-th smallest value, the screen's conservative order statistic.
 */
export function quantile99(d: DistributionSpec): number {
  if (d.type === 'empirical') {
    const s = [...d.values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]!;
  }
  return quantileOf(d, 0.99);
}
