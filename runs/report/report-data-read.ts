/**
 * Reads a nightly report's data file (DIR/report-data.json, the contract of
 * runs/nightly/report-data.ts) for `shadowcast report`: the JSON is parsed with
 * line numbers, checked against a schema (unknown keys get a "did you mean"),
 * then against the rules a schema cannot say (intervals ordered, quantiles
 * ordered, names that refer to known nodes, times that parse). Every problem
 * is reported at once, located, as a TwinSpecError (exit 3).
 */
import type { SchemaObject } from 'ajv';
import { extname } from 'node:path';
import { InputError } from '../usage-error.js';
import { Problems, type Locator, type PathSegments } from '../../twins/definition/errors.js';
import { readSpecText, validateDocument } from '../../twins/definition/load.js';
import { didYouMean } from '../../engine/did-you-mean.js';
import { REPORT_DATA_FORMAT, type NightlyReportData, type ReportInterval } from '../nightly/report-data.js';

const probability = { type: 'number', minimum: 0, maximum: 1 };
const nonNegative = { type: 'number', minimum: 0 };
const text = { type: 'string' };
const name = { type: 'string', minLength: 1 };
const time = { type: 'string', minLength: 1, description: 'an ISO-8601 time' };
const object = (properties: Record<string, unknown>, required = Object.keys(properties)): SchemaObject => ({ type: 'object', properties, required, additionalProperties: false });
const list = (items: unknown): SchemaObject => ({ type: 'array', items });
/** An object or null, as one type (not anyOf), so that a problem inside the object is reported where it is. */
const orNull = (schema: SchemaObject): SchemaObject => ({ ...schema, type: [String(schema.type), 'null'] });
const interval = object({ mean: probability, lo: probability, hi: probability });

export const reportDataSchema: SchemaObject = object({
  format: { const: REPORT_DATA_FORMAT },
  run: object({
    id: name, twin: name, createdAt: time, seed: { type: 'integer' }, replications: { type: 'integer', minimum: 1 },
    horizonSeconds: { type: 'number', exclusiveMinimum: 0 }, level: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, threshold: probability,
  }),
  forecasts: list(object({
    series: name, unit: text, model: text,
    history: list(object({ time, value: { type: 'number' } })),
    bands: list(object({ time, p05: { type: 'number' }, p25: { type: 'number' }, p50: { type: 'number' }, p75: { type: 'number' }, p95: { type: 'number' } })),
  })),
  nodes: list(object({
    node: name, pFail: interval, mainCondition: { type: ['string', 'null'] },
    timeToFailure: orNull(object({ p10: nonNegative, p50: nonNegative, p90: nonNegative })),
    utilization: { type: ['number', 'null'], minimum: 0 }, p99Seconds: { type: ['number', 'null'], minimum: 0 },
  })),
  heatmap: list(object({ node: name, hour: { type: 'integer', minimum: 0 }, pBreach: probability })),
  topology: object({ nodes: list(object({ id: name, pFailHi: probability })), edges: list(object({ from: name, to: name })) }),
  mitigations: list(object({
    id: name, description: text, riskHi: probability, cost: { type: 'number' }, costUnit: name,
    verdict: { enum: ['better', 'worse', 'inconclusive'] }, pareto: { type: 'boolean' }, chosen: { type: 'boolean' },
    change: orNull(object({ node: name, mean: { type: 'number', minimum: -1, maximum: 1 }, lo: { type: 'number', minimum: -1, maximum: 1 }, hi: { type: 'number', minimum: -1, maximum: 1 } })),
    replications: { type: 'integer', minimum: 1 }, reason: text,
    // costUnit, change, replications and reason are optional: reports written before they were carried have none (cost then is core-hours).
  }, ['id', 'description', 'riskHi', 'cost', 'verdict', 'pareto', 'chosen'])),
  // Optional: reports written before it was carried have none.
  mitigation: object({
    explanation: text, horizonSeconds: { type: 'number', exclusiveMinimum: 0 }, replications: { type: 'integer', minimum: 1 }, target: probability,
    replicationsNeeded: { type: ['integer', 'null'], minimum: 1 },
  }),
  calibration: list(object({ night: name, series: name, coverage80: probability, coverage95: probability, mase: { type: ['number', 'null'], minimum: 0 } })),
  changes: orNull(list(object({ node: name, before: orNull(interval), now: interval, change: { enum: ['new risk', 'resolved', 'higher', 'lower', 'same', 'bound moved', 'levels differ'] } }))),
  warnings: list(text),
}, ['format', 'run', 'forecasts', 'nodes', 'heatmap', 'topology', 'mitigations', 'calibration', 'changes', 'warnings']);

function checkInterval(i: ReportInterval, at: PathSegments, p: Problems): void {
  if (!(i.lo <= i.mean && i.mean <= i.hi)) p.at(at, `expected lo <= mean <= hi, got lo ${i.lo}, mean ${i.mean}, hi ${i.hi}`);
}

function checkTime(value: string, at: PathSegments, p: Problems): void {
  if (Number.isNaN(Date.parse(value))) p.at(at, `expected an ISO-8601 time like "2026-11-28T00:00:00Z", got ${JSON.stringify(value)}`);
}

/** Names must be unique within a list; returns the set of names. */
function uniqueNames(names: readonly string[], at: (i: number) => PathSegments, what: string, p: Problems): Set<string> {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) p.at(at(i), `${what} ${JSON.stringify(n)} is listed twice`);
    seen.add(n);
  });
  return seen;
}

/** The rules between fields, once the schema holds. */
export function checkReportData(d: NightlyReportData, p: Problems): void {
  checkTime(d.run.createdAt, ['run', 'createdAt'], p);
  d.forecasts.forEach((f, k) => {
    f.history.forEach((h, i) => checkTime(h.time, ['forecasts', k, 'history', i, 'time'], p));
    f.bands.forEach((b, i) => {
      checkTime(b.time, ['forecasts', k, 'bands', i, 'time'], p);
      if (!(b.p05 <= b.p25 && b.p25 <= b.p50 && b.p50 <= b.p75 && b.p75 <= b.p95)) {
        p.at(['forecasts', k, 'bands', i], `expected p05 <= p25 <= p50 <= p75 <= p95, got ${[b.p05, b.p25, b.p50, b.p75, b.p95].join(', ')}`);
      }
    });
  });
  const nodes = uniqueNames(d.nodes.map((n) => n.node), (i) => ['nodes', i, 'node'], 'node', p);
  d.nodes.forEach((n, i) => {
    checkInterval(n.pFail, ['nodes', i, 'pFail'], p);
    const t = n.timeToFailure;
    if (t && !(t.p10 <= t.p50 && t.p50 <= t.p90)) p.at(['nodes', i, 'timeToFailure'], `expected p10 <= p50 <= p90, got ${t.p10}, ${t.p50}, ${t.p90}`);
  });
  const cells = new Set<string>();
  // A misspelt node misspells all its hours: one problem, at its first cell, with the count.
  const unknownCells = new Map<string, number[]>();
  d.heatmap.forEach((c, i) => {
    if (!nodes.has(c.node)) unknownCells.set(c.node, [...(unknownCells.get(c.node) ?? []), i]);
    const key = JSON.stringify([c.node, c.hour]);
    if (cells.has(key)) p.at(['heatmap', i], `node ${JSON.stringify(c.node)} hour ${c.hour} is listed twice`);
    cells.add(key);
  });
  for (const [node, at] of unknownCells) {
    p.at(['heatmap', at[0]!, 'node'], `unknown node ${JSON.stringify(node)}${didYouMean(node, nodes)}${at.length > 1 ? ` (in ${at.length} cells)` : ''}`);
  }
  const ids = uniqueNames(d.topology.nodes.map((n) => n.id), (i) => ['topology', 'nodes', i, 'id'], 'node', p);
  d.topology.edges.forEach((e, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!ids.has(e[end])) p.at(['topology', 'edges', i, end], `unknown node ${JSON.stringify(e[end])}${didYouMean(e[end], ids)} (not in topology.nodes)`);
    }
  });
  uniqueNames(d.mitigations.map((m) => m.id), (i) => ['mitigations', i, 'id'], 'mitigation', p);
  const chosen = d.mitigations.flatMap((m, i) => (m.chosen ? [i] : []));
  for (const i of chosen.slice(1)) p.at(['mitigations', i, 'chosen'], `only one candidate can be chosen; mitigations[${chosen[0]}] already is`);
  d.changes?.forEach((c, i) => {
    if (c.before) checkInterval(c.before, ['changes', i, 'before'], p);
    checkInterval(c.now, ['changes', i, 'now'], p);
    if (!nodes.has(c.node)) p.at(['changes', i, 'node'], `unknown node ${JSON.stringify(c.node)}${didYouMean(c.node, nodes)}`);
  });
}

/** Validates parsed data (from a file or from memory); throws TwinSpecError naming `source` and every problem. */
export function validateReportData(data: unknown, source: string, locate?: Locator): NightlyReportData {
  // Another file given by mistake (a summary.json, the report itself) gets one line, not a page of schema problems.
  const format = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as { format?: unknown }).format : undefined;
  if (format !== REPORT_DATA_FORMAT) {
    const p = new Problems(locate);
    p.at(format === undefined ? [] : ['format'], `expected a nightly's report-data.json (format ${JSON.stringify(REPORT_DATA_FORMAT)}), got ${format === undefined ? 'a document without a format field' : `format ${JSON.stringify(format)}`}`);
    p.throwIfAny(source);
  }
  const d = validateDocument<NightlyReportData>(reportDataSchema, data, source, locate);
  const p = new Problems(locate);
  checkReportData(d, p);
  p.throwIfAny(source);
  return d;
}

export async function readReportDataFile(file: string): Promise<NightlyReportData> {
  // The nightly writes JSON; a YAML reading of an HTML page would list a dozen parse errors about the wrong file.
  if (!/\.json$/i.test(file)) throw new InputError(`${file}: expected a nightly's report-data.json (JSON, beside its report.html), got a ${extname(file) || 'file without extension'}`);
  const { data, locate } = await readSpecText(file);
  return validateReportData(data, file, locate);
}
