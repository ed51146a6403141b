/** Accumulates observations into RawSeries keyed by (node, metric). */
import { TelemetryError } from './errors.js';
import type { RawSeries } from './series.js';
import { negativeAllowed, percentLimit } from './series.js';

export class SeriesCollector {
  private readonly byKey = new Map<string, RawSeries>();
  /** Limits given in the file (a long CSV's `limit` column), with the line that first gave each. */
  private readonly given = new Map<string, { readonly value: number; readonly line: number }>();
  /** Header name of the timestamp column, for errors about timestamps (set by the reader once it has read the header). */
  timeColumn = 'timestamp';
  constructor(private readonly file: string) {}

  /**
   * `limit`: the series' upper bound as this row gives it. A series has one
   * limit: a row that gives another is refused (taking the first would
   * silently judge exhaustion against a bound the file contradicts); rows
   * with an empty cell take it from the others.
   */
  add(node: string, metric: string, column: string, t: number, v: number, line: number, limit?: number, limitColumn = 'limit'): void {
    const key = `${node}\u0000${metric}`;
    let s = this.byKey.get(key);
    if (!s) {
      const lim = percentLimit(column) ?? percentLimit(metric);
      s = {
        node, metric, column, timeColumn: this.timeColumn, file: this.file, times: [], values: [], lines: [],
        allowNegative: negativeAllowed(metric), notes: [],
        ...(lim !== undefined ? { limit: lim } : {}),
      };
      this.byKey.set(key, s);
    }
    if (limit !== undefined) {
      const before = this.given.get(key);
      if (before === undefined) this.given.set(key, { value: limit, line });
      else if (before.value !== limit) {
        throw new TelemetryError({ file: this.file, line, column: limitColumn }, `the limit ${before.value} of series ${node}/${metric} given on line ${before.line} (one limit per series)`, String(limit));
      }
    }
    s.times.push(t);
    s.values.push(v);
    s.lines.push(line);
  }

  series(): RawSeries[] {
    return [...this.byKey].map(([key, s]) => {
      const given = this.given.get(key);
      return given === undefined ? s : { ...s, limit: given.value };
    });
  }
}

/** Index of the timestamp column: `timestamp`, `time`, `ts` or `date` (any case). */
export function timestampColumn(header: readonly string[]): number {
  const names = header.map((h) => h.toLowerCase());
  for (const want of ['timestamp', 'time', 'ts', 'date', 'datetime']) {
    const i = names.indexOf(want);
    if (i >= 0) return i;
  }
  return -1;
}
