/**
 * NAB layout: `timestamp,value`, one series per file. The node is the file
 * stem (e.g. `ec2_cpu_utilization_24ae8d`); the metric comes from the stem:
 * `cpu_utilization` (limit 100, a percentage), `disk_write_bytes`,
 * `network_in`, `request_count`, otherwise `value`.
 */
import { basename } from 'node:path';
import { streamCsv } from './csv-rows.js';
import { SeriesCollector } from './collect.js';
import { TelemetryError, shown } from './errors.js';
import type { RawSeries } from './series.js';
import { parseTimestamp, parseValue } from './timestamps.js';

const KNOWN_METRICS = ['cpu_utilization', 'disk_write_bytes', 'disk_read_bytes', 'network_in', 'network_out', 'request_count', 'NetworkIn', 'NetworkOut'];

export function nabMetric(stem: string): string {
  const hit = KNOWN_METRICS.find((m) => stem.includes(m));
  return hit ? hit.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase() : 'value';
}

export async function readNab(file: string): Promise<RawSeries[]> {
  const stem = basename(file).replace(/\.csv$/i, '');
  const out = new SeriesCollector(file);
  const metric = nabMetric(stem);
  await streamCsv(file, {
    header(cells) {
      const names = cells.map((c) => c.toLowerCase());
      if (names[0] !== 'timestamp') throw new TelemetryError({ file, line: 1, column: '1' }, 'the NAB header "timestamp,value"', shown(cells.join(',')));
      if (names.length !== 2 || names[1] !== 'value') throw new TelemetryError({ file, line: 1, column: '2' }, 'the NAB header "timestamp,value"', shown(cells.join(',')));
      out.timeColumn = cells[0]!;
    },
    row(cells, line) {
      if (cells.length !== 2) throw new TelemetryError({ file, line }, '2 cells (timestamp,value)', `${cells.length}`);
      out.add(stem, metric, metric, parseTimestamp(cells[0]!, file, line, 'timestamp'), parseValue(cells[1]!, file, line, 'value'), line);
    },
  });
  return out.series();
}
