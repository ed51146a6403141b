/**
 * The two small regressions calibration needs: a line with intercept (CPU
 * against request rate) and non-negative least squares without intercept
 * (a callee's rate as a sum of its callers' rates times calls per request).
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

export interface NnlsFit {
  /** One coefficient per column, each >= 0. */
  readonly coef: number[];
  /** 1 - residual / total sum of squares about zero (the model has no intercept). */
  readonly r2: number;
}

/**
 * min ||A c - y||^2 subject to c >= 0, by cyclic coordinate descent (the
 * problems here have a handful of columns; it converges to the unique optimum
 * when A has full column rank). `columns[j][i]` is A[i][j].
 */
export function nnls(columns: readonly ArrayLike<number>[], y: ArrayLike<number>, sweeps = 500): NnlsFit {
  const k = columns.length;
  const n = y.length;
  const c = new Array<number>(k).fill(0);
  const norms = columns.map((col) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += col[i]! * col[i]!;
    return s;
  });
  const r = Float64Array.from(y);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let change = 0;
    for (let j = 0; j < k; j++) {
      if (!(norms[j]! > 0)) continue;
      const col = columns[j]!;
      let g = 0;
      for (let i = 0; i < n; i++) g += col[i]! * r[i]!;
      const next = Math.max(0, c[j]! + g / norms[j]!);
      const d = next - c[j]!;
      if (d !== 0) {
        for (let i = 0; i < n; i++) r[i] = r[i]! - d * col[i]!;
        c[j] = next;
        change = Math.max(change, Math.abs(d) / Math.max(1e-12, Math.abs(next)));
      }
    }
    if (change < 1e-10) break;
  }
  let rss = 0, tss = 0;
  for (let i = 0; i < n; i++) {
    rss += r[i]! * r[i]!;
    tss += y[i]! * y[i]!;
  }
  return { coef: c, r2: tss > 0 ? 1 - rss / tss : NaN };
}
