/**
 * Cleaning: raw observations -> a regular grid. Rules (docs/formats.md):
 *  1. Sort by time (stable); count rows that went backwards.
 *  2. De-duplicate equal timestamps, keeping the LAST row in file order (a
 *     re-sent sample supersedes the earlier one); say how many.
 *  3. Reject negative values where the metric forbids them, and values above
 *     declared bounds [0, LIMIT] (naming the line and the setting to change).
 *     NaN / empty cells are treated as missing, not as errors.
 *  4. The step is the median gap between consecutive timestamps. Timestamps
 *     within 25 % of a step of the grid are snapped to it (collector jitter);
 *     gaps that are not near a whole number of steps, or a share of more than
 *     5 % of gaps shorter than 0.75 step, mean the file mixes steps: rejected.
 *  5. Missing grid points (gaps, NaN) are filled by linear interpolation
 *     between the nearest observed neighbours (the nearest value at the ends)
 *     and flagged in `filled`; the count and the longest gap go to the notes.
 *  6. An all-NaN series, or one with fewer than 3 observations, is rejected.
 */
import { EmptySeriesError, TelemetryError } from './errors.js';
import type { Location } from './errors.js';
import type { RawSeries, Series } from './series.js';
import { boundsLabel } from './bounds.js';
import { LIMITS } from '../../engine/limits.js';

const JITTER = 0.25;
/** A gap may span this many steps, or this many per distinct row, whichever is more. */
const MAX_GAP_STEPS = 1000;
const MAX_GAP_PER_ROW = 10;
const MIXED_SHARE = 0.05;
/** The fewest distinct timestamps a series may have (writers of telemetry, such as the shadow's, make at least this many). */
export const MIN_TIMESTAMPS = 3;

function where(s: RawSeries, i: number): Location {
  return s.jsonPath ? { file: s.file, column: `${s.column}[${s.lines[i]}]` } : { file: s.file, line: s.lines[i]!, column: s.column };
}

/** Where the time of observation i was read: problems with the step or a gap are in the timestamp column, not in the values. */
function whenAt(s: RawSeries, i: number): Location {
  return s.jsonPath ? { file: s.file, column: `${s.column}[${s.lines[i]}][0]` } : { file: s.file, line: s.lines[i]!, column: s.timeColumn ?? 'timestamp' };
}

function label(s: RawSeries): string {
  return `series ${s.node}/${s.metric}`;
}

export function cleanSeries(s: RawSeries): Series {
  const n = s.times.length;
  if (n === 0) throw new TelemetryError({ file: s.file }, `data rows for ${label(s)}`, 'none (a header only)');
  const order = Array.from({ length: n }, (_, i) => i);
  let backwards = 0;
  for (let i = 1; i < n; i++) if (s.times[i]! < s.times[i - 1]!) backwards++;
  order.sort((a, b) => s.times[a]! - s.times[b]! || a - b);

  // 2. keep the last row of each timestamp.
  const keep: number[] = [];
  let duplicates = 0;
  for (const i of order) {
    if (keep.length > 0 && s.times[keep[keep.length - 1]!] === s.times[i]) {
      keep[keep.length - 1] = Math.max(keep[keep.length - 1]!, i);
      duplicates++;
    } else keep.push(i);
  }

  // 3. value checks.
  let observed = 0;
  for (const i of keep) {
    const v = s.values[i]!;
    if (Number.isNaN(v)) continue;
    observed++;
    if (v < 0 && !s.allowNegative) {
      const why = s.bounds !== undefined ? `declared ${boundsLabel(s.bounds)}` : 'by its name';
      throw new TelemetryError(where(s, i), `a non-negative value (${label(s)} is non-negative ${why}; if it can go below 0, declare it signed: --bounds ${s.node}/${s.metric}=signed, or telemetry.bounds in nightly.yaml)`, String(v));
    }
    if (Array.isArray(s.bounds) && v > s.bounds[1]) throw new TelemetryError(where(s, i), `a value within the declared bounds ${boundsLabel(s.bounds)} of ${label(s)}`, String(v));
  }
  if (observed === 0) throw new EmptySeriesError({ file: s.file, column: s.column }, `at least one numeric value for ${label(s)}`, `all ${keep.length} values NaN or empty`);
  if (keep.length < MIN_TIMESTAMPS) throw new TelemetryError({ file: s.file, column: s.column }, `at least ${MIN_TIMESTAMPS} distinct timestamps for ${label(s)}`, `${keep.length}`);

  // 4. step detection and snapping.
  const gaps: number[] = [];
  for (let k = 1; k < keep.length; k++) gaps.push(s.times[keep[k]!]! - s.times[keep[k - 1]!]!);
  const sorted = [...gaps].sort((a, b) => a - b);
  const step = sorted[Math.floor(sorted.length / 2)]!;
  // A timestamp typo (a year 8,000 off, an epoch-0 row among 2014 rows) would be gap-filled at the step for
  // millions of points: refused before the grid is allocated, naming the row. Checked before the mixed steps:
  // such a gap is no whole number of steps either, and "mixed steps" would hide the typo.
  const maxGap = Math.max(MAX_GAP_STEPS, MAX_GAP_PER_ROW * keep.length);
  for (let k = 0; k < gaps.length; k++) {
    const r = gaps[k]! / step;
    if (r > maxGap) {
      const odd = k === 0 ? keep[0]! : keep[k + 1]!;
      throw new TelemetryError(whenAt(s, odd), `timestamps within ${maxGap} steps of ${step / 1000} s of each other (a longer gap would be filled with made-up values)`,
        `a gap of ${r.toPrecision(3)} steps between the rows ${s.jsonPath ? 'at' : 'on lines'} ${s.lines[keep[k]!]} and ${s.lines[keep[k + 1]!]} (is one of these timestamps a typo?)`);
    }
  }
  let short = 0;
  let firstShort = -1;
  for (let k = 0; k < gaps.length; k++) {
    const r = gaps[k]! / step;
    if (r < 1 - JITTER) {
      short++;
      if (firstShort < 0) firstShort = k;
    } else if (Math.abs(r - Math.round(r)) > JITTER) {
      throw new TelemetryError(whenAt(s, keep[k + 1]!), `a regular step of ${step / 1000} s (the median) or a whole multiple of it`, `${gaps[k]! / 1000} s since line ${s.lines[keep[k]!]} (mixed steps)`);
    }
  }
  if (short > MIXED_SHARE * gaps.length) {
    throw new TelemetryError(whenAt(s, keep[firstShort + 1]!), `a regular step of ${step / 1000} s (the median)`, `${short} of ${gaps.length} gaps shorter than 0.75 step, first ${gaps[firstShort]! / 1000} s (mixed steps)`);
  }
  const t0 = s.times[keep[0]!]!;
  const slots = Math.round((s.times[keep[keep.length - 1]!]! - t0) / step) + 1;
  if (!(slots <= LIMITS.seriesPoints)) throw new TelemetryError({ file: s.file, column: s.column }, `at most ${LIMITS.seriesPoints} points for ${label(s)} at its step of ${step / 1000} s (the limit of docs/limits.md)`, String(slots));
  const values = new Float64Array(slots).fill(Number.NaN);
  let snappedTogether = 0;
  for (const i of keep) {
    const slot = Math.round((s.times[i]! - t0) / step);
    if (!Number.isNaN(values[slot]!)) snappedTogether++;
    if (!Number.isNaN(s.values[i]!)) values[slot] = s.values[i]!;
  }

  // 5. fill.
  const filled = new Uint8Array(slots);
  let nFilled = 0;
  let longest = 0;
  let prev = -1;
  for (let k = 0; k <= slots; k++) {
    if (k < slots && Number.isNaN(values[k]!)) continue;
    const gap = k - prev - 1;
    if (gap > 0) {
      longest = Math.max(longest, gap);
      for (let j = prev + 1; j < k; j++) {
        filled[j] = 1;
        nFilled++;
        if (prev < 0) values[j] = values[k]!;
        else if (k >= slots) values[j] = values[prev]!;
        else values[j] = values[prev]! + ((values[k]! - values[prev]!) * (j - prev)) / (k - prev);
      }
    }
    prev = k;
  }

  // The latest observed value is the one at the last grid point (a trailing gap is filled with it).
  let latest = -1;
  for (const i of keep) if (!Number.isNaN(s.values[i]!)) latest = i;
  const lastAt: Location = s.jsonPath ? { file: s.file, column: `${s.column}[${s.lines[latest]}][1]` } : where(s, latest);
  const notes = [...s.notes];
  if (backwards > 0) notes.push(`${backwards} rows were out of time order; sorted`);
  if (duplicates > 0) notes.push(`${duplicates} duplicate timestamps dropped (kept the last row of each)`);
  if (short > 0 || snappedTogether > 0) notes.push(`${short + snappedTogether} rows closer than a step were merged into their grid slot`);
  if (nFilled > 0) notes.push(`${nFilled} of ${slots} points filled by linear interpolation (longest gap ${longest} steps)`);
  if (nFilled > 0.2 * slots) notes.push(`warning: more than 20 % of the series is filled`);
  return {
    node: s.node, metric: s.metric, file: s.file, startMs: t0, stepMs: step, values, filled,
    allowNegative: s.allowNegative, notes, lastAt,
    ...(s.limit !== undefined ? { limit: s.limit } : {}), ...(s.bounds !== undefined ? { bounds: s.bounds } : {}),
  };
}
