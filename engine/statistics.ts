/**
 * Output statistics: online mean/variance (Welford), time-weighted averages,
 * and confidence intervals across independent replications. The log-bucket
 * histogram for quantiles is in histogram.ts.
 */
import { studentTQuantile } from './quantiles.js';

/** Online mean, variance, min and max of observations (Welford's algorithm). */
export class Tally {
  count = 0;
  mean = 0;
  private m2 = 0;
  min = Infinity;
  max = -Infinity;

  add(x: number): void {
    const n = ++this.count;
    const d = x - this.mean;
    this.mean += d / n;
    this.m2 += d * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /** Sample variance (n - 1 denominator); NaN with fewer than two observations. */
  get variance(): number {
    return this.count > 1 ? this.m2 / (this.count - 1) : NaN;
  }

  get sd(): number {
    return Math.sqrt(this.variance);
  }

  /** Combines another tally into this one (Chan et al.'s parallel formula). */
  merge(other: Tally): void {
    if (other.count === 0) return;
    if (this.count === 0) {
      this.count = other.count; this.mean = other.mean; this.m2 = other.m2; this.min = other.min; this.max = other.max;
      return;
    }
    const n = this.count + other.count;
    const d = other.mean - this.mean;
    this.m2 += other.m2 + (d * d * this.count * other.count) / n;
    this.mean += (d * other.count) / n;
    this.count = n;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  reset(): void {
    this.count = 0; this.mean = 0; this.m2 = 0; this.min = Infinity; this.max = -Infinity;
  }
}

/**
 * Time average of a piecewise-constant quantity (queue length, busy servers).
 * `set` records a change at time `now`; `reset` starts a new observation
 * period (warm-up deletion).
 */
export class TimeWeighted {
  private area = 0;
  private last: number;
  private start: number;
  value: number;
  max: number;

  constructor(now = 0, initial = 0) {
    this.last = now;
    this.start = now;
    this.value = initial;
    this.max = initial;
  }

  set(now: number, value: number): void {
    this.area += this.value * (now - this.last);
    this.last = now;
    this.value = value;
    if (value > this.max) this.max = value;
  }

  /** Average over [start, now]. */
  average(now: number): number {
    const span = now - this.start;
    if (span <= 0) return this.value;
    return (this.area + this.value * (now - this.last)) / span;
  }

  reset(now: number): void {
    this.area = 0;
    this.last = now;
    this.start = now;
    this.max = this.value;
  }
}

/** A mean with its confidence interval. */
export interface Interval {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
  readonly halfWidth: number;
  /** Number of independent observations (replications). */
  readonly n: number;
  readonly level: number;
}

/**
 * Student t confidence interval for the mean of independent, identically
 * distributed replication results. Needs at least two values.
 */
export function confidenceInterval(values: ArrayLike<number>, level = 0.95): Interval {
  const n = values.length;
  if (n < 2) throw new RangeError(`confidenceInterval: needs at least 2 replications, got ${n}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`confidenceInterval: level must be in (0, 1), got ${level}`);
  const t = new Tally();
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`confidenceInterval: values[${i}] must be finite, got ${v}`);
    t.add(v);
  }
  const halfWidth = studentTQuantile(0.5 + level / 2, n - 1) * Math.sqrt(t.variance / n);
  return { mean: t.mean, lo: t.mean - halfWidth, hi: t.mean + halfWidth, halfWidth, n, level };
}

/** Wilson score interval for a proportion (successes out of n). */
export function wilsonInterval(successes: number, n: number, z = 1.959963984540054): { p: number; lo: number; hi: number } {
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`wilsonInterval: n must be a positive integer, got ${n}`);
  if (!(successes >= 0 && successes <= n)) throw new RangeError(`wilsonInterval: successes must be in [0, ${n}], got ${successes}`);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // Exact at the ends: in floating point centre + half can land a hair under 1 when every trial succeeded (and centre -
  // half a hair over 0 when none did), putting p outside its own interval, which every reader of the result refuses.
  return { p, lo: successes === 0 ? 0 : Math.min(p, Math.max(0, centre - half)), hi: successes === n ? 1 : Math.max(p, Math.min(1, centre + half)) };
}
