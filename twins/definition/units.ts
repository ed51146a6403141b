/**
 * The one place where unit strings are parsed.
 * Durations: a number of seconds, or a string `<number><unit>` with unit
 *   us | ms | s | m | h | d   ("250ms", "2s", "1.5m", "1h").
 * Sizes: a number of bytes, or `<number><unit>` with binary units Ki Mi Gi Ti
 *   (1024^k) or decimal units K KB M MB G GB T TB (1000^k), and B.
 */

export const DURATION_PATTERN = '^\\s*[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*(us|ms|s|m|h|d)\\s*$';
export const SIZE_PATTERN = '^\\s*[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*(B|K|KB|Ki|M|MB|Mi|G|GB|Gi|T|TB|Ti)\\s*$';

const DURATION_UNITS: Readonly<Record<string, number>> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };
const SIZE_UNITS: Readonly<Record<string, number>> = {
  B: 1, K: 1e3, KB: 1e3, M: 1e6, MB: 1e6, G: 1e9, GB: 1e9, T: 1e12, TB: 1e12,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

/** Thrown for a malformed unit string; callers attach the path. */
export class UnitError extends Error {
  override name = 'UnitError';
}

function parseWithUnits(value: number | string, units: Readonly<Record<string, number>>, what: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnitError(`expected a finite ${what}, got ${value}`);
    return value;
  }
  const m = /^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z]+)\s*$/.exec(value);
  // Own keys only: a unit spelt `constructor` or `toString` must not find Object's.
  const factor = m && Object.hasOwn(units, m[2]!) ? units[m[2]!] : undefined;
  if (!m || factor === undefined) {
    throw new UnitError(`expected a ${what} (a number, or a string like ${what === 'duration' ? '"250ms", "2s", "1h"' : '"512Mi", "2Gi", "1GB"'}), got ${JSON.stringify(value)}`);
  }
  const out = Number(m[1]) * factor;
  if (!Number.isFinite(out)) throw new UnitError(`expected a finite ${what}, got ${JSON.stringify(value)}`);
  return out;
}

/** Seconds from a number (seconds) or a string like "250ms". */
export function parseDuration(value: number | string): number {
  return parseWithUnits(value, DURATION_UNITS, 'duration');
}

/** A command-line duration: a bare number is seconds, else a unit string ("90s", "2h"); must be > 0. */
export function parsePositiveDuration(v: string): number {
  const d = parseDuration(/^[0-9.]+(e[-+]?[0-9]+)?$/i.test(v) ? Number(v) : v);
  if (!(d > 0)) throw new RangeError('must be > 0');
  return d;
}

/** Bytes from a number or a string like "512Mi". */
export function parseSize(value: number | string): number {
  return parseWithUnits(value, SIZE_UNITS, 'size');
}
