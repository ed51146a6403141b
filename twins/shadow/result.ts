/**
 * Reader of a simulation result (what `shadowcast simulate` writes,
 * docs/simulation-output.md): summary.json and windows.csv, parsed and
 * validated from text into typed objects. Every problem is a TwinSpecError
 * naming the file, the field path or CSV line and column, and what was
 * expected, so the shadow planner never runs on a result it misreads.
 * Reading the files from a folder is result-files.ts.
 */
import type { SchemaObject } from 'ajv';
import { isBlank, readCsvRows } from '../csv.js';
import { Problems, TwinSpecError } from '../definition/errors.js';
import { parseTwinText, validateDocument } from '../definition/load.js';
import { reportWindowCount, WINDOW_METRICS, type WindowMetric } from '../flow/summary.js';

export const SIMULATION_FORMAT = 'shadowcast-simulation/1';

/** A figure across replications (risk.ts Estimate as written): lo/hi null when fewer than two replications had a value. */
export interface ResultEstimate {
  readonly mean: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
  readonly n: number;
}

export interface ResultQuantiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

export interface ResultRun {
  readonly twin: string;
  readonly source: string;
  readonly seed: number | string;
  readonly replications: number;
  readonly horizon: number;
  readonly warmup: number;
  readonly confidence: number;
  readonly windowSeconds: number;
  readonly forecast: string | null;
  readonly state: string | null;
  readonly scenario: string | null;
  /** twinContentHash of the twin simulated; null in results written before simulate recorded it. */
  readonly twinHash: string | null;
}

export interface ResultNode {
  readonly id: string;
  readonly pFail: { readonly mean: number; readonly lo: number; readonly hi: number };
  readonly failures: number;
  readonly replications: number;
  readonly mainCondition: string | null;
  readonly timeToFailure: { readonly p10: number; readonly p50: number; readonly p90: number } | null;
  readonly latency: ResultQuantiles;
  /** Per metric (arrivals, throughput, utilization, errorRate, meanQueue, meanReplicas, ...). */
  readonly figures: Readonly<Record<string, ResultEstimate>>;
}

export interface ResultEntry {
  readonly id: string;
  readonly successRate: ResultEstimate;
  readonly arrivals: ResultEstimate;
  /** Arrivals refused by the entry's rate limit per replication; null in results written before simulate reported it. */
  readonly shed: ResultEstimate | null;
  readonly latency: ResultQuantiles;
}

export interface SimulationSummary {
  readonly format: typeof SIMULATION_FORMAT;
  readonly run: ResultRun;
  readonly nodes: readonly ResultNode[];
  readonly entries: readonly ResultEntry[];
}

/** One row of windows.csv: a node in one report window, figures across replications. */
export interface ResultWindow {
  readonly node: string;
  readonly window: number;
  readonly start: number;
  readonly end: number;
  readonly figures: Readonly<Record<WindowMetric, { readonly mean: number | null; readonly lo: number | null; readonly hi: number | null }>>;
  readonly latency: ResultQuantiles;
}

/** A whole result: the summary and its windows, and the folder it was read from. */
export interface SimulationResult {
  readonly dir: string;
  readonly summary: SimulationSummary;
  readonly windows: readonly ResultWindow[];
}

const num = { type: 'number' };
const nullableNum = { type: ['number', 'null'] };
const count = { type: 'integer', minimum: 0 };
const estimateSchema = {
  type: 'object',
  properties: { mean: nullableNum, lo: nullableNum, hi: nullableNum, n: count },
  required: ['mean', 'lo', 'hi', 'n'],
};
const quantilesSchema = {
  type: 'object',
  properties: { p50: nullableNum, p95: nullableNum, p99: nullableNum },
  required: ['p50', 'p95', 'p99'],
};
const probability = { type: 'number', minimum: 0, maximum: 1 };
const nullableString = { type: ['string', 'null'] };

/**
 * What the planner relies on. Other fields may be present (simulate may add
 * some); only these are checked, so an older or newer writer with the same
 * format still reads.
 */
export const summarySchema: SchemaObject = {
  type: 'object',
  properties: {
    format: { const: SIMULATION_FORMAT },
    run: {
      type: 'object',
      properties: {
        twin: { type: 'string' },
        source: { type: 'string' },
        seed: { type: ['number', 'string'] },
        replications: { type: 'integer', minimum: 1 },
        horizon: { type: 'number', exclusiveMinimum: 0 },
        warmup: { type: 'number', minimum: 0 },
        confidence: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        windowSeconds: { type: 'number', exclusiveMinimum: 0 },
        forecast: nullableString,
        state: nullableString,
        scenario: nullableString,
        twinHash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'expected a hex SHA-256 (64 characters 0-9a-f)' },
      },
      required: ['twin', 'source', 'seed', 'replications', 'horizon', 'warmup', 'confidence', 'windowSeconds'],
    },
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', minLength: 1 },
          pFail: { type: 'object', properties: { mean: probability, lo: probability, hi: probability }, required: ['mean', 'lo', 'hi'] },
          failures: count,
          replications: count,
          mainCondition: nullableString,
          timeToFailure: {
            anyOf: [{ type: 'null' }, { type: 'object', properties: { p10: num, p50: num, p90: num }, required: ['p10', 'p50', 'p90'] }],
            description: 'null or {p10, p50, p90} in seconds',
          },
          latency: quantilesSchema,
          figures: { type: 'object', additionalProperties: estimateSchema },
        },
        required: ['id', 'pFail', 'failures', 'replications', 'mainCondition', 'timeToFailure', 'latency', 'figures'],
      },
    },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        // shed is optional: summaries written before simulate reported it have none.
        properties: { id: { type: 'string', minLength: 1 }, successRate: estimateSchema, arrivals: estimateSchema, shed: estimateSchema, latency: quantilesSchema },
        required: ['id', 'successRate', 'arrivals', 'latency'],
      },
    },
  },
  required: ['format', 'run', 'nodes', 'entries'],
};

interface RawSummary {
  format: typeof SIMULATION_FORMAT;
  run: Omit<ResultRun, 'twinHash' | 'forecast' | 'state' | 'scenario'> & { twinHash?: string; forecast?: string | null; state?: string | null; scenario?: string | null };
  nodes: ResultNode[];
  entries: Array<Omit<ResultEntry, 'shed'> & { shed?: ResultEstimate }>;
}

/** Parses and validates summary.json text; `source` names the file in errors. Throws TwinSpecError. */
export function parseSummary(text: string, source: string): SimulationSummary {
  // simulate writes JSON: read as JSON (one located problem for a cut or broken file), not through the YAML parser,
  // which reports a cut JSON file as several indentation problems about flow maps.
  const { data, locate } = parseTwinText(text, source, 'json');
  const raw = validateDocument<RawSummary>(summarySchema, data, source, locate);
  const p = new Problems(locate);
  const seen = new Map<string, number>();
  raw.nodes.forEach((n, i) => {
    const before = seen.get(n.id);
    if (before !== undefined) p.at(['nodes', i, 'id'], `expected a unique node id, "${n.id}" is also nodes[${before}]`);
    else seen.set(n.id, i);
    if (!(n.pFail.lo <= n.pFail.mean && n.pFail.mean <= n.pFail.hi)) p.at(['nodes', i, 'pFail'], `expected lo <= mean <= hi, got ${n.pFail.lo}, ${n.pFail.mean}, ${n.pFail.hi}`);
  });
  p.throwIfAny(source);
  const run = raw.run;
  return {
    format: raw.format,
    run: {
      twin: run.twin, source: run.source, seed: run.seed, replications: run.replications, horizon: run.horizon, warmup: run.warmup,
      confidence: run.confidence, windowSeconds: run.windowSeconds,
      forecast: run.forecast ?? null, state: run.state ?? null, scenario: run.scenario ?? null, twinHash: run.twinHash ?? null,
    },
    nodes: raw.nodes.map((n) => ({
      id: n.id, pFail: n.pFail, failures: n.failures, replications: n.replications, mainCondition: n.mainCondition,
      timeToFailure: n.timeToFailure, latency: n.latency, figures: n.figures,
    })),
    entries: raw.entries.map((e) => ({ id: e.id, successRate: e.successRate, arrivals: e.arrivals, shed: e.shed ?? null, latency: e.latency })),
  };
}

const WINDOW_KEY_COLUMNS = ['node', 'window', 'start_s', 'end_s'] as const;
const LATENCY_COLUMNS = ['latency_p50', 'latency_p95', 'latency_p99'] as const;

/** The columns windows.csv must have (any order; extra columns are ignored). */
export const WINDOW_COLUMNS: readonly string[] = [
  ...WINDOW_KEY_COLUMNS,
  ...WINDOW_METRICS.flatMap((m) => [m, `${m}_lo`, `${m}_hi`]),
  ...LATENCY_COLUMNS,
];

/**
 * Parses windows.csv text (`source` names the file in errors). Empty cells
 * are "no value" (null) except in node, window, start_s and end_s, which every
 * row needs. Throws TwinSpecError naming `line N, column C`.
 */
export async function parseWindows(text: string, source: string): Promise<ResultWindow[]> {
  const p = new Problems();
  let rows;
  try {
    rows = (await readCsvRows(text)).filter((r) => !isBlank(r));
  } catch (e) {
    throw new TwinSpecError(source, [{ path: '(file)', message: `malformed CSV: ${(e as Error).message}` }]);
  }
  const head = rows.shift();
  if (!head) throw new TwinSpecError(source, [{ path: '(file)', message: `expected a header line (${WINDOW_COLUMNS.join(',')}), the file is empty` }]);
  const col = new Map(head.fields.map((f, i) => [f, i]));
  const missing = WINDOW_COLUMNS.filter((c) => !col.has(c));
  if (missing.length > 0) throw new TwinSpecError(source, [{ path: `line ${head.line}`, message: `expected the columns ${missing.join(', ')} in the header` }]);
  const out: ResultWindow[] = [];
  for (const r of rows) {
    const cell = (name: string): string => r.fields[col.get(name)!] ?? '';
    const number = (name: string, required: boolean, check: (v: number) => boolean = Number.isFinite, expected = 'a finite number'): number | null => {
      const s = cell(name);
      if (s === '') {
        if (required) p.raw(`line ${r.line}, column ${name}`, `expected ${expected}, the cell is empty`);
        return null;
      }
      const v = Number(s);
      if (!Number.isFinite(v) || !check(v)) {
        p.raw(`line ${r.line}, column ${name}`, `expected ${expected}, got ${JSON.stringify(s)}`);
        return null;
      }
      return v;
    };
    if (r.fields.length !== head.fields.length) {
      p.raw(`line ${r.line}`, `expected ${head.fields.length} fields like the header, got ${r.fields.length}`);
      continue;
    }
    const node = cell('node');
    if (node === '') p.raw(`line ${r.line}, column node`, 'expected a node id, the cell is empty');
    const window = number('window', true, (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0');
    const start = number('start_s', true, (v) => v >= 0, 'seconds >= 0');
    const end = number('end_s', true, (v) => v >= 0, 'seconds >= 0');
    if (start !== null && end !== null && end < start) p.raw(`line ${r.line}, column end_s`, `expected end_s >= start_s (${start}), got ${end}`);
    const nonNegative = (v: number) => v >= 0;
    const figures = Object.fromEntries(
      WINDOW_METRICS.map((m) => [m, { mean: number(m, false, nonNegative, 'a number >= 0'), lo: number(`${m}_lo`, false, nonNegative, 'a number >= 0'), hi: number(`${m}_hi`, false, nonNegative, 'a number >= 0') }]),
    ) as Record<WindowMetric, { mean: number | null; lo: number | null; hi: number | null }>;
    const latency = { p50: number('latency_p50', false, nonNegative, 'seconds >= 0'), p95: number('latency_p95', false, nonNegative, 'seconds >= 0'), p99: number('latency_p99', false, nonNegative, 'seconds >= 0') };
    if (node !== '' && window !== null && start !== null && end !== null) out.push({ node, window, start, end, figures, latency });
  }
  p.throwIfAny(source);
  return out;
}

/**
 * Checks that summary and windows belong together: every window row names a
 * node of the summary, each node's windows are numbered 0, 1, ... in order,
 * and every node has all the windows of the summary's horizon (run.horizon in
 * windows of run.windowSeconds, as the model cuts them). The rows of a window
 * are written together, node after node, so a file cut at a line boundary
 * parses cleanly: only the count shows it. Throws TwinSpecError on
 * `windowsSource`.
 */
export function checkWindowsAgainstSummary(summary: SimulationSummary, windows: readonly ResultWindow[], windowsSource: string): void {
  const p = new Problems();
  const known = new Set(summary.nodes.map((n) => n.id));
  const next = new Map<string, number>();
  for (const w of windows) {
    if (!known.has(w.node)) {
      p.raw(`node ${w.node}`, `expected a node of the summary (${[...known].join(', ')})`);
      continue;
    }
    const expected = next.get(w.node) ?? 0;
    if (w.window !== expected) p.raw(`node ${w.node}, window ${w.window}`, `expected window ${expected} (windows in order from 0)`);
    next.set(w.node, w.window + 1);
  }
  // Nodes grouped by how many windows they have, so a cut file gives a line or two, not one per node.
  const { horizon, windowSeconds } = summary.run;
  const count = reportWindowCount(horizon, windowSeconds);
  const byCount = new Map<number, string[]>();
  for (const id of known) {
    const got = next.get(id) ?? 0;
    if (got !== count) byCount.set(got, [...(byCount.get(got) ?? []), id]);
  }
  const expectedText = `${count} window${count === 1 ? '' : 's'} per node (${count === 1 ? 'window 0' : `windows 0 to ${count - 1}`}: the summary's run.horizon ${horizon} s in windows of run.windowSeconds ${windowSeconds} s)`;
  for (const [got, ids] of byCount) {
    p.raw('(file)', `expected ${expectedText}, got ${got === 0 ? 'none' : got} for ${ids.length === 1 ? 'node' : `${ids.length} nodes:`} ${ids.join(', ')}${got < count ? ' (is the file cut short?)' : ''}`);
  }
  p.throwIfAny(windowsSource);
}

/** Windows of one node, in order. */
export function windowsOf(result: SimulationResult, node: string): ResultWindow[] {
  return result.windows.filter((w) => w.node === node);
}
