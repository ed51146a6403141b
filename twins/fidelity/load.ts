/**
 * The high load the screen judges each node at: per entry, the forecast's
 * high quantile (its largest value over the horizon) when the entry is
 * driven by a forecast, else the entry's largest nominal rate times a
 * margin. Pure.
 */
import { findSeries, type ForecastBundle } from '../../models/forecast.js';
import type { Twin } from '../definition/types.js';

export interface LoadOptions {
  /** Forecast quantile level (the nearest level at or above it that the forecast carries). */
  readonly quantile: number;
  /** Multiplier of nominal (constant or profile) rates. */
  readonly margin: number;
  /** Simulated seconds: the forecast steps looked at. */
  readonly horizon: number;
}

export const DEFAULT_LOAD: Omit<LoadOptions, 'horizon'> = { quantile: 0.95, margin: 1.5 };

/** Per entry: the rate and where it came from. Throws RangeError when a forecast entry has no series in `forecast`. */
export function entryHighRates(twin: Twin, forecast: ForecastBundle | null, options: LoadOptions): { rate: number; basis: string }[] {
  return twin.entries.map((e) => {
    const a = e.arrival;
    if (a.kind === 'constant') return { rate: a.rate * options.margin, basis: `${a.rate} req/s x margin ${options.margin}` };
    if (a.kind === 'profile') {
      const peak = Math.max(...a.rates) * a.scale;
      return { rate: peak * options.margin, basis: `profile peak ${peak} req/s x margin ${options.margin}` };
    }
    const series = forecast ? findSeries(forecast, a.node, a.metric) : undefined;
    if (!forecast || !series) throw new RangeError(`entry ${e.id}: forecast series ${a.node}/${a.metric} is not in the forecast`);
    const levels = [...series.quantiles.keys()].sort((x, y) => x - y);
    const level = levels.find((l) => l >= options.quantile - 1e-9) ?? levels[levels.length - 1]!;
    const values = series.quantiles.get(level)!;
    const steps = Math.min(values.length, Math.max(1, Math.ceil((options.horizon * 1000) / forecast.stepMs)));
    let peak = 0;
    for (let s = 0; s < steps; s++) peak = Math.max(peak, values[s]!);
    return { rate: peak * a.scale, basis: `forecast q${level} peak ${peak.toFixed(2)} x scale ${a.scale}` };
  });
}
