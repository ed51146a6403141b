/**
 * The arrival load a run would generate, checked against LIMITS before any
 * replication starts: each entry's peak rate (constant, profile or forecast,
 * times its scale and any scenario loadScale, already folded into `scale`) and
 * the expected arrivals of one replication over the horizon. A rate of 1e9 or
 * a forecast path at float32-max would otherwise run for days without a word.
 */
import { LIMITS, overLimit } from '../../engine/limits.js';
import type { ForecastBundle } from '../../models/forecast.js';
import { findSeries } from '../../models/forecast.js';
import type { Twin, TwinEntry } from './types.js';

/** Peak arrival rate of an entry, requests/s; null when its forecast series is absent (bindForecast reports that). */
export function peakEntryRate(e: TwinEntry, forecast: ForecastBundle | null): number | null {
  const a = e.arrival;
  if (a.kind === 'constant') return a.rate;
  if (a.kind === 'profile') {
    let peak = 0;
    for (const r of a.rates) peak = Math.max(peak, r);
    return peak * a.scale;
  }
  const s = forecast ? findSeries(forecast, a.node, a.metric) : undefined;
  if (!s) return null;
  let peak = 0;
  for (let i = 0; i < s.paths.length; i++) {
    const v = s.paths[i]!;
    if (!Number.isFinite(v)) return Number.POSITIVE_INFINITY;
    if (v > peak) peak = v;
  }
  return peak * a.scale;
}

/** Problems (one line each, naming the entry and the limit) with the arrival load of `twin` over `horizon` seconds. */
export function arrivalLimitProblems(twin: Twin, horizon: number, forecast: ForecastBundle | null): string[] {
  const out: string[] = [];
  let total = 0;
  twin.entries.forEach((e, k) => {
    const peak = peakEntryRate(e, forecast);
    if (peak === null) return;
    const what = `entries[${k}] (${e.id}) peak arrival rate`;
    if (!(peak <= LIMITS.entryRate)) out.push(overLimit(what, peak, LIMITS.entryRate, ' req/s'));
    total += peak;
  });
  const arrivals = total * horizon;
  if (out.length === 0 && !(arrivals <= LIMITS.arrivalsPerReplication)) {
    out.push(overLimit(`expected arrivals per replication (peak rates ${total.toPrecision(4)} req/s x horizon ${horizon} s)`, arrivals, LIMITS.arrivalsPerReplication) + '; shorten --horizon or lower the rates');
  }
  return out;
}
