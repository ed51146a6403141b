/**
 * Timestamp cells: ISO-8601 / "YYYY-MM-DD HH:MM:SS" / "YYYY/MM/DD HH:MM:SS"
 * (UTC when no zone is given, as in NAB; checked against the calendar by
 * calendar-time.ts), or epoch seconds / milliseconds as a decimal number.
 * Epoch values above 1e11 are taken as milliseconds (1e11 s is the year 5138).
 */
import { TelemetryError, shown } from './errors.js';
import { parseCalendarTime } from './calendar-time.js';
import { parseDecimal } from './decimal.js';

const EXPECTED = 'a timestamp (ISO-8601, "YYYY-MM-DD HH:MM:SS", "YYYY/MM/DD HH:MM:SS" or epoch seconds)';

export function parseTimestamp(raw: string, file: string, line: number, column: string): number {
  const s = raw.trim();
  // Decimal digits only: `0x10`, `1e3` and `Infinity` are not timestamps.
  if (/^\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    return n > 1e11 ? n : n * 1000;
  }
  const t = parseCalendarTime(s);
  if (t && 'ms' in t) return t.ms;
  throw new TelemetryError({ file, line, column }, t ? `${EXPECTED}; ${t.invalid}` : EXPECTED, shown(raw));
}

/** A value cell: a finite number, or NaN for an empty cell / "NaN" / "null". */
export function parseValue(raw: string, file: string, line: number, column: string): number {
  const s = raw.trim();
  if (s === '' || /^(nan|null|none|na)$/i.test(s)) return Number.NaN;
  const n = parseDecimal(s);
  if (!Number.isFinite(n)) throw new TelemetryError({ file, line, column }, 'a number', shown(raw));
  return n;
}
