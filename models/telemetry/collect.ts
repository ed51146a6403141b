/** Accumulates observations into RawSeries keyed by (node, metric). */
import type { RawSeries } from './series.js';
import { negativeAllowed, percentLimit } from './series.js';

export class SeriesCollector {
  private readonly byKey = new Map<string, RawSeries>();
  constructor(private readonly file: string) {}

  add(node: string, metric: string, column: string, t: number, v: number, line: number, limit?: number): void {
    const key = `${node}\u0000${metric}`;
    let s = this.byKey.get(key);
    if (!s) {
      const lim = limit ?? percentLimit(column) ?? percentLimit(metric);
      s = {
        node, metric, column, file: this.file, times: [], values: [], lines: [],
        allowNegative: negativeAllowed(metric), notes: [],
        ...(lim !== undefined ? { limit: lim } : {}),
      };
      this.byKey.set(key, s);
    }
    s.times.push(t);
    s.values.push(v);
    s.lines.push(line);
  }

  series(): RawSeries[] {
    return [...this.byKey.values()];
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
