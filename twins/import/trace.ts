/**
 * A call graph from a span trace CSV (the Nezha Train-Ticket trace layout):
 *   TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano[,Duration]
 * ParentID is `root` for a trace's first span. Rules (docs/twin-spec.md):
 *  - service = the pod's deployment: `ts-order-service-5b67c48447-mv5hb` -> `ts-order-service`;
 *  - an *invocation* of a service is a span whose parent is `root` or belongs
 *    to another service; the spans below it in the same service are its work;
 *  - self time of an invocation = its duration minus the union of the
 *    intervals of the invocations it makes (clipped to its own interval);
 *    the service time of a service is a lognormal with the mean and cv of
 *    its self times (deterministic when it has one invocation or cv < 0.01);
 *  - a call A -> B has perRequest = (invocations of B made by A) / (invocations of A), mode sync;
 *  - entries: the services of root spans, at rate (roots - 1) / (last root start - first root start),
 *    or driven by a rate profile given for them (opts.profiles: --profile ENTRY=FILE.csv);
 *  - every service's own observed rate = its invocations / the same window.
 */
import { readInputText, twinFileError } from '../definition/read-input.js';
import { Problems } from '../definition/errors.js';
import type { NodeFields, TwinInput } from '../definition/input.js';
import { twinFromObject } from '../definition/load.js';
import type { NodeKind, Twin } from '../definition/types.js';
import { isBlank, csvRowsOf } from '../csv.js';
import { callGraphTwinInput, readImportProfiles, type CallGraphJson, type CallGraphOptions, type ServiceRecord } from './callgraph.js';

const COLUMNS = ['TraceID', 'SpanID', 'ParentID', 'PodName', 'OperationName', 'StartTimeUnixNano', 'EndTimeUnixNano'] as const;

/** Deployment name of a Kubernetes pod (`name-<replicaset hash>-<suffix>`); other names unchanged. */
export function serviceOfPod(pod: string): string {
  const m = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod);
  return m ? m[1]! : pod;
}

/** Kind from the service name: gateway / ui -> gateway, db / mysql / mongo -> database, redis / cache -> cache. */
export function kindOfService(name: string): NodeKind {
  if (/gateway|ui-dashboard|frontend/.test(name)) return 'gateway';
  if (/mysql|mongo|postgres|(^|-)db(-|$)/.test(name)) return 'database';
  if (/redis|memcache|cache/.test(name)) return 'cache';
  return 'service';
}

interface Span {
  trace: string;
  id: string;
  parent: string | null;
  service: string;
  start: number; // ns since the trace file's first start
  end: number;
  line: number;
}

export interface TraceImportReport {
  readonly spans: number;
  readonly traces: number;
  readonly roots: number;
  /** Seconds between the first and the last root span start. */
  readonly window: number;
  /** Spans whose parent is not in their trace (counted as invocations without a caller). */
  readonly orphans: number;
  readonly services: readonly { id: string; invocations: number; meanSelf: number; cvSelf: number }[];
}

function meanCv(xs: readonly number[]): { mean: number; cv: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  if (xs.length < 2 || mean <= 0) return { mean, cv: 0 };
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, cv: Math.sqrt(v) / mean };
}

function unionLength(intervals: [number, number][], lo: number, hi: number): number {
  const xs = intervals.map(([a, b]) => [Math.max(a, lo), Math.min(b, hi)] as [number, number]).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cur: [number, number] | null = null;
  for (const iv of xs) {
    if (cur && iv[0] <= cur[1]) cur[1] = Math.max(cur[1], iv[1]);
    else {
      if (cur) total += cur[1] - cur[0];
      cur = [iv[0], iv[1]];
    }
  }
  if (cur) total += cur[1] - cur[0];
  return total;
}

async function readSpans(text: string, file: string): Promise<Span[]> {
  const p = new Problems();
  const rows = (await csvRowsOf(text, file)).filter((r) => !isBlank(r));
  const head = rows.shift();
  const col = new Map<string, number>((head?.fields ?? []).map((h, i) => [h, i]));
  const missing = COLUMNS.filter((c) => !col.has(c));
  if (!head || missing.length > 0) {
    p.raw(head ? `line ${head.line}` : '(file)', `expected the header columns ${COLUMNS.join(',')}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`);
    p.throwIfAny(file);
  }
  const at = (r: readonly string[], c: (typeof COLUMNS)[number]): string => r[col.get(c)!] ?? '';
  let base: bigint | null = null;
  const spans: Span[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const where = `line ${r.line}`;
    if (r.fields.length !== head!.fields.length) {
      p.raw(where, `expected ${head!.fields.length} fields, got ${r.fields.length}`);
      continue;
    }
    const trace = at(r.fields, 'TraceID');
    const id = at(r.fields, 'SpanID');
    const parent = at(r.fields, 'ParentID');
    const pod = at(r.fields, 'PodName');
    if (!trace || !id || !parent || !pod) {
      p.raw(where, 'expected non-empty TraceID, SpanID, ParentID and PodName');
      continue;
    }
    if (seen.has(`${trace}/${id}`)) {
      p.raw(`${where} SpanID`, `duplicate span ${id} in trace ${trace}`);
      continue;
    }
    seen.add(`${trace}/${id}`);
    const s = at(r.fields, 'StartTimeUnixNano');
    const e = at(r.fields, 'EndTimeUnixNano');
    if (!/^[0-9]+$/.test(s) || !/^[0-9]+$/.test(e)) {
      p.raw(where, `expected integer StartTimeUnixNano and EndTimeUnixNano, got ${JSON.stringify(s)}, ${JSON.stringify(e)}`);
      continue;
    }
    const sb = BigInt(s);
    const eb = BigInt(e);
    if (eb < sb) {
      p.raw(`${where} EndTimeUnixNano`, 'expected an end at or after the start');
      continue;
    }
    base ??= sb;
    spans.push({ trace, id, parent: parent === 'root' ? null : parent, service: serviceOfPod(pod), start: Number(sb - base), end: Number(eb - base), line: r.line });
  }
  if (p.size === 0 && spans.length === 0) p.raw('(file)', 'expected at least one span');
  p.throwIfAny(file);
  return spans;
}

/**
 * Refuses spans that are their own ancestors (ParentID = own SpanID, or
 * A -> B -> A): such a chain has no root, so the walk up to an invocation
 * would never end and the services on it would look like callers of each
 * other (a wrong "no entry point" further on). One problem per cycle, at the
 * line of its first span in the file. Each span is walked once (state: 0 new,
 * 1 on the current walk, 2 done).
 */
function parentCycles(spans: readonly Span[], parentOf: (s: Span) => Span | undefined, file: string): void {
  const p = new Problems();
  const state = new Map<Span, 1 | 2>();
  for (const start of spans) {
    const walk: Span[] = [];
    let cur: Span | undefined = start;
    while (cur && !state.has(cur)) {
      state.set(cur, 1);
      walk.push(cur);
      cur = parentOf(cur);
    }
    if (cur && state.get(cur) === 1) {
      const cycle = walk.slice(walk.indexOf(cur));
      const first = cycle.reduce((a, b) => (b.line < a.line ? b : a));
      const from = cycle.indexOf(first);
      const chain = [...cycle.slice(from), ...cycle.slice(0, from), first].map((s) => s.id);
      const how = cycle.length === 1 ? `its ParentID is its own SpanID` : `parent chain ${chain.join(' -> ')}, lines ${cycle.map((s) => s.line).sort((a, b) => a - b).join(', ')}`;
      p.raw('ParentID', `span ${first.id} of trace ${first.trace} is its own ancestor (parent cycle: ${how}); expected a chain of parents that ends at a root span (ParentID "root")`, first.line);
    }
    for (const s of walk) state.set(s, 2);
  }
  p.throwIfAny(file);
}

/** Derives the call graph (services with rates and service times, calls per request) from a trace CSV's text. */
export async function callGraphFromTrace(text: string, file: string): Promise<{ graph: CallGraphJson; report: TraceImportReport }> {
  const spans = await readSpans(text, file);
  const byKey = new Map<string, Span>(spans.map((s) => [`${s.trace}/${s.id}`, s]));
  const parentOf = (s: Span): Span | undefined => (s.parent === null ? undefined : byKey.get(`${s.trace}/${s.parent}`));
  parentCycles(spans, parentOf, file);
  // Invocation top of every span (memoised walk up the parent chain).
  const top = new Map<Span, Span>();
  const topOf = (s: Span): Span => {
    const known = top.get(s);
    if (known) return known;
    const chain: Span[] = [];
    let cur: Span = s;
    for (;;) {
      const t = top.get(cur);
      if (t) break;
      chain.push(cur);
      const par = parentOf(cur);
      // Ends: parentCycles has refused every chain that does not reach a root or an orphan.
      if (!par || par.service !== cur.service) break;
      cur = par;
    }
    const result = top.get(cur) ?? cur;
    for (const c of chain) top.set(c, result);
    return result;
  };
  let orphans = 0;
  const invocations: Span[] = [];
  const callees = new Map<Span, Span[]>(); // invocation -> invocations it makes
  const roots: Span[] = [];
  for (const s of spans) {
    if (topOf(s) !== s) continue;
    invocations.push(s);
    if (s.parent === null) roots.push(s);
    const par = parentOf(s);
    if (!par) {
      if (s.parent !== null) orphans++;
      continue;
    }
    const caller = topOf(par);
    const list = callees.get(caller);
    if (list) list.push(s);
    else callees.set(caller, [s]);
  }
  const p = new Problems();
  if (roots.length < 2) p.raw('(file)', `expected at least 2 root spans (ParentID "root") to estimate the arrival rate, got ${roots.length}`);
  const starts = roots.map((r) => r.start);
  // A loop, not Math.max(...starts): a spread of a million roots overflows the stack.
  let [first, last] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const t of starts) [first, last] = [Math.min(first, t), Math.max(last, t)];
  const window = (last - first) / 1e9;
  if (roots.length >= 2 && !(window > 0)) p.raw('(file)', 'expected root spans at different start times');
  p.throwIfAny(file);

  const self = new Map<string, number[]>();
  const count = new Map<string, number>();
  const calls = new Map<string, number>();
  for (const inv of invocations) {
    const out = callees.get(inv) ?? [];
    const busy = unionLength(out.map((c) => [c.start, c.end]), inv.start, inv.end);
    const own = Math.max(0, inv.end - inv.start - busy) / 1e9;
    const times = self.get(inv.service);
    if (times) times.push(own);
    else self.set(inv.service, [own]);
    count.set(inv.service, (count.get(inv.service) ?? 0) + 1);
    for (const c of out) {
      const k = `${inv.service}\u0000${c.service}`;
      calls.set(k, (calls.get(k) ?? 0) + 1);
    }
  }
  const rootRate = (roots.length - 1) / window;
  const perWindow = (n: number): number => (n * rootRate) / roots.length;
  const rootServices = new Map<string, number>();
  for (const r of roots) rootServices.set(r.service, (rootServices.get(r.service) ?? 0) + 1);
  const names = [...count.keys()].sort();
  const report: TraceImportReport['services'][number][] = [];
  const services: ServiceRecord[] = names.map((name) => {
    const xs = self.get(name)!;
    const { mean, cv } = meanCv(xs);
    report.push({ id: name, invocations: count.get(name)!, meanSelf: mean, cvSelf: cv });
    const fields: NodeFields = {
      kind: kindOfService(name),
      service: xs.length < 2 || cv < 0.01 ? { type: 'deterministic', value: mean } : { type: 'lognormal', mean: Math.max(mean, 1e-6), cv },
      attributes: { invocations: count.get(name)!, source: 'trace' },
    };
    // Entry services get the root rate; the others their observed rate (for reference).
    const rate = rootServices.has(name) ? perWindow(rootServices.get(name)!) : perWindow(count.get(name)!);
    return { id: name, rate, ...fields };
  });
  const callRecords = [...calls.entries()]
    .map(([k, n]) => {
      const [from, to] = k.split('\u0000') as [string, string];
      return { from, to, perRequest: n / count.get(from)!, mode: 'sync' as const };
    })
    .sort((a, b) => (a.from === b.from ? a.to.localeCompare(b.to) : a.from.localeCompare(b.from)));
  return {
    graph: { name: 'trace', description: `Call graph derived from ${file}`, services, calls: callRecords },
    report: { spans: spans.length, traces: new Set(spans.map((s) => s.trace)).size, roots: roots.length, window, orphans, services: report },
  };
}

/** Reads a trace CSV and returns the validated twin, its file object, the call graph and a report. */
export async function importTraceFile(file: string, opts: CallGraphOptions = {}): Promise<{ twin: Twin; input: TwinInput; graph: CallGraphJson; report: TraceImportReport }> {
  const text = await readInputText(file, twinFileError(file));
  const derived = await callGraphFromTrace(text, file);
  // A trace carries no name of its own: the derived graph's 'trace' is only the fallback for opts.name.
  const graph: CallGraphJson = opts.name !== undefined ? { ...derived.graph, name: opts.name } : derived.graph;
  const report = derived.report;
  const { input, notes, profiles } = callGraphTwinInput(graph, file, {
    ...(opts.defaults ? { defaults: opts.defaults } : {}), ...(opts.profiles ? { profiles: opts.profiles } : {}), ...(opts.twinDir !== undefined ? { twinDir: opts.twinDir } : {}),
  });
  if (report.orphans > 0) notes.push(`${report.orphans} span(s) have a parent missing from their trace: counted as invocations without a caller`);
  for (const prof of profiles) {
    const observed = graph.services.find((s) => s.id === prof.entry)?.rate;
    notes.push(`entry ${prof.entry}: driven by the rate profile ${prof.written} instead of the rate the trace shows (${observed?.toPrecision(3)} req/s)`);
  }
  return { twin: twinFromObject(input, { source: file, warnings: notes, profiles: await readImportProfiles(profiles, file) }), input, graph, report };
}
