/**
 * The traffic schedule of each entry over [startAt, startAt + duration]
 * (production time): the mean rate of each step, so that the expected
 * number of requests is that of the entry's rate function exactly.
 *
 *  - constant entry: one step (the whole duration) at its rate;
 *  - profile entry: steps of the profile's smallest gap between points
 *    (at least MIN_STEP, at most the duration), scaled as in the twin;
 *  - forecast entry: steps of the forecast's step, from sample path `path`
 *    or from the quantile `quantile` of its series (linear between the
 *    bundle's quantile levels), interpolated linearly between forecast
 *    points as the simulator does (simulation time 0 = the first step).
 */
import { RateFunction } from '../../engine/index.js';
import { findSeries, samplePath, type ForecastBundle, type ForecastSeries } from '../../models/forecast.js';
import { TwinSpecError } from '../definition/errors.js';
import type { Twin, TwinEntry } from '../definition/types.js';
import { PLAN_OPTIONS_SOURCE, type TrafficSchedule } from './plan-types.js';

/** Shortest step of a profile schedule, production seconds. */
export const MIN_STEP = 1;

/** Which forecast trajectory drives forecast entries. */
export type TrafficChoice = { readonly kind: 'path'; readonly path: number } | { readonly kind: 'quantile'; readonly quantile: number };

export interface ForecastInput {
  readonly bundle: ForecastBundle;
  /** Where it was read from (for messages). */
  readonly source: string;
}

/** Problems in the traffic options are reported against this pseudo-file. */
const OPTIONS = PLAN_OPTIONS_SOURCE;

/** A series' quantile `q` over the horizon, linear between the bundle's levels; throws when q lies outside them. */
export function quantileValues(series: ForecastSeries, q: number): Float64Array {
  const exact = series.quantiles.get(q);
  if (exact) return exact;
  const levels = [...series.quantiles.keys()].sort((a, b) => a - b);
  const hi = levels.findIndex((l) => l > q);
  if (hi <= 0) {
    throw new TwinSpecError(OPTIONS, [{ path: 'quantile', message: `expected a quantile within the forecast's levels of ${series.node}/${series.metric} (${levels.join(', ')}), got ${q}` }]);
  }
  const a = levels[hi - 1]!, b = levels[hi]!;
  const va = series.quantiles.get(a)!, vb = series.quantiles.get(b)!;
  const w = (q - a) / (b - a);
  return va.map((x, i) => x + w * (vb[i]! - x));
}

function forecastRate(entry: TwinEntry & { arrival: { kind: 'forecast' } }, forecast: ForecastInput | null, choice: TrafficChoice): { fn: RateFunction; step: number; source: TrafficSchedule['source'] } {
  const a = entry.arrival;
  const series = `${a.node}/${a.metric}`;
  if (!forecast) throw new TwinSpecError(OPTIONS, [{ path: 'forecast', message: `entry ${entry.id} is driven by forecast series ${series}: expected a forecast (--forecast DIR)` }]);
  const s = findSeries(forecast.bundle, a.node, a.metric);
  if (!s) {
    const have = forecast.bundle.series.map((x) => `${x.node}/${x.metric}`).join(', ');
    throw new TwinSpecError(forecast.source, [{ path: 'series', message: `expected series ${series} for entry ${entry.id} (it has: ${have || 'none'})` }]);
  }
  const step = forecast.bundle.stepMs / 1000;
  let values: ArrayLike<number>;
  let source: TrafficSchedule['source'];
  if (choice.kind === 'path') {
    if (!Number.isInteger(choice.path) || choice.path < 0) throw new TwinSpecError(OPTIONS, [{ path: 'path', message: `expected a sample-path index >= 0, got ${choice.path}` }]);
    values = samplePath(forecast.bundle, s, choice.path);
    source = { kind: 'forecast-path', series, path: choice.path };
  } else {
    if (!(choice.quantile > 0 && choice.quantile < 1)) throw new TwinSpecError(OPTIONS, [{ path: 'quantile', message: `expected a quantile in (0, 1), got ${choice.quantile}` }]);
    values = quantileValues(s, choice.quantile);
    source = { kind: 'forecast-quantile', series, quantile: choice.quantile };
  }
  const times = Array.from(values, (_, k) => k * step);
  // As the simulator reads it (twins/flow/arrivals.ts): negative values are "no traffic".
  const rates = Array.from(values, (v) => Math.max(0, v) * a.scale);
  return { fn: new RateFunction(times, rates, 'linear'), step, source };
}

/** The entry's rate function, the natural step of its schedule and where it comes from. */
export function entryRateFunction(entry: TwinEntry, duration: number, forecast: ForecastInput | null, choice: TrafficChoice): { fn: RateFunction; step: number; source: TrafficSchedule['source'] } {
  const a = entry.arrival;
  switch (a.kind) {
    case 'constant':
      return { fn: RateFunction.constant(a.rate), step: duration, source: { kind: 'constant' } };
    case 'profile': {
      let gap = Infinity;
      for (let i = 1; i < a.times.length; i++) gap = Math.min(gap, a.times[i]! - a.times[i - 1]!);
      const step = Math.min(duration, Math.max(MIN_STEP, gap));
      return { fn: new RateFunction(a.times, a.rates.map((r) => r * a.scale), a.interpolation === 'step' ? 'constant' : 'linear'), step, source: { kind: 'profile', file: a.file } };
    }
    case 'forecast':
      return forecastRate({ ...entry, arrival: a }, forecast, choice);
  }
}

/** Mean rate of each step over [startAt, startAt + duration]; the last step ends at the end. */
export function scheduleRates(fn: RateFunction, startAt: number, duration: number, step: number): number[] {
  const n = Math.max(1, Math.ceil(duration / step - 1e-9));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = startAt + i * step;
    const t1 = Math.min(startAt + duration, t0 + step);
    out.push(t1 > t0 ? (fn.cumulativeAt(t1) - fn.cumulativeAt(t0)) / (t1 - t0) : fn.rateAt(t0));
  }
  return out;
}

/** Schedules of the entries whose node is in `reachableNodes` (others send nothing to the shadow). */
export function trafficSchedules(twin: Twin, reachableNodes: ReadonlySet<string>, startAt: number, duration: number, forecast: ForecastInput | null, choice: TrafficChoice): TrafficSchedule[] {
  const out: TrafficSchedule[] = [];
  for (const e of twin.entries) {
    const node = twin.nodes[e.node]!.id;
    if (!reachableNodes.has(node)) continue;
    const { fn, step, source } = entryRateFunction(e, duration, forecast, choice);
    out.push({ entry: e.id, node, source, step, rates: scheduleRates(fn, startAt, duration, step), process: e.process });
  }
  return out;
}

/** Expected requests of a schedule over `duration`. */
export function scheduleRequests(s: TrafficSchedule, duration: number): number {
  let total = 0;
  s.rates.forEach((r, i) => {
    total += r * Math.max(0, Math.min(s.step, duration - i * s.step));
  });
  return total;
}

/** Highest step rate of a schedule. */
export function schedulePeak(s: TrafficSchedule): number {
  return s.rates.reduce((m, r) => Math.max(m, r), 0);
}
