/**
 * A mergeable log-bucket histogram for latency quantiles (the DDSketch idea):
 * bucket i holds values in (γ^(i-1), γ^i] with γ = (1 + α) / (1 − α), and
 * reports each bucket by 2γ^i / (γ + 1), so every quantile it returns is
 * within relative error α of an observed value of that rank. Buckets cover
 * only the range seen so far, so memory grows with log(max/min), not with the
 * number of observations, and two histograms with the same α merge by adding
 * counts, which is how replications and workers combine their results.
 */

export interface HistogramJson {
  readonly alpha: number;
  readonly offset: number;
  readonly counts: number[];
  readonly zeros: number;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/** Values at or below this are counted as zero (durations shorter than a nanosecond). */
const ZERO_THRESHOLD = 1e-9;

export class LogHistogram {
  readonly alpha: number;
  private readonly gamma: number;
  private readonly invLogGamma: number;
  private counts: Float64Array;
  /** Bucket index of counts[0]. */
  private offset = 0;
  private used = false;
  zeros = 0;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  /** `alpha`: the relative error of the quantiles it reports (default 1 %). */
  constructor(alpha = 0.01) {
    if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`LogHistogram: alpha must be in (0, 0.5), got ${alpha}`);
    this.alpha = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.invLogGamma = 1 / Math.log(this.gamma);
    this.counts = new Float64Array(64);
  }

  add(x: number, weight = 1): void {
    this.addAt(this.bucketOf(x), x, weight);
  }

  /** Bucket index of x (or NaN for the zero bucket); lets one value go into several histograms of the same alpha with one logarithm. */
  bucketOf(x: number): number {
    return x <= ZERO_THRESHOLD ? NaN : Math.ceil(Math.log(x) * this.invLogGamma);
  }

  /** Adds x, whose bucket `bucketOf(x)` gave (from this or another histogram of the same alpha). */
  addAt(bucket: number, x: number, weight = 1): void {
    this.count += weight;
    this.sum += x * weight;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (bucket !== bucket) {
      this.zeros += weight;
      return;
    }
    this.ensure(bucket);
    this.counts[bucket - this.offset]! += weight;
  }

  /**
   * Adds `k` observations of exactly 0: the same as `k` calls of `add(0)`
   * (in any order with other adds: zeros change only count, zeros, min and max,
   * and adding +0 to the sum is exact), so a caller may count them and add
   * them later in one go.
   */
  addZeros(k: number): void {
    if (k <= 0) return;
    this.count += k;
    this.sum += 0;
    if (0 < this.min) this.min = 0;
    if (0 > this.max) this.max = 0;
    this.zeros += k;
  }

  get mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN;
  }

  /** The q-quantile (0 ≤ q ≤ 1) within relative error alpha; NaN when empty. */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
    if (this.count === 0) return NaN;
    if (q === 0) return this.min;
    if (q === 1) return this.max;
    const rank = q * (this.count - 1);
    let seen = this.zeros;
    if (rank < seen) return 0;
    for (let j = 0; j < this.counts.length; j++) {
      seen += this.counts[j]!;
      if (seen > rank) {
        const v = (2 * Math.pow(this.gamma, j + this.offset)) / (this.gamma + 1);
        return Math.min(Math.max(v, this.min), this.max);
      }
    }
    return this.max;
  }

  /** Share of observations above `x` (approximate at the bucket holding x). */
  fractionAbove(x: number): number {
    if (this.count === 0) return NaN;
    if (x <= ZERO_THRESHOLD) return (this.count - this.zeros) / this.count;
    const i = Math.ceil(Math.log(x) * this.invLogGamma);
    let above = 0;
    for (let j = Math.max(0, i - this.offset + 1); j < this.counts.length; j++) above += this.counts[j]!;
    return above / this.count;
  }

  merge(other: LogHistogram): void {
    if (other.alpha !== this.alpha) throw new RangeError(`merge: alpha differs (${this.alpha} vs ${other.alpha})`);
    if (other.count === 0) return;
    if (other.used) {
      // Find the other's occupied range to avoid growing for empty buckets.
      let first = -1, last = -1;
      for (let j = 0; j < other.counts.length; j++) if (other.counts[j]! > 0) { if (first < 0) first = j; last = j; }
      if (first >= 0) {
        this.ensure(first + other.offset);
        this.ensure(last + other.offset);
        for (let j = first; j <= last; j++) this.counts[j + other.offset - this.offset]! += other.counts[j]!;
      }
    }
    this.zeros += other.zeros;
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.zeros = 0; this.count = 0; this.sum = 0; this.min = Infinity; this.max = -Infinity;
  }

  toJSON(): HistogramJson {
    let first = -1, last = -1;
    for (let j = 0; j < this.counts.length; j++) if (this.counts[j]! > 0) { if (first < 0) first = j; last = j; }
    return {
      alpha: this.alpha,
      offset: first < 0 ? 0 : first + this.offset,
      counts: first < 0 ? [] : Array.from(this.counts.subarray(first, last + 1)),
      zeros: this.zeros, count: this.count, sum: this.sum, min: this.min, max: this.max,
    };
  }

  static fromJSON(j: HistogramJson): LogHistogram {
    const h = new LogHistogram(j.alpha);
    if (j.counts.length > 0) {
      h.ensure(j.offset);
      h.ensure(j.offset + j.counts.length - 1);
      for (let k = 0; k < j.counts.length; k++) h.counts[j.offset + k - h.offset] = j.counts[k]!;
    }
    h.zeros = j.zeros; h.count = j.count; h.sum = j.sum;
    // JSON turns ±Infinity into null; an empty histogram has no min/max.
    h.min = j.min ?? Infinity; h.max = j.max ?? -Infinity;
    return h;
  }

  /** Makes bucket index i addressable, growing the window to cover it. */
  private ensure(i: number): void {
    if (!this.used) {
      this.used = true;
      this.offset = i - (this.counts.length >> 1);
      return;
    }
    const rel = i - this.offset;
    if (rel >= 0 && rel < this.counts.length) return;
    const lo = Math.min(this.offset, i);
    const hi = Math.max(this.offset + this.counts.length - 1, i);
    let size = this.counts.length;
    while (size < hi - lo + 1) size *= 2;
    // Leave head-room on the side that grew, so a drifting range does not regrow every time.
    const newOffset = i < this.offset ? hi - size + 1 : lo;
    const grown = new Float64Array(size);
    grown.set(this.counts, this.offset - newOffset);
    this.counts = grown;
    this.offset = newOffset;
  }
}
