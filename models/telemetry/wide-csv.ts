/**
 * Wide CSV: `timestamp,<node>.<metric>,...`. The column name is split at its
 * LAST dot (node ids such as host names may hold dots, metric names do not);
 * a column without a dot is node = the column, metric = `value`.
 */
import { streamCsv } from './csv-rows.js';
import { SeriesCollector, timestampColumn } from './collect.js';
import { TelemetryError, shown } from './errors.js';
import type { RawSeries } from './series.js';
import { parseTimestamp, parseValue } from './timestamps.js';

export function splitWideColumn(name: string): { node: string; metric: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return { node: name, metric: 'value' };
  return { node: name.slice(0, dot), metric: name.slice(dot + 1) };
}

export async function readWideCsv(file: string): Promise<RawSeries[]> {
  const out = new SeriesCollector(file);
  let header: string[] = [];
  let ti = -1;
  let targets: Array<{ i: number; node: string; metric: string }> = [];
  await streamCsv(file, {
    header(cells) {
      header = cells;
      ti = timestampColumn(cells);
      if (ti < 0) throw new TelemetryError({ file, line: 1 }, 'a timestamp column (timestamp, time, ts, date or datetime)', `header ${shown(cells.join(','))}`);
      out.timeColumn = cells[ti]!;
      targets = cells.map((c, i) => ({ i, ...splitWideColumn(c) })).filter((c) => c.i !== ti);
      if (targets.length === 0) throw new TelemetryError({ file, line: 1 }, 'at least one value column beside the timestamp', 'none');
      const seen = new Set<string>();
      for (const c of cells) {
        if (c === '') throw new TelemetryError({ file, line: 1 }, 'a name for every column', 'an empty column name');
        if (seen.has(c)) throw new TelemetryError({ file, line: 1, column: c }, 'unique column names', 'a duplicate');
        seen.add(c);
      }
    },
    row(cells, line) {
      if (cells.length !== header.length) throw new TelemetryError({ file, line }, `${header.length} cells like the header`, `${cells.length}`);
      const t = parseTimestamp(cells[ti]!, file, line, header[ti]!);
      for (const c of targets) out.add(c.node, c.metric, header[c.i]!, t, parseValue(cells[c.i]!, file, line, header[c.i]!), line);
    },
  });
  return out.series();
}
