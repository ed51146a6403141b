/**
 * Checks the twin's forecast-driven entries against a forecast bundle
 * (models/forecast.ts) before a run: every `forecast: {node, metric}` entry
 * must name a series of the bundle, and negative sample-path values are
 * reported. The simulator looks the series up itself (twins/flow/arrivals.ts):
 * replication i is driven by sample path i (`samplePath`, wrapping around).
 */
import type { ForecastBundle } from '../models/forecast.js';
import { findSeries } from '../models/forecast.js';
import { Problems } from './definition/errors.js';
import type { Twin } from './definition/types.js';

export interface ForecastBinding {
  /** Non-fatal findings about the bound series (negative sample-path values), or that nothing follows the forecast. */
  readonly warnings: readonly string[];
  /** Whether some entry follows the forecast; when none does, a run has no use for it (and must not record it as used). */
  readonly used: boolean;
}

/**
 * A run longer than the forecast holds each forecast-driven entry at its
 * last step's rate for the rest (twins/flow/arrivals.ts): legitimate, but a
 * flat stretch the user did not ask for, so it is said, once per run.
 */
export function forecastCoverageWarnings(twin: Twin, bundle: ForecastBundle, horizon: number): string[] {
  const covered = (bundle.steps * bundle.stepMs) / 1000;
  if (horizon <= covered + 1e-9) return [];
  const driven = twin.entries.filter((e) => e.arrival.kind === 'forecast').map((e) => e.id);
  if (driven.length === 0) return [];
  return [`the forecast covers ${covered} s (${bundle.steps} steps of ${bundle.stepMs / 1000} s) and the run ${horizon} s: from ${covered} s on, ${driven.join(', ')} ${driven.length === 1 ? 'stays' : 'stay'} at the last step's rate (forecast further, or shorten the horizon)`];
}

/**
 * Throws TwinSpecError (paths `entries[k].forecast`) when a referenced series
 * is missing. A twin with no forecast-driven entry binds nothing: that is
 * said (a forecast given for nothing is a mistake worth a word, as a run
 * outliving the forecast is), not refused.
 */
export function bindForecast(twin: Twin, bundle: ForecastBundle, forecastSource: string): ForecastBinding {
  if (!twin.entries.some((e) => e.arrival.kind === 'forecast')) {
    return { used: false, warnings: [`the forecast ${forecastSource} is not used: no entry of ${twin.source} follows a forecast (an entry's forecast: {node, metric}, docs/twin-spec.md), so every rate is the twin's own`] };
  }
  const p = new Problems();
  const warnings: string[] = [];
  twin.entries.forEach((e, k) => {
    if (e.arrival.kind !== 'forecast') return;
    const s = findSeries(bundle, e.arrival.node, e.arrival.metric);
    if (!s) {
      const have = bundle.series.map((x) => `${x.node}/${x.metric}`).join(', ');
      p.raw(`entries[${k}].forecast`, `no series ${e.arrival.node}/${e.arrival.metric} in forecast ${forecastSource} (it has: ${have || 'none'})`);
      return;
    }
    let negative = 0;
    for (let i = 0; i < s.paths.length; i++) if (s.paths[i]! < 0) negative++;
    if (negative > 0) warnings.push(`entries[${k}] (${e.id}): ${negative} negative sample-path value(s) in ${s.node}/${s.metric}, to be read as rate 0`);
  });
  p.throwIfAny(twin.source);
  return { warnings, used: true };
}
