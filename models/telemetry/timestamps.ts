/**
 * Timestamp cells: ISO-8601 / "YYYY-MM-DD HH:MM:SS" (UTC when no zone is
 * given, as in NAB), or epoch seconds / milliseconds as a number. Epoch
 * values above 1e11 are taken as milliseconds (1e11 s is the year 5138).
 */
import { TelemetryError, shown } from './errors.js';

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;

export function parseTimestamp(raw: string, file: string, line: number, column: string): number {
  const s = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    return n > 1e11 ? n : n * 1000;
  }
  const m = NAIVE.exec(s);
  if (m) {
    const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, m[7] ? Math.round(Number(m[7]) * 1000) : 0);
    if (Number.isFinite(ms)) return ms;
  }
  const ms = Date.parse(s);
  if (s !== '' && Number.isFinite(ms)) return ms;
  throw new TelemetryError({ file, line, column }, 'a timestamp (ISO-8601, "YYYY-MM-DD HH:MM:SS" or epoch seconds)', shown(raw));
}

/** A value cell: a finite number, or NaN for an empty cell / "NaN" / "null". */
export function parseValue(raw: string, file: string, line: number, column: string): number {
  const s = raw.trim();
  if (s === '' || /^(nan|null|none|na)$/i.test(s)) return Number.NaN;
  const n = Number(s);
  if (!Number.isFinite(n)) throw new TelemetryError({ file, line, column }, 'a number', shown(raw));
  return n;
}
