/**
 * The range a metric's values live in. The readers infer it from the metric's
 * name (a rate cannot be negative, a percentage stays in [0, 100]); a person
 * declares it where the name says nothing or says the wrong thing (a
 * temperature called `inlet_c`, a humidity in [0, 100]):
 *
 *   nonnegative   values >= 0, no upper bound;
 *   signed        any value (a temperature, a balance, a delta);
 *   [0, LIMIT]    values in [0, LIMIT], modelled in a logit space bounded to it.
 *
 * Declared bounds are applied to the raw series before cleaning, so a negative
 * value in a `nonnegative` series, or one above LIMIT, is refused with its line.
 */
import type { RawSeries } from './series.js';

export type Bounds = 'nonnegative' | 'signed' | readonly [0, number];

/** The form written to forecast.json and shown in messages: `signed`, `nonnegative` or `[0, 100]`. */
export function boundsLabel(b: Bounds): string {
  return typeof b === 'string' ? b : `[0, ${b[1]}]`;
}

/** What a declaration must look like, for messages. */
export const BOUNDS_EXPECTED = 'nonnegative, signed or [0, LIMIT] with LIMIT a positive number';

/** A declared bound from JSON/YAML (`"signed"`, `[0, 100]`): the bound, or null when it is none of the three. */
export function boundsFromValue(v: unknown): Bounds | null {
  if (v === 'nonnegative' || v === 'signed') return v;
  if (Array.isArray(v) && v.length === 2 && v[0] === 0 && typeof v[1] === 'number' && Number.isFinite(v[1]) && v[1] > 0) return [0, v[1]];
  return null;
}

/** A declared bound from a command-line word (`signed`, `[0,100]`, `[0, 100]`): the bound, or null. */
export function boundsFromText(raw: string): Bounds | null {
  const t = raw.trim();
  if (t === 'nonnegative' || t === 'signed') return t;
  const m = /^\[\s*0\s*,\s*([^\s\]]+)\s*\]$/.exec(t);
  return m ? boundsFromValue([0, Number(m[1])]) : null;
}

/**
 * The bounds a series has when none is declared, as the pipeline treats it:
 * signed when the reader allows negatives, [0, limit] for a percentage
 * (limit 100 unless the series has its own), otherwise non-negative.
 */
export function inferredBounds(metric: string, allowNegative: boolean, limit: number | undefined): Bounds {
  if (allowNegative) return 'signed';
  if (/(pct|percent|%|utili[sz]ation)/i.test(metric)) return [0, limit ?? 100];
  return 'nonnegative';
}

/** The raw series with a declared bound in place of the one inferred from its name. */
export function applyBounds(s: RawSeries, b: Bounds): RawSeries {
  const { limit: _inferred, ...rest } = s;
  const limit = typeof b === 'string' ? (b === 'nonnegative' ? undefined : s.limit) : b[1];
  return { ...rest, allowNegative: b === 'signed', bounds: b, ...(limit !== undefined ? { limit } : {}) };
}
