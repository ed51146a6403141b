/**
 * A line with intercept by least squares: CPU in use against the request
 * rate gives CPU seconds per request (slope) and idle CPU (intercept).
 */

export interface LineFit {
  readonly intercept: number;
  readonly slope: number;
  /** Share of variance explained, in (-inf, 1]; NaN when y does not vary. */
  readonly r2: number;
  readonly n: number;
}

/** Ordinary least squares y = a + b x over the pairs where both are finite. */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  }
  const n = xs.length;
  if (n < 2) return { intercept: NaN, slope: NaN, r2: NaN, n };
  const xm = xs.reduce((s, v) => s + v, 0) / n;
  const ym = ys.reduce((s, v) => s + v, 0) / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - xm) ** 2;
    sxy += (xs[i]! - xm) * (ys[i]! - ym);
    syy += (ys[i]! - ym) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  const intercept = ym - slope * xm;
  const r2 = syy > 0 && sxx > 0 ? (sxy * sxy) / (sxx * syy) : NaN;
  return { intercept, slope, r2, n };
}
