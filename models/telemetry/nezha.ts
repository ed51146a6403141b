/**
 * Nezha per-pod CSV (../shared/data/nezha-train-ticket/<day>/metric/*.csv):
 * `Time,TimeStamp,PodName,<metric>(<unit>),...` (or `ServiceName` in
 * front_service.csv). Rules:
 *  - time: the integer `TimeStamp` column (epoch seconds); the text `Time`
 *    column carries Go's monotonic suffix and is ignored.
 *  - node: the pod name without its ReplicaSet/pod hashes
 *    (`ts-route-service-b6c59fb57-zv8dt` -> `ts-route-service`), or the
 *    service name lower-cased.
 *  - metric: the column in snake_case with its unit as a suffix
 *    (`CpuUsageRate(%)` -> `cpu_usage_rate_pct`, limit 100;
 *    `MemoryUsage(Mi)` -> `memory_usage_mib`), except `PodWorkload(Ops)` ->
 *    `rate` (requests/s, what the simulator drives arrivals with).
 *  - `PodSuccessRate(%)` / `SuccessRate(%)` are always 0 in this data set and
 *    are skipped with a note; empty / NaN latency (idle windows) stays NaN
 *    and is filled by cleaning.
 */
import { streamCsv } from './csv-rows.js';
import { SeriesCollector } from './collect.js';
import { TelemetryError, shown } from './errors.js';
import type { RawSeries } from './series.js';
import { parseTimestamp, parseValue } from './timestamps.js';

const SKIPPED = new Set(['PodSuccessRate(%)', 'SuccessRate(%)']);
const UNIT_SUFFIX: Record<string, string> = { '%': 'pct', m: 'millicores', Mi: 'mib', s: 's', Ops: 'ops' };

export function nezhaNode(raw: string): string {
  const m = /^(.*?)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(raw);
  return (m ? m[1]! : raw).toLowerCase();
}

export function nezhaMetric(column: string): string {
  if (column === 'PodWorkload(Ops)') return 'rate';
  const m = /^([A-Za-z0-9]+)(?:\(([^)]*)\))?$/.exec(column.trim());
  const base = (m ? m[1]! : column).replace(/^Pod(?=[A-Z])/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const unit = m?.[2];
  return unit ? `${base}_${Object.hasOwn(UNIT_SUFFIX, unit) ? UNIT_SUFFIX[unit] : unit.toLowerCase()}` : base;
}

export async function readNezha(file: string): Promise<RawSeries[]> {
  const out = new SeriesCollector(file);
  let header: string[] = [];
  let ti = -1, ni = -1;
  let targets: Array<{ i: number; metric: string }> = [];
  const notes: string[] = [];
  await streamCsv(file, {
    header(cells) {
      header = cells;
      ti = cells.indexOf('TimeStamp');
      ni = cells.findIndex((c) => c === 'PodName' || c === 'ServiceName');
      if (ti < 0) throw new TelemetryError({ file, line: 1 }, 'a Nezha "TimeStamp" column (epoch seconds)', `header ${shown(cells.join(','))}`);
      if (ni < 0) throw new TelemetryError({ file, line: 1 }, 'a Nezha "PodName" or "ServiceName" column', `header ${shown(cells.join(','))}`);
      out.timeColumn = cells[ti]!;
      targets = [];
      cells.forEach((c, i) => {
        if (i === ti || i === ni || c === 'Time') return;
        if (SKIPPED.has(c)) notes.push(`column ${c} skipped: always 0 in the Nezha data (unusable)`);
        else targets.push({ i, metric: nezhaMetric(c) });
      });
    },
    row(cells, line) {
      if (cells.length !== header.length) throw new TelemetryError({ file, line }, `${header.length} cells like the header`, `${cells.length}`);
      const t = parseTimestamp(cells[ti]!, file, line, header[ti]!);
      const node = nezhaNode(cells[ni]!);
      if (node === '') throw new TelemetryError({ file, line, column: header[ni]! }, 'a pod or service name', 'an empty cell');
      for (const c of targets) out.add(node, c.metric, header[c.i]!, t, parseValue(cells[c.i]!, file, line, header[c.i]!), line);
    },
  });
  const series = out.series();
  for (const s of series) s.notes.push(...notes);
  return series;
}
