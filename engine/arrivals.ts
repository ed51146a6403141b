/**
 * Non-homogeneous Poisson arrivals for a piecewise-constant or
 * piecewise-linear rate function, by inversion of the cumulative intensity
 * Λ(t): the next arrival after t is Λ⁻¹(Λ(t) + E) with E ~ Exp(1). Inversion
 * uses exactly one draw per arrival, so two variants of a model that share a
 * stream (common random numbers) see the same arrival times.
 */
import type { Rng } from './rng.js';

export type RateShape = 'constant' | 'linear';

export class RateFunction {
  /** Cumulative intensity at each knot: Λ(times[i]). */
  private readonly cumulative: Float64Array;
  readonly times: Float64Array;
  readonly rates: Float64Array;

  /**
   * `constant`: rate[i] holds on [times[i], times[i+1]); `linear`: the rate is
   * interpolated between knots. Before times[0] the rate is rates[0]; after the
   * last knot it stays at the last rate (a profile's final level persists).
   */
  constructor(times: ArrayLike<number>, rates: ArrayLike<number>, readonly shape: RateShape = 'constant') {
    if (times.length === 0) throw new RangeError('rate function: times must be non-empty');
    if (times.length !== rates.length) throw new RangeError(`rate function: times (${times.length}) and rates (${rates.length}) must have the same length`);
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!, r = rates[i]!;
      if (!Number.isFinite(t) || t < 0) throw new RangeError(`rate function: times[${i}] must be a finite number >= 0, got ${t}`);
      if (i > 0 && !(t > times[i - 1]!)) throw new RangeError(`rate function: times[${i}] must be greater than times[${i - 1}] (${times[i - 1]}), got ${t}`);
      if (!Number.isFinite(r) || r < 0) throw new RangeError(`rate function: rates[${i}] must be a finite number >= 0, got ${r}`);
    }
    if (shape !== 'constant' && shape !== 'linear') throw new RangeError(`rate function: shape must be 'constant' or 'linear', got ${String(shape)}`);
    this.times = Float64Array.from(times);
    this.rates = Float64Array.from(rates);
    this.cumulative = new Float64Array(times.length);
    // Λ(times[0]) counts the flat rates[0] stretch from time 0.
    this.cumulative[0] = this.rates[0]! * this.times[0]!;
    for (let i = 1; i < times.length; i++) {
      const dt = this.times[i]! - this.times[i - 1]!;
      const area = shape === 'constant' ? this.rates[i - 1]! * dt : 0.5 * (this.rates[i - 1]! + this.rates[i]!) * dt;
      this.cumulative[i] = this.cumulative[i - 1]! + area;
    }
  }

  static constant(rate: number): RateFunction {
    return new RateFunction([0], [rate]);
  }

  /** λ(t). */
  rateAt(t: number): number {
    const k = this.segment(t);
    if (k < 0) return this.rates[0]!;
    if (this.shape === 'constant' || k === this.times.length - 1) return this.rates[k]!;
    const t0 = this.times[k]!, t1 = this.times[k + 1]!;
    return this.rates[k]! + ((this.rates[k + 1]! - this.rates[k]!) * (t - t0)) / (t1 - t0);
  }

  /** Λ(t) = ∫₀ᵗ λ. */
  cumulativeAt(t: number): number {
    const k = this.segment(t);
    if (k < 0) return this.rates[0]! * t;
    const t0 = this.times[k]!;
    const dt = t - t0;
    if (this.shape === 'constant' || k === this.times.length - 1) return this.cumulative[k]! + this.rates[k]! * dt;
    const slope = (this.rates[k + 1]! - this.rates[k]!) / (this.times[k + 1]! - t0);
    return this.cumulative[k]! + this.rates[k]! * dt + 0.5 * slope * dt * dt;
  }

  /** Smallest t with Λ(t) = target; Infinity if the intensity never reaches it. */
  inverseCumulative(target: number): number {
    const r0 = this.rates[0]!;
    const first = this.cumulative[0]!;
    if (target <= first) return r0 > 0 ? target / r0 : this.times[0]!;
    // Last knot with Λ(knot) <= target.
    let lo = 0, hi = this.times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.cumulative[mid]! <= target) lo = mid;
      else hi = mid - 1;
    }
    const k = lo;
    const rest = target - this.cumulative[k]!;
    if (rest <= 0) return this.times[k]!;
    const t0 = this.times[k]!;
    const a = this.rates[k]!;
    if (this.shape === 'constant' || k === this.times.length - 1) return a > 0 ? t0 + rest / a : (k === this.times.length - 1 ? Infinity : this.times[k + 1]!);
    const slope = (this.rates[k + 1]! - a) / (this.times[k + 1]! - t0);
    if (Math.abs(slope) < 1e-300) return t0 + rest / a;
    // Solve a·x + slope·x²/2 = rest for the root in [0, segment length]; this form avoids cancellation.
    const disc = a * a + 2 * slope * rest;
    return t0 + (2 * rest) / (a + Math.sqrt(Math.max(0, disc)));
  }

  private segment(t: number): number {
    if (t < this.times[0]!) return -1;
    let lo = 0, hi = this.times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.times[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Arrival times of a non-homogeneous Poisson process, by inversion. */
export class PoissonArrivals {
  /** Mean gap for a constant rate (the common case skips the Λ searches); NaN otherwise. */
  private readonly constantGap: number;

  constructor(readonly rate: RateFunction) {
    const constant = rate.times.length === 1 && rate.times[0] === 0 && rate.rates[0]! > 0;
    this.constantGap = constant ? 1 / rate.rates[0]! : NaN;
  }

  /** Time of the first arrival strictly after `now` (Infinity if none ever). */
  next(now: number, rng: Rng): number {
    const e = -Math.log(1 - rng());
    if (this.constantGap === this.constantGap) return now + e * this.constantGap;
    return this.rate.inverseCumulative(this.rate.cumulativeAt(now) + e);
  }
}
