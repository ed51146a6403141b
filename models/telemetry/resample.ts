/**
 * Puts a cleaned series on another step, so that series recorded at
 * different steps (or irregularly, then cleaned) can share one forecast:
 *  - a longer step (downsampling): each new point is the mean of the observed
 *    (not gap-filled) points in its bucket [t, t + step); a bucket with only
 *    filled points keeps their mean and stays flagged filled;
 *  - a shorter step (upsampling): linear interpolation between the points,
 *    flagged filled wherever it does not fall on an observed point, so that
 *    backtests never score the invented points.
 * The new grid is aligned to whole multiples of the step since the epoch, so
 * series resampled to the same step line up.
 */
import { LIMITS, overLimit } from '../../engine/limits.js';
import type { Series } from './series.js';

export function resampleSeries(s: Series, stepMs: number): Series {
  if (!(Number.isInteger(stepMs) && stepMs > 0)) throw new RangeError(`resample step must be a positive whole number of milliseconds, got ${stepMs}`);
  if (stepMs === s.stepMs) return s;
  const n = s.values.length;
  const endMs = s.startMs + (n - 1) * s.stepMs;
  const start = Math.ceil(s.startMs / stepMs) * stepMs;
  if (start > endMs) throw new RangeError(`${s.file}: series ${s.node}/${s.metric} spans ${(endMs - s.startMs) / 1000} s, less than one resampled step of ${stepMs / 1000} s`);
  const m = Math.floor((endMs - start) / stepMs) + 1;
  // Checked before allocating: a tiny step (--resample 1ms on a week) would otherwise ask for gigabytes.
  if (m > LIMITS.seriesPoints) throw new RangeError(`${s.file}: series ${s.node}/${s.metric} --resample ${stepMs / 1000} s: ${overLimit('points', m, LIMITS.seriesPoints)}`);
  const values = new Float64Array(m);
  const filled = new Uint8Array(m);
  let nFilled = 0;
  if (stepMs > s.stepMs) {
    for (let j = 0; j < m; j++) {
      const t0 = start + j * stepMs;
      const i0 = Math.max(0, Math.ceil((t0 - s.startMs) / s.stepMs));
      const i1 = Math.min(n, Math.ceil((t0 + stepMs - s.startMs) / s.stepMs));
      let obs = 0, obsN = 0, all = 0, allN = 0;
      for (let i = i0; i < i1; i++) {
        all += s.values[i]!; allN++;
        if (s.filled[i] !== 1) { obs += s.values[i]!; obsN++; }
      }
      values[j] = obsN > 0 ? obs / obsN : allN > 0 ? all / allN : s.values[Math.min(n - 1, i0)]!;
      if (obsN === 0) { filled[j] = 1; nFilled++; }
    }
  } else {
    for (let j = 0; j < m; j++) {
      const x = (start + j * stepMs - s.startMs) / s.stepMs;
      const i = Math.min(n - 1, Math.floor(x));
      const f = x - i;
      const onPoint = f < 1e-9;
      values[j] = onPoint || i + 1 >= n ? s.values[i]! : s.values[i]! + f * (s.values[i + 1]! - s.values[i]!);
      if (!onPoint || s.filled[i] === 1) { filled[j] = 1; nFilled++; }
    }
  }
  const how = stepMs > s.stepMs ? 'bucket means of observed points' : 'linear interpolation, new points flagged as filled';
  const { lastAt: _lastRead, ...kept } = s;
  return {
    ...kept, startMs: start, stepMs, values, filled,
    notes: [...s.notes, `resampled from a ${s.stepMs / 1000} s to a ${stepMs / 1000} s step (${how}; ${nFilled} of ${m} points without an observation)`],
  };
}
