/**
 * When the injector sends: the arrival times of every target over the shadow
 * run, a function of (schedules, k, duration, cap, seed) only. Rates are the
 * plan's production rates divided by k, held for step·k shadow seconds each
 * (the last one persists); Poisson targets use the engine's NHPP by inversion,
 * deterministic ones put arrivals at whole units of the cumulative intensity.
 */
import { PoissonArrivals, RateFunction } from '../../engine/arrivals.js';
import { createStream } from '../../engine/rng.js';
import type { TrafficSchedule } from '../../twins/shadow/plan-types.js';

/** A schedule's rate function in shadow time (seconds, requests/s). */
export function shadowRate(schedule: TrafficSchedule, k: number): RateFunction {
  if (!(k >= 1) || !Number.isFinite(k)) throw new RangeError(`dilation k must be a finite number >= 1, got ${k}`);
  if (!(schedule.step > 0) || schedule.rates.length === 0) throw new RangeError(`traffic for ${schedule.entry}: needs step > 0 and at least one rate`);
  return new RateFunction(schedule.rates.map((_, i) => i * schedule.step * k), schedule.rates.map((r) => r / k), 'constant');
}

export interface ArrivalPlan {
  /** Shadow milliseconds from the start, ascending. */
  readonly atMs: Float64Array;
  /** Index of the target of each arrival. */
  readonly target: Uint16Array;
  /** Shadow seconds the arrivals cover: the duration, or the time of the last one when the cap cut it short. */
  readonly windowSeconds: number;
  /** Expected arrivals in the window (Σ Λ(window)). */
  readonly expected: number;
  readonly capped: boolean;
}

export function planArrivals(schedules: readonly TrafficSchedule[], k: number, durationSeconds: number, maxRequests: number, seed: number | string): ArrivalPlan {
  if (!(durationSeconds > 0) || !Number.isFinite(durationSeconds)) throw new RangeError(`duration must be a positive number of seconds, got ${durationSeconds}`);
  if (!Number.isInteger(maxRequests) || maxRequests < 1) throw new RangeError(`maxRequests must be a positive integer, got ${maxRequests}`);
  if (schedules.length > 0xffff) throw new RangeError('at most 65535 targets');
  const rates = schedules.map((s) => shadowRate(s, k));
  const times: number[] = [], owners: number[] = [];
  schedules.forEach((s, i) => {
    const rate = rates[i]!;
    const rng = createStream(seed, 0, `shadow-inject|${s.entry}|${i}`);
    const poisson = new PoissonArrivals(rate);
    let t = 0;
    // Each target alone never needs more than the cap (one more tells whether the cap cut it).
    for (let n = 0; n <= maxRequests; n++) {
      t = s.process === 'poisson' ? poisson.next(t, rng) : rate.inverseCumulative(rate.cumulativeAt(t) + 1);
      if (!(t < durationSeconds)) break;
      times.push(t * 1000);
      owners.push(i);
    }
  });
  const order = Array.from(times.keys()).sort((a, b) => times[a]! - times[b]! || owners[a]! - owners[b]!);
  const capped = order.length > maxRequests;
  const kept = capped ? order.slice(0, maxRequests) : order;
  const atMs = Float64Array.from(kept, (i) => times[i]!);
  const windowSeconds = capped ? atMs[atMs.length - 1]! / 1000 : durationSeconds;
  return {
    atMs,
    target: Uint16Array.from(kept, (i) => owners[i]!),
    windowSeconds,
    expected: rates.reduce((a, r) => a + r.cumulativeAt(windowSeconds), 0),
    capped,
  };
}
