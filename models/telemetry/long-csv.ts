/**
 * Long CSV: one observation per row, `timestamp,node,metric,value`
 * (column order free, names case-insensitive; an optional `limit` column
 * gives the metric's upper bound).
 */
import { streamCsv } from './csv-rows.js';
import { SeriesCollector, timestampColumn } from './collect.js';
import { TelemetryError, shown } from './errors.js';
import type { RawSeries } from './series.js';
import { parseTimestamp, parseValue } from './timestamps.js';

export async function readLongCsv(file: string): Promise<RawSeries[]> {
  const out = new SeriesCollector(file);
  let ti = -1, ni = -1, mi = -1, vi = -1, li = -1, width = 0;
  let header: string[] = [];
  await streamCsv(file, {
    header(cells) {
      header = cells;
      width = cells.length;
      const names = cells.map((c) => c.toLowerCase());
      ti = timestampColumn(cells);
      ni = names.indexOf('node');
      mi = names.indexOf('metric');
      vi = names.indexOf('value');
      li = names.indexOf('limit');
      if (ti < 0) throw new TelemetryError({ file, line: 1 }, 'a timestamp column (timestamp, time, ts, date or datetime)', `header ${shown(cells.join(','))}`);
      for (const [i, name] of [[ni, 'node'], [mi, 'metric'], [vi, 'value']] as const) {
        if (i < 0) throw new TelemetryError({ file, line: 1 }, `a "${name}" column in a long CSV`, `header ${shown(cells.join(','))}`);
      }
      out.timeColumn = cells[ti]!;
    },
    row(cells, line) {
      if (cells.length !== width) throw new TelemetryError({ file, line }, `${width} cells like the header`, `${cells.length}`);
      const node = cells[ni]!;
      const metric = cells[mi]!;
      if (node === '') throw new TelemetryError({ file, line, column: header[ni]! }, 'a node id', 'an empty cell');
      if (metric === '') throw new TelemetryError({ file, line, column: header[mi]! }, 'a metric name', 'an empty cell');
      const t = parseTimestamp(cells[ti]!, file, line, header[ti]!);
      const v = parseValue(cells[vi]!, file, line, header[vi]!);
      let limit: number | undefined;
      if (li >= 0 && cells[li] !== '') {
        limit = parseValue(cells[li]!, file, line, header[li]!);
        if (!(limit > 0)) throw new TelemetryError({ file, line, column: header[li]! }, 'a positive limit', shown(cells[li]!));
      }
      out.add(node, metric, header[vi]!, t, v, line, limit, li >= 0 ? header[li]! : undefined);
    },
  });
  return out.series();
}
