/**
 * MSTL decomposition + AutoETS on the trend (augurs, Rust compiled to WASM;
 * works offline). Each augurs sub-module has its own WASM instance and must be
 * initialised with initSync in Node (the default async init fetches a URL).
 * Intervals come from augurs at 95 %, turned into a standard deviation per
 * step for the distribution layer.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as mstlModule from '@bsull/augurs/mstl';
import type { FitContext, FittedModel, Forecaster } from './types.js';

let ready = false;
function init(): void {
  if (ready) return;
  const js = fileURLToPath(import.meta.resolve('@bsull/augurs/mstl'));
  mstlModule.initSync({ module: readFileSync(js.replace(/\.js$/, '_bg.wasm')) });
  ready = true;
}

const Z95 = 1.959963984540054;

export const mstl: Forecaster = {
  name: 'mstl',
  minLength: (period, horizon) => (period > 1 ? 2 * period + horizon : 10 + horizon),
  fit(y: Float64Array, ctx: FitContext): FittedModel {
    init();
    const periods = [ctx.period, ...ctx.extraPeriods].filter((p) => p > 1 && y.length >= 2 * p);
    // augurs throws an undefined value on an empty period list; say what is missing instead.
    if (periods.length === 0) throw new RangeError('no seasonal period with two full cycles in the history (MSTL needs one)');
    const model = mstlModule.MSTL.ets(periods);
    let point: Float64Array, sd: Float64Array;
    try {
      model.fit(y);
      const f = model.predict(ctx.horizon, 0.95);
      point = Float64Array.from(f.point);
      const upper = f.intervals?.upper ?? [];
      sd = Float64Array.from(f.point, (p, i) => Math.max(0, ((upper[i] ?? p) - p) / Z95));
    } finally {
      model.free();
    }
    if (point.some((v) => !Number.isFinite(v))) throw new RangeError('MSTL produced a non-finite forecast');
    return {
      name: 'mstl',
      notes: [`MSTL periods [${periods.join(', ')}] + AutoETS trend`],
      point: (k) => point.slice(0, k),
      sd: (k) => sd.slice(0, k),
    };
  },
};
