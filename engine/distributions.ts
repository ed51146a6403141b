/**
 * Probability distributions for service times, delays and inter-arrival
 * times. Parameters are validated at construction with a RangeError that names
 * the parameter and the value. `sample` takes the stream to draw from, so one
 * distribution object can serve many replications without sharing state.
 */
import type { Rng } from './rng.js';
import { normalCdf, normalQuantile, normalQuantileUnchecked } from './quantiles.js';

export interface Distribution {
  readonly name: string;
  readonly mean: number;
  readonly variance: number;
  sample(rng: Rng): number;
}

/** Squared coefficient of variation, the one shape figure queueing formulas use. */
export function scv(d: Distribution): number {
  return d.variance / (d.mean * d.mean);
}

function check(ok: boolean, what: string, param: string, value: unknown, expected: string): void {
  if (!ok) throw new RangeError(`${what}: ${param} must be ${expected}, got ${String(value)}`);
}
const positive = (v: number) => Number.isFinite(v) && v > 0;
const nonNegative = (v: number) => Number.isFinite(v) && v >= 0;

export class Exponential implements Distribution {
  readonly name = 'exponential';
  readonly mean: number;
  readonly variance: number;
  constructor(readonly rate: number) {
    check(positive(rate), 'exponential', 'rate', rate, 'a finite number > 0');
    this.mean = 1 / rate;
    this.variance = this.mean * this.mean;
  }
  sample(rng: Rng): number {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    return -Math.log(1 - rng()) * this.mean;
  }
}

export class Deterministic implements Distribution {
  readonly name = 'deterministic';
  readonly mean: number;
  readonly variance = 0;
  constructor(readonly value: number) {
    check(nonNegative(value), 'deterministic', 'value', value, 'a finite number >= 0');
    this.mean = value;
  }
  sample(_rng: Rng): number {
    return this.value;
  }
}

export class Uniform implements Distribution {
  readonly name = 'uniform';
  readonly mean: number;
  readonly variance: number;
  constructor(readonly min: number, readonly max: number) {
    check(nonNegative(min), 'uniform', 'min', min, 'a finite number >= 0');
    check(Number.isFinite(max) && max > min, 'uniform', 'max', max, `a finite number > min (${min})`);
    this.mean = (min + max) / 2;
    this.variance = ((max - min) * (max - min)) / 12;
  }
  sample(rng: Rng): number {
    return this.min + (this.max - this.min) * rng();
  }
}

/**
 * Standard normal by inversion (Acklam's quantile, relative error < 1.2e-9):
 * one uniform per draw, mostly a rational polynomial, no rejection, and
 * monotone in the uniform, which keeps common random numbers aligned.
 */
export function standardNormal(rng: Rng): number {
  // rng() is in [0, 1) on a 2^-32 grid; half a step keeps p strictly inside (0, 1).
  return normalQuantileUnchecked(rng() + 1.1641532182693481e-10);
}

/**
 * Normal truncated at zero (a duration cannot be negative): draws below zero
 * are redrawn. `mean`/`variance` report the truncated moments.
 */
export class Normal implements Distribution {
  readonly name = 'normal';
  readonly mean: number;
  readonly variance: number;
  constructor(readonly mu: number, readonly sd: number) {
    check(Number.isFinite(mu), 'normal', 'mean', mu, 'a finite number');
    check(nonNegative(sd), 'normal', 'sd', sd, 'a finite number >= 0');
    check(sd === 0 ? mu >= 0 : mu / sd > -5, 'normal', 'mean', mu, 'not far below zero for a duration (mean/sd > -5)');
    if (sd === 0) {
      this.mean = mu;
      this.variance = 0;
    } else {
      // Moments of N(mu, sd²) truncated to [0, ∞).
      const alpha = -mu / sd;
      const phi = Math.exp(-0.5 * alpha * alpha) / Math.sqrt(2 * Math.PI);
      const z = 1 - normalCdf(alpha);
      const lambda = phi / z;
      this.mean = mu + sd * lambda;
      this.variance = sd * sd * (1 + alpha * lambda - lambda * lambda);
    }
  }
  sample(rng: Rng): number {
    if (this.sd === 0) return this.mu;
    for (;;) {
      const x = this.mu + this.sd * standardNormal(rng);
      if (x >= 0) return x;
    }
  }
}

export class LogNormal implements Distribution {
  readonly name = 'lognormal';
  readonly mean: number;
  readonly variance: number;
  /** Parameters of the underlying normal. */
  constructor(readonly mu: number, readonly sigma: number) {
    check(Number.isFinite(mu), 'lognormal', 'mu', mu, 'a finite number');
    check(nonNegative(sigma), 'lognormal', 'sigma', sigma, 'a finite number >= 0');
    this.mean = Math.exp(mu + (sigma * sigma) / 2);
    this.variance = (Math.exp(sigma * sigma) - 1) * this.mean * this.mean;
  }
  /** By mean and coefficient of variation (sd / mean). */
  static fromMeanCv(mean: number, cv: number): LogNormal {
    check(positive(mean), 'lognormal', 'mean', mean, 'a finite number > 0');
    check(nonNegative(cv), 'lognormal', 'cv', cv, 'a finite number >= 0');
    const s2 = Math.log(1 + cv * cv);
    return new LogNormal(Math.log(mean) - s2 / 2, Math.sqrt(s2));
  }
  /** By median and 99th percentile, the two figures latency dashboards show. */
  static fromPercentiles(p50: number, p99: number): LogNormal {
    check(positive(p50), 'lognormal', 'p50', p50, 'a finite number > 0');
    check(Number.isFinite(p99) && p99 >= p50, 'lognormal', 'p99', p99, `a finite number >= p50 (${p50})`);
    return new LogNormal(Math.log(p50), (Math.log(p99) - Math.log(p50)) / normalQuantile(0.99));
  }
  sample(rng: Rng): number {
    return Math.exp(this.mu + this.sigma * standardNormal(rng));
  }
}

export class Gamma implements Distribution {
  readonly name = 'gamma';
  readonly mean: number;
  readonly variance: number;
  constructor(readonly shape: number, readonly scale: number) {
    check(positive(shape), 'gamma', 'shape', shape, 'a finite number > 0');
    check(positive(scale), 'gamma', 'scale', scale, 'a finite number > 0');
    this.mean = shape * scale;
    this.variance = shape * scale * scale;
  }
  static fromMeanCv(mean: number, cv: number): Gamma {
    check(positive(mean), 'gamma', 'mean', mean, 'a finite number > 0');
    check(positive(cv), 'gamma', 'cv', cv, 'a finite number > 0');
    const shape = 1 / (cv * cv);
    return new Gamma(shape, mean / shape);
  }
  sample(rng: Rng): number {
    return this.scale * gammaUnit(this.shape, rng);
  }
}

/** Marsaglia & Tsang (2000); shape < 1 by the boost X·U^(1/shape) with X ~ Gamma(shape + 1). */
function gammaUnit(shape: number, rng: Rng): number {
  if (shape < 1) return gammaUnit(shape + 1, rng) * Math.pow(1 - rng(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Resamples observed values uniformly (the bootstrap of a measured service time). */
export class Empirical implements Distribution {
  readonly name = 'empirical';
  readonly mean: number;
  readonly variance: number;
  private readonly values: Float64Array;
  constructor(values: ArrayLike<number>) {
    check(values.length > 0, 'empirical', 'values', `${values.length} values`, 'a non-empty sample');
    this.values = Float64Array.from(values);
    let sum = 0;
    for (let i = 0; i < this.values.length; i++) {
      const v = this.values[i]!;
      check(nonNegative(v), 'empirical', `values[${i}]`, v, 'a finite number >= 0');
      sum += v;
    }
    this.mean = sum / this.values.length;
    let ss = 0;
    for (const v of this.values) ss += (v - this.mean) ** 2;
    this.variance = ss / this.values.length;
  }
  sample(rng: Rng): number {
    return this.values[Math.floor(rng() * this.values.length)]!;
  }
}

/** JSON form of a distribution, as written in twin files. */
export type DistributionSpec =
  | { readonly type: 'exponential'; readonly mean?: number; readonly rate?: number }
  | { readonly type: 'deterministic'; readonly value: number }
  | { readonly type: 'uniform'; readonly min: number; readonly max: number }
  | { readonly type: 'normal'; readonly mean: number; readonly sd: number }
  | { readonly type: 'lognormal'; readonly mean?: number; readonly cv?: number; readonly p50?: number; readonly p99?: number }
  | { readonly type: 'gamma'; readonly shape?: number; readonly scale?: number; readonly mean?: number; readonly cv?: number }
  | { readonly type: 'empirical'; readonly values: readonly number[] };

/**
 * Builds a distribution from its JSON form. Errors are prefixed by `path`
 * (e.g. `nodes[3].service`) so that a reader of a twin file sees where.
 */
export function distributionFromSpec(spec: DistributionSpec, path = 'distribution'): Distribution {
  try {
    switch (spec.type) {
      case 'exponential':
        if (spec.rate !== undefined) return new Exponential(spec.rate);
        if (spec.mean === undefined) throw new RangeError('exponential: needs mean or rate');
        check(positive(spec.mean), 'exponential', 'mean', spec.mean, 'a finite number > 0');
        return new Exponential(1 / spec.mean);
      case 'deterministic':
        return new Deterministic(spec.value);
      case 'uniform':
        return new Uniform(spec.min, spec.max);
      case 'normal':
        return new Normal(spec.mean, spec.sd);
      case 'lognormal':
        if (spec.p50 !== undefined || spec.p99 !== undefined) return LogNormal.fromPercentiles(spec.p50 ?? NaN, spec.p99 ?? NaN);
        return LogNormal.fromMeanCv(spec.mean ?? NaN, spec.cv ?? NaN);
      case 'gamma':
        if (spec.shape !== undefined || spec.scale !== undefined) return new Gamma(spec.shape ?? NaN, spec.scale ?? NaN);
        return Gamma.fromMeanCv(spec.mean ?? NaN, spec.cv ?? NaN);
      case 'empirical':
        return new Empirical(spec.values ?? []);
      default:
        throw new RangeError(`type must be one of exponential, deterministic, uniform, normal, lognormal, gamma, empirical, got ${String((spec as { type: unknown }).type)}`);
    }
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(`${path}: ${e.message}`);
    throw e;
  }
}
