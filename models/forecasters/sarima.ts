/**
 * Seasonal ARIMA through the `arima` package (ctsa compiled to WASM):
 * SARIMA(1,0,1)(0,1,0)_m with the conditional sum of squares method
 * (method 1), or ARIMA(1,1,1) without a season. Why these orders: seasonal
 * AR/MA terms (P, Q > 0) and the package's auto mode crash its WASM heap with
 * m = 288; the seasonal difference carries the daily shape instead. The
 * history is capped to its last 8000 points (CSS cost and memory grow with
 * it), every model is destroyed after use, and a forecast that leaves a wide
 * band around the history or has a non-finite variance is replaced by
 * seasonal naive, with a note.
 */
import { createRequire } from 'node:module';
import type { FitContext, FittedModel, Forecaster } from './types.js';
import { seasonalNaive } from './snaive.js';

interface ArimaInstance {
  train(ts: number[]): ArimaInstance;
  predict(h: number): [number[], number[]];
  destroy(): void;
}
type ArimaCtor = new (opts: Record<string, number | boolean | undefined>) => ArimaInstance;

let ctor: ArimaCtor | undefined;
function arimaCtor(): ArimaCtor {
  ctor ??= createRequire(import.meta.url)('arima') as ArimaCtor;
  return ctor;
}

export const SARIMA_MAX_HISTORY = 8000;

export const sarima: Forecaster = {
  name: 'sarima',
  minLength: (period, horizon) => (period > 1 ? 2 * period + horizon : 20),
  fit(y: Float64Array, ctx: FitContext): FittedModel {
    const m = Math.max(1, ctx.period);
    const h = ctx.horizon;
    const hist = y.length > SARIMA_MAX_HISTORY ? y.subarray(y.length - SARIMA_MAX_HISTORY) : y;
    const notes: string[] = [];
    if (hist.length < y.length) notes.push(`SARIMA saw the last ${SARIMA_MAX_HISTORY} of ${y.length} points`);
    const opts: { p: number; d: number; q: number; P?: number; D?: number; Q?: number; s?: number } = m > 1 ? { p: 1, d: 0, q: 1, P: 0, D: 1, Q: 0, s: m } : { p: 1, d: 1, q: 1 };
    let min = Infinity, max = -Infinity;
    for (const v of hist) { if (v < min) min = v; if (v > max) max = v; }
    let model: ArimaInstance | undefined;
    let pred: number[] = [], varc: number[] = [];
    let failure: string | undefined;
    try {
      const Arima = arimaCtor();
      model = new Arima({ ...opts, method: 1, verbose: false }).train(Array.from(hist));
      [pred, varc] = model.predict(h);
    } catch (e) {
      failure = `SARIMA failed (${(e as Error).message})`;
    } finally {
      model?.destroy();
    }
    if (!failure && isExplosive(pred, varc, h, min, max)) failure = 'SARIMA forecast was explosive (left twice the historical range or had a runaway variance)';
    if (failure) {
      const fb = seasonalNaive.fit(y, ctx) as FittedModel;
      return { ...fb, name: 'snaive (fallback from sarima)', notes: [...notes, `${failure}: seasonal naive used instead`] };
    }
    const point = Float64Array.from(pred);
    const sd = Float64Array.from(varc, (v) => Math.sqrt(v));
    return {
      name: 'sarima',
      notes: [...notes, `SARIMA(${opts.p},${opts.d},${opts.q})${m > 1 ? `(0,1,0)_${m}` : ''} CSS`],
      point: (k) => (k === h ? point : extend(point, k)),
      sd: (k) => (k === h ? sd : extend(sd, k)),
    };
  },
};

function extend(a: Float64Array, k: number): Float64Array {
  if (k <= a.length) return a.slice(0, k);
  throw new RangeError(`SARIMA was fitted for ${a.length} steps, asked for ${k}`);
}

/** A forecast is explosive when it leaves the history's range by more than twice that range, or its variance runs away. */
export function isExplosive(pred: readonly number[], variance: readonly number[], h: number, min: number, max: number): boolean {
  const band = Math.max(max - min, Math.abs(max) * 1e-6, 1e-9);
  return pred.length !== h || pred.some((v) => !Number.isFinite(v) || v < min - 2 * band || v > max + 2 * band)
    || variance.some((v) => !Number.isFinite(v) || v < 0 || v > 100 * band * band);
}
