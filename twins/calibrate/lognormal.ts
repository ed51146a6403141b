/**
 * A lognormal from a few quantiles: log x_q = mu + sigma z_q is a straight
 * line in the normal score z_q, so (mu, sigma) is the least-squares line
 * through the points (z_q, log x_q). Latency exporters report upper
 * quantiles (p90, p95, p99) only; the fit extrapolates the body from them,
 * and `rmseLog` says how well one lognormal explains the points.
 */
import { normalQuantile } from '../../engine/index.js';

export interface QuantilePoint {
  readonly q: number;
  /** Seconds, > 0. */
  readonly value: number;
}

export interface LognormalFit {
  readonly mu: number;
  readonly sigma: number;
  readonly mean: number;
  /** Coefficient of variation, sqrt(exp(sigma^2) - 1). */
  readonly cv: number;
  /** Root mean square residual of log x_q (0.1 ~ 10 % off per quantile). */
  readonly rmseLog: number;
}

/** Sigma when all points coincide (one histogram bucket): a narrow but not degenerate spread. */
export const MIN_SIGMA = 0.02;

export function lognormalFromMoments(mean: number, cv: number): { mu: number; sigma: number } {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return { mu: Math.log(mean) - (sigma * sigma) / 2, sigma };
}

export function lognormalQuantile(mean: number, cv: number, q: number): number {
  const { mu, sigma } = lognormalFromMoments(mean, cv);
  return Math.exp(mu + sigma * normalQuantile(q));
}

/** Fits (mu, sigma) to two or more quantile points with positive values; one point gets MIN_SIGMA. */
export function fitLognormalQuantiles(points: readonly QuantilePoint[]): LognormalFit {
  const pts = points.filter((p) => p.value > 0 && p.q > 0 && p.q < 1);
  if (pts.length === 0) throw new RangeError('fitLognormalQuantiles: no positive quantile');
  const z = pts.map((p) => normalQuantile(p.q));
  const y = pts.map((p) => Math.log(p.value));
  const zm = z.reduce((s, v) => s + v, 0) / z.length;
  const ym = y.reduce((s, v) => s + v, 0) / y.length;
  let szz = 0;
  let szy = 0;
  for (let i = 0; i < z.length; i++) {
    szz += (z[i]! - zm) ** 2;
    szy += (z[i]! - zm) * (y[i]! - ym);
  }
  const sigma = Math.max(MIN_SIGMA, szz > 0 ? szy / szz : 0);
  const mu = ym - sigma * zm;
  const rmseLog = Math.sqrt(y.reduce((s, v, i) => s + (v - mu - sigma * z[i]!) ** 2, 0) / y.length);
  return { mu, sigma, mean: Math.exp(mu + (sigma * sigma) / 2), cv: Math.sqrt(Math.expm1(sigma * sigma)), rmseLog };
}
