/**
 * Rates, counts and byte counters are modelled in log space (log1p, so zeros
 * are fine): their noise grows with their level and they cannot go below 0,
 * which log space gives for free. Quantiles survive the monotone back
 * transform unchanged; sample paths are transformed point by point.
 */
export type TransformName = 'none' | 'log1p';

const RATE_LIKE = /(rate|count|bytes|network|request|ops|workload|throughput|qps|rps|syscall)/i;

export function chooseTransform(metric: string, values: ArrayLike<number>, allowNegative: boolean): TransformName {
  if (allowNegative || !RATE_LIKE.test(metric) || /pct|percent|%/.test(metric)) return 'none';
  for (let i = 0; i < values.length; i++) if (!(values[i]! >= 0)) return 'none';
  return 'log1p';
}

export function forward(t: TransformName, y: Float64Array): Float64Array {
  return t === 'log1p' ? y.map((v) => Math.log1p(v)) : y;
}

export function inverseValue(t: TransformName, v: number): number {
  return t === 'log1p' ? Math.expm1(v) : v;
}
