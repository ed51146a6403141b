/**
 * Wide CSV: `timestamp,<node>.<metric>,...`. The column name is split at its
 * LAST dot (node ids such as host names may hold dots, metric names do not);
 * a column without a dot is node = the column, metric = `value`.
 */
import { didYouMean } from '../../engine/did-you-mean.js';
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

const LONG_COLUMNS = ['node', 'metric', 'value'];

/**
 * A header that looks like an attempt at the long layout: two of its columns
 * node, metric, value, or one and a near miss of another (`nodes`, `metrc`).
 * Detection reads such a file as wide, and its first text cell would be
 * blamed on a column the user spelt right.
 */
function longAttempt(header: readonly string[], ti: number): { present: string[]; near: Array<{ column: string; hint: string }> } | null {
  const others = header.filter((_, i) => i !== ti);
  const present = LONG_COLUMNS.filter((c) => others.some((h) => h.toLowerCase() === c));
  const missing = LONG_COLUMNS.filter((c) => !present.includes(c));
  if (missing.length === 0) return null; // all three: a long CSV forced to be read as wide (--layout wide)
  const near = others.filter((h) => !LONG_COLUMNS.includes(h.toLowerCase())).map((column) => ({ column, hint: didYouMean(column, missing) })).filter((n) => n.hint !== '');
  return present.length >= 2 || (present.length === 1 && near.length > 0) ? { present, near } : null;
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
      for (const c of targets) {
        let v: number;
        try {
          v = parseValue(cells[c.i]!, file, line, header[c.i]!);
        } catch (e) {
          // Text in a value column of a header meant as long: say what the long layout needs, at the header.
          const long = longAttempt(header, ti);
          if (!long) throw e;
          const first = long.near[0];
          throw new TelemetryError({ file, line: 1, ...(first ? { column: first.column } : {}) },
            `the header of a long CSV, with the columns timestamp,node,metric,value (any order)${first ? first.hint : `; it has ${long.present.join(' and ')} but no ${LONG_COLUMNS.filter((n) => !long.present.includes(n)).join(' or ')} column`}`,
            `header ${shown(header.join(','))}, read as a wide CSV instead, whose column ${header[c.i]} holds text on line ${line} (${shown(cells[c.i]!)})`);
        }
        out.add(c.node, c.metric, header[c.i]!, t, v, line);
      }
    },
  });
  return out.series();
}
