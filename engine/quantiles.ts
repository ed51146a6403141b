/**
 * Quantile functions of the normal and Student t distributions, needed for
 * lognormal-by-percentiles and for confidence intervals. Written here because
 * the engine takes no dependency beyond its random generator.
 */

// Acklam's rational approximation of Φ⁻¹, relative error < 1.15e-9 (coefficients in normalQuantileUnchecked).

/** Complementary error function (Numerical Recipes erfcc, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal quantile Φ⁻¹(p), p in (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  return normalQuantileUnchecked(p);
}

/**
 * Φ⁻¹(p) without the range check, for samplers that guarantee 0 < p < 1. The
 * coefficients are A, B, C, D written out as literals: every lognormal and
 * gamma service time passes through here, and indexing module-level arrays
 * costs a load and a bounds check per coefficient (same doubles, same order
 * of operations, so the same results bit for bit).
 */
export function normalQuantileUnchecked(p: number): number {
  const plow = 0.02425;
  let q: number, r: number;
  if (p < plow) {
    q = Math.sqrt(-2 * Math.log(p));
    return (((((-7.784894002430293e-3 * q + -3.223964580411365e-1) * q + -2.400758277161838) * q + -2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783) /
      ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1);
  }
  if (p > 1 - plow) {
    q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((-7.784894002430293e-3 * q + -3.223964580411365e-1) * q + -2.400758277161838) * q + -2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783) /
      ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1);
  }
  q = p - 0.5;
  r = q * q;
  return ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r + -2.759285104469687e2) * r + 1.38357751867269e2) * r + -3.066479806614716e1) * r + 2.506628277459239) * q) /
    (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r + -1.556989798598866e2) * r + 6.680131188771972e1) * r + -1.328068155288572e1) * r + 1);
}

/**
 * Student t quantile with `df` degrees of freedom: Hill's algorithm 396
 * (CACM 1970), exact for df 1 and 2 and accurate to ~1e-6 otherwise.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df >= 1) || !Number.isFinite(df)) throw new RangeError(`studentTQuantile: df must be >= 1, got ${df}`);
  if (p === 0.5) return 0;
  const upper = p > 0.5;
  const P = 2 * (upper ? 1 - p : p); // two-tailed probability
  let t: number;
  if (df === 1) {
    t = Math.cos((P * Math.PI) / 2) / Math.sin((P * Math.PI) / 2);
  } else if (df === 2) {
    t = Math.sqrt(2 / (P * (2 - P)) - 2);
  } else {
    const n = df;
    const a = 1 / (n - 0.5);
    const b = 48 / (a * a);
    let c = ((((20700 * a) / b - 98) * a - 16) * a) + 96.36;
    const d = ((94.5 / (b + c) - 3) / b + 1) * Math.sqrt((a * Math.PI) / 2) * n;
    let x = d * P;
    let y = Math.pow(x, 2 / n);
    if (y > 0.05 + a) {
      x = normalQuantile(P * 0.5);
      y = x * x;
      if (n < 5) c += 0.3 * (n - 4.5) * (x + 0.6);
      c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c;
      y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x;
      y = a * y * y;
      y = y > 0.002 ? Math.exp(y) - 1 : 0.5 * y * y + y;
    } else {
      y = ((1 / (((n + 6) / (n * y) - 0.089 * d - 0.822) * (n + 2) * 3) + 0.5 / (n + 4)) * y - 1) * (n + 1) / (n + 2) + 1 / y;
    }
    t = Math.sqrt(n * y);
  }
  return upper ? t : -t;
}
