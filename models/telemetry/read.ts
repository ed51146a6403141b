/**
 * One entry point for all telemetry: detects the layout of each file and
 * returns cleaned series. Detection: `.json` -> Prometheus; a CSV header with
 * `TimeStamp` and `PodName`/`ServiceName` -> Nezha; exactly
 * `timestamp,value` -> NAB; `node`, `metric` and `value` columns -> long;
 * otherwise wide. A layout can also be forced.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { applyBounds } from './bounds.js';
import type { Bounds } from './bounds.js';
import { cleanSeries } from './clean.js';
import { EmptySeriesError, TelemetryError } from './errors.js';
import { inputFileProblem } from './input-file.js';
import { readLongCsv } from './long-csv.js';
import { readNab } from './nab.js';
import { readNezha } from './nezha.js';
import { readPrometheus } from './prometheus.js';
import type { RawSeries, Series } from './series.js';
import { readWideCsv } from './wide-csv.js';

export type TelemetryLayout = 'long' | 'wide' | 'nab' | 'nezha' | 'prometheus';
export const LAYOUTS: readonly TelemetryLayout[] = ['long', 'wide', 'nab', 'nezha', 'prometheus'];

async function firstLine(file: string): Promise<string> {
  const problem = await inputFileProblem(file);
  if (problem !== null) throw new TelemetryError({ file }, 'a readable file', problem);
  const stream = createReadStream(file, { encoding: 'utf8' });
  stream.on('error', () => undefined);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) return line;
    return '';
  } catch (e) {
    throw new TelemetryError({ file }, 'a readable file', (e as Error).message);
  } finally {
    rl.close();
    stream.destroy();
  }
}

export async function detectLayout(file: string): Promise<TelemetryLayout> {
  if (/\.json$/i.test(file)) return 'prometheus';
  // firstLine refuses devices, FIFOs and oversized files before anything is read.
  const head = (await firstLine(file)).split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  if (head.includes('TimeStamp') && (head.includes('PodName') || head.includes('ServiceName'))) return 'nezha';
  const lower = head.map((c) => c.toLowerCase());
  // A Nezha header with one name in another case would fall through to the wide layout and fail on a column the user never touched.
  if (lower.includes('timestamp') && (lower.includes('podname') || lower.includes('servicename'))) {
    for (const want of ['TimeStamp', 'PodName', 'ServiceName']) {
      const got = head.find((c) => c.toLowerCase() === want.toLowerCase() && c !== want);
      if (got !== undefined) throw new TelemetryError({ file, line: 1, column: got }, `"${want}" as a Nezha metric file spells it (its columns are case-sensitive; or give --layout)`, JSON.stringify(got));
    }
  }
  if (lower.length === 2 && lower[0] === 'timestamp' && lower[1] === 'value') return 'nab';
  if (lower.includes('node') && lower.includes('metric') && lower.includes('value')) return 'long';
  return 'wide';
}

export async function readRaw(file: string, layout?: TelemetryLayout): Promise<RawSeries[]> {
  switch (layout ?? (await detectLayout(file))) {
    case 'long': return readLongCsv(file);
    case 'wide': return readWideCsv(file);
    case 'nab': return readNab(file);
    case 'nezha': return readNezha(file);
    case 'prometheus': return readPrometheus(file);
  }
}

export interface ReadOptions {
  readonly layout?: TelemetryLayout;
  /**
   * Skip series with no numeric value (an idle pod's latency) instead of
   * failing; each skipped one is reported through `onSkip`. Every other
   * problem still fails. When every series is empty, the first error is thrown.
   */
  readonly skipEmpty?: boolean;
  readonly onSkip?: (error: EmptySeriesError) => void;
  /**
   * Declared bounds by `node/metric` (models/telemetry/bounds.ts), applied
   * before cleaning in place of those inferred from the metric's name. A name
   * that matches no series read is the caller's to report (it knows where the
   * declaration was written).
   */
  readonly bounds?: ReadonlyMap<string, Bounds>;
}

/** Reads and cleans every file; series with the same (node, metric) in two files are an error. */
export async function readTelemetry(files: readonly string[], options: ReadOptions | TelemetryLayout = {}): Promise<Series[]> {
  const o: ReadOptions = typeof options === 'string' ? { layout: options } : options;
  const out: Series[] = [];
  const skipped: EmptySeriesError[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const raws = await readRaw(file, o.layout);
    if (raws.length === 0) throw new TelemetryError({ file }, 'data rows after the header', 'none');
    for (const raw of raws) {
      const key = `${raw.node}/${raw.metric}`;
      const before = seen.get(key);
      if (before !== undefined) throw new TelemetryError({ file }, `each node/metric in one file only`, before === file ? `${key} twice in this file` : `${key} also in ${before}`);
      seen.set(key, file);
      try {
        const declared = o.bounds?.get(key);
        out.push(cleanSeries(declared !== undefined ? applyBounds(raw, declared) : raw));
      } catch (e) {
        if (!(o.skipEmpty && e instanceof EmptySeriesError)) throw e;
        skipped.push(e);
        o.onSkip?.(e);
      }
    }
  }
  if (out.length === 0 && skipped.length > 0) throw skipped[0]!;
  return out;
}
