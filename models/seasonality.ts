/**
 * Seasonal periods from the step and the data: the daily period (86400 s /
 * step) is used when the history holds at least two days and the
 * autocorrelation at that lag is at least 0.1; the weekly one is added (for
 * MSTL) when the history holds three weeks and its autocorrelation is at
 * least as high. Anything else is non-seasonal (period 1), with a note.
 */
export interface Seasonality {
  readonly period: number;
  readonly extraPeriods: readonly number[];
  readonly notes: readonly string[];
}

const DAY_MS = 86_400_000;
const MIN_ACF = 0.1;

export function autocorrelation(y: ArrayLike<number>, lag: number): number {
  const n = y.length;
  if (lag >= n - 1) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i]! - mean;
    den += d * d;
    if (i >= lag) num += d * (y[i - lag]! - mean);
  }
  return den > 0 ? num / den : 0;
}

export function detectSeasonality(y: ArrayLike<number>, stepMs: number, forcedPeriod?: number): Seasonality {
  if (forcedPeriod !== undefined) {
    if (forcedPeriod > 1 && y.length < 2 * forcedPeriod) {
      return { period: 1, extraPeriods: [], notes: [`history of ${y.length} points is shorter than two seasons of ${forcedPeriod}: non-seasonal model`] };
    }
    return { period: Math.max(1, Math.round(forcedPeriod)), extraPeriods: [], notes: [] };
  }
  const daily = Math.round(DAY_MS / stepMs);
  if (daily < 2) return { period: 1, extraPeriods: [], notes: [`step of ${stepMs / 1000} s is too long for a daily season: non-seasonal model`] };
  if (y.length < 2 * daily) {
    return { period: 1, extraPeriods: [], notes: [`history of ${y.length} points is shorter than two daily seasons (${2 * daily}): non-seasonal model`] };
  }
  const acfDay = autocorrelation(y, daily);
  if (acfDay < MIN_ACF) return { period: 1, extraPeriods: [], notes: [`no daily seasonality in the data (autocorrelation ${acfDay.toFixed(2)} at lag ${daily}): non-seasonal model`] };
  const weekly = 7 * daily;
  const extra: number[] = [];
  if (y.length >= 3 * weekly && autocorrelation(y, weekly) >= acfDay) extra.push(weekly);
  return { period: daily, extraPeriods: extra, notes: [] };
}
