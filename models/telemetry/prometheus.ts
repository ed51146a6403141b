/**
 * A saved Prometheus `query_range` response (`{"status":"success","data":
 * {"resultType":"matrix","result":[{"metric":{...},"values":[[t,"v"],...]}]}}`).
 * Labels map to the twin as follows (documented in docs/formats.md):
 *  - node: the first label present of `pod`, `service`, `instance`, `job`
 *    (pod hashes are NOT stripped here: Prometheus users pick the label);
 *    `unknown` when none is present.
 *  - metric: `__name__` (or `value` for an expression result without one);
 *    when two results would get the same (node, metric), every remaining
 *    label is appended as `{k=v,...}` (sorted) so that none is merged silently.
 * Values are strings ("NaN", "+Inf" allowed by Prometheus: NaN becomes a gap,
 * infinities are rejected). Errors name the JSON path, and JSON syntax errors
 * the line and column.
 */
import { readInputText } from './input-file.js';
import { parseDecimal } from './decimal.js';
import { TelemetryError, shown } from './errors.js';
import { jsonErrorOffset } from './json-position.js';
import type { RawSeries } from './series.js';
import { negativeAllowed, percentLimit } from './series.js';

const NODE_LABELS = ['pod', 'service', 'instance', 'job'];

interface PromResult {
  metric?: Record<string, unknown>;
  values?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : typeof v;
}

function lineColumnOf(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return { line, column: pos - before.lastIndexOf('\n') };
}

/** Labels as Prometheus prints them, sorted (`{__name__="x",pod="web"}`), cut at 120 characters: they come from the file. */
function labelText(labels: ReadonlyMap<string, string>): string {
  const name = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : JSON.stringify(k));
  const text = `{${[...labels].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([k, v]) => `${name(k)}=${JSON.stringify(v)}`).join(',')}}`;
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}

export async function readPrometheus(file: string): Promise<RawSeries[]> {
  const text = await readInputText(file, (problem) => new TelemetryError({ file }, 'a readable file', problem));
  if (text.trim() === '') throw new TelemetryError({ file }, 'a Prometheus query_range JSON response', 'an empty file');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text around the error; the position is enough and echoes nothing.
    const pos = jsonErrorOffset(text);
    const lc = pos !== undefined ? lineColumnOf(text, pos) : undefined;
    throw new TelemetryError({ file, ...(lc ? { line: lc.line, column: String(lc.column) } : {}) }, 'valid JSON', pos === undefined || pos >= text.length ? 'text that ends too early' : shown(text.slice(pos, pos + 1)));
  }
  if (!isObject(doc)) throw new TelemetryError({ file }, 'a Prometheus query_range response (a JSON object)', kindOf(doc));
  // Some other JSON (a fault list, a config) beside the telemetry: say what the file is not, not which field it lacks.
  if (doc.status === undefined && doc.data === undefined) {
    const keys = Object.keys(doc).slice(0, 4);
    throw new TelemetryError({ file }, 'a Prometheus query_range response ({"status": "success", "data": {"resultType": "matrix", ...}}): this JSON is something else', keys.length ? `an object with ${keys.map((k) => JSON.stringify(k)).join(', ')}` : 'an empty object');
  }
  if (doc.data !== undefined && !isObject(doc.data)) throw new TelemetryError({ file, column: 'data' }, 'an object', kindOf(doc.data));
  const d = doc as { status?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (d.status !== 'success') throw new TelemetryError({ file, column: 'status' }, '"success"', shown(String(d.status)));
  if (d.data?.resultType !== 'matrix') throw new TelemetryError({ file, column: 'data.resultType' }, '"matrix" (a query_range response)', shown(String(d.data?.resultType)));
  const results = d.data.result;
  if (!Array.isArray(results) || results.length === 0) throw new TelemetryError({ file, column: 'data.result' }, 'a non-empty array of series', 'none');

  const named = (results as unknown[]).map((item, k) => {
    if (!isObject(item)) throw new TelemetryError({ file, column: `data.result[${k}]` }, 'an object {metric, values}', kindOf(item));
    const r = item as PromResult;
    if (r.metric !== undefined && !isObject(r.metric)) throw new TelemetryError({ file, column: `data.result[${k}].metric` }, 'an object of labels', kindOf(r.metric));
    // Label names come from the file: a Map, so that `__proto__` or `constructor` is an ordinary label.
    const labels = new Map<string, string>();
    for (const [key, v] of Object.entries(r.metric ?? {})) labels.set(key, String(v));
    const nodeLabel = NODE_LABELS.find((l) => labels.has(l));
    const node = nodeLabel ? labels.get(nodeLabel)! : 'unknown';
    const metric = labels.get('__name__') ?? 'value';
    const rest = [...labels.keys()].filter((key) => key !== '__name__' && key !== nodeLabel).sort().map((key) => `${key}=${labels.get(key)}`);
    return { k, r, node, metric, rest, labels };
  });
  const counts = new Map<string, number>();
  for (const n of named) counts.set(`${n.node}\u0000${n.metric}`, (counts.get(`${n.node}\u0000${n.metric}`) ?? 0) + 1);
  // Two results that still share a node and metric once their other labels are appended: readTelemetry would call
  // it the same series in two files (naming this file twice); name both results here instead.
  const first = new Map<string, (typeof named)[number]>();
  for (const n of named) {
    const key = `${n.node}\u0000${n.metric}\u0000${n.rest.join(',')}`;
    const before = first.get(key);
    if (before === undefined) {
      first.set(key, n);
      continue;
    }
    const [mine, theirs] = [labelText(n.labels), labelText(before.labels)];
    throw new TelemetryError({ file, column: `data.result[${n.k}].metric` }, `each series once in a query_range response`,
      mine === theirs ? `labels identical to data.result[${before.k}]'s: ${mine}`
        : `labels ${mine} that name the same series ${n.node}/${n.metric} as data.result[${before.k}]'s ${theirs}`);
  }

  return named.map(({ k, r, node, metric: baseMetric, rest }) => {
    const metric = (counts.get(`${node}\u0000${baseMetric}`) ?? 0) > 1 && rest.length > 0 ? `${baseMetric}{${rest.join(',')}}` : baseMetric;
    const at = `data.result[${k}].values`;
    if (!Array.isArray(r.values)) throw new TelemetryError({ file, column: at }, 'an array of [time, "value"] pairs', typeof r.values);
    const times: number[] = [], values: number[] = [], lines: number[] = [];
    (r.values as unknown[]).forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TelemetryError({ file, column: `${at}[${i}]` }, 'a [time, "value"] pair', shown(JSON.stringify(pair)));
      const t = typeof pair[0] === 'number' ? pair[0] : parseDecimal(String(pair[0]));
      if (!Number.isFinite(t) || t < 0) throw new TelemetryError({ file, column: `${at}[${i}][0]` }, 'epoch seconds', shown(String(pair[0])));
      const raw = String(pair[1]);
      const v = raw === 'NaN' ? Number.NaN : parseDecimal(raw);
      if (raw !== 'NaN' && !Number.isFinite(v)) throw new TelemetryError({ file, column: `${at}[${i}][1]` }, 'a finite number as a string', shown(raw));
      times.push(t * 1000);
      values.push(v);
      lines.push(i);
    });
    const limit = percentLimit(metric);
    const s: RawSeries = {
      node, metric, file, times, values, lines, column: at, jsonPath: true, allowNegative: negativeAllowed(metric), notes: [],
      ...(limit !== undefined ? { limit } : {}),
    };
    return s;
  });
}
