/** How the HTML reports write figures: probabilities as percentages, intervals as `mean [lo, hi]`, durations in h/m/s. */

/** A probability as a percentage with one decimal; a positive value under 0.05 % shows as "<0.1%" rather than as zero. */
export function percent(p: number): string {
  if (p > 0 && p < 0.0005) return '<0.1%';
  return `${(100 * p).toFixed(1)}%`;
}

export function percentInterval(i: { readonly mean: number; readonly lo: number; readonly hi: number }): string {
  return `${percent(i.mean)} [${percent(i.lo)}, ${percent(i.hi)}]`;
}

/** Seconds as hours, minutes or seconds with one decimal: 5400 -> "1.5h". */
export function duration(seconds: number): string {
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)}h`;
  if (seconds >= 60) return `${(seconds / 60).toFixed(1)}m`;
  return `${seconds.toFixed(0)}s`;
}

/** A figure with four significant digits, without exponent for ordinary magnitudes. */
export function figure(x: number): string {
  return Math.abs(x) >= 1e6 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toPrecision(4) : String(Number(x.toPrecision(4)));
}

export function latency(seconds: number): string {
  return seconds < 1 ? `${(seconds * 1000).toFixed(1)}ms` : `${seconds.toFixed(2)}s`;
}
