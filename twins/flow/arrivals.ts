/**
 * The arrival-rate function of each entry: constant, a rate profile, or
 * sample path i of a forecast for replication i (simulation time 0 = the
 * forecast's first step; rates between steps are interpolated linearly).
 */
import { RateFunction } from '../../engine/index.js';
import { findSeries, samplePath, type ForecastBundle } from '../../models/forecast.js';
import type { TwinEntry } from '../definition/types.js';

export class ForecastMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForecastMissingError';
  }
}

export function entryRate(entry: TwinEntry, replication: number, forecast: ForecastBundle | null): RateFunction {
  const a = entry.arrival;
  switch (a.kind) {
    case 'constant':
      return RateFunction.constant(a.rate);
    case 'profile':
      return new RateFunction(a.times, a.rates.map((r) => r * a.scale), a.interpolation === 'step' ? 'constant' : 'linear');
    case 'forecast': {
      if (!forecast) throw new ForecastMissingError(`entry ${entry.id} is driven by forecast series ${a.node}/${a.metric}: pass --forecast DIR`);
      const series = findSeries(forecast, a.node, a.metric);
      if (!series) {
        const have = forecast.series.map((s) => `${s.node}/${s.metric}`).join(', ');
        throw new ForecastMissingError(`entry ${entry.id}: the forecast has no series ${a.node}/${a.metric} (it has: ${have})`);
      }
      const path = samplePath(forecast, series, replication);
      const step = forecast.stepMs / 1000;
      const times = Array.from(path, (_, k) => k * step);
      // Rates cannot be negative; a path that dips below zero means "no traffic" there.
      const rates = Array.from(path, (v) => Math.max(0, v) * a.scale);
      return new RateFunction(times, rates, 'linear');
    }
  }
}
