/**
 * Binds the twin's forecast-driven entries to the series of a forecast bundle
 * (models/forecast.ts): every `forecast: {node, metric}` entry must name a
 * series of the bundle. Replication i is then driven by sample path i of it
 * (`samplePath(bundle, series, i)`, which wraps around the bundle's paths).
 */
import type { ForecastBundle, ForecastSeries } from '../models/forecast.js';
import { findSeries } from '../models/forecast.js';
import { Problems } from './definition/errors.js';
import type { Twin } from './definition/types.js';

export interface ForecastBinding {
  /** Per entry (same order as twin.entries): its series, or null for entries not driven by a forecast. */
  readonly series: readonly (ForecastSeries | null)[];
  readonly warnings: readonly string[];
}

/** Throws TwinSpecError (paths `entries[k].forecast`) when a referenced series is missing. */
export function bindForecast(twin: Twin, bundle: ForecastBundle, forecastSource: string): ForecastBinding {
  const p = new Problems();
  const warnings: string[] = [];
  const series = twin.entries.map((e, k) => {
    if (e.arrival.kind !== 'forecast') return null;
    const s = findSeries(bundle, e.arrival.node, e.arrival.metric);
    if (!s) {
      const have = bundle.series.map((x) => `${x.node}/${x.metric}`).join(', ');
      p.raw(`entries[${k}].forecast`, `no series ${e.arrival.node}/${e.arrival.metric} in forecast ${forecastSource} (it has: ${have || 'none'})`);
      return null;
    }
    let negative = 0;
    for (let i = 0; i < s.paths.length; i++) if (s.paths[i]! < 0) negative++;
    if (negative > 0) warnings.push(`entries[${k}] (${e.id}): ${negative} negative sample-path value(s) in ${s.node}/${s.metric}, to be read as rate 0`);
    return s;
  });
  p.throwIfAny(twin.source);
  return { series, warnings };
}
