/**
 * Call graph from a Nezha trace CSV (`<day>/trace/*_trace.csv`):
 * `TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,...`.
 * A span whose parent span runs on another service is a call from the
 * parent's service to the span's (services named as in nezha.ts, pod hashes
 * dropped); calls within one service are not edges. `ParentID` is `root` for
 * a trace's first span. A parent id that no span of the file carries (a span
 * cut off by the export window) is counted in `unresolved`, not guessed.
 */
import { streamCsv } from './csv-rows.js';
import { TelemetryError, shown } from './errors.js';
import { nezhaNode } from './nezha.js';

export interface CallEdge {
  readonly caller: string;
  readonly callee: string;
  /** Spans seen on this edge. */
  readonly calls: number;
}

export interface CallGraph {
  readonly edges: readonly CallEdge[];
  readonly spans: number;
  /** Spans whose parent id is in no row of the file. */
  readonly unresolved: number;
}

const REQUIRED = ['SpanID', 'ParentID', 'PodName'] as const;

export async function readNezhaCallGraph(file: string): Promise<CallGraph> {
  let col: Record<(typeof REQUIRED)[number], number> = { SpanID: -1, ParentID: -1, PodName: -1 };
  let width = 0;
  const spans: Array<{ id: string; parent: string; node: string }> = [];
  await streamCsv(file, {
    header(cells) {
      width = cells.length;
      for (const name of REQUIRED) {
        const i = cells.indexOf(name);
        if (i < 0) throw new TelemetryError({ file, line: 1 }, `a Nezha trace column "${name}"`, `header ${shown(cells.join(','))}`);
        col = { ...col, [name]: i };
      }
    },
    row(cells, line) {
      if (cells.length !== width) throw new TelemetryError({ file, line }, `${width} cells like the header`, `${cells.length}`);
      const id = cells[col.SpanID]!, parent = cells[col.ParentID]!, pod = cells[col.PodName]!;
      if (id === '') throw new TelemetryError({ file, line, column: 'SpanID' }, 'a span id', 'an empty cell');
      if (parent === '') throw new TelemetryError({ file, line, column: 'ParentID' }, 'a parent span id or "root"', 'an empty cell');
      if (pod === '') throw new TelemetryError({ file, line, column: 'PodName' }, 'a pod name', 'an empty cell');
      spans.push({ id, parent, node: nezhaNode(pod) });
    },
  });
  const nodeOf = new Map(spans.map((s) => [s.id, s.node]));
  const counts = new Map<string, number>();
  let unresolved = 0;
  for (const s of spans) {
    if (s.parent === 'root') continue;
    const caller = nodeOf.get(s.parent);
    if (caller === undefined) { unresolved++; continue; }
    if (caller === s.node) continue;
    const key = `${caller}\u0000${s.node}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const edges = [...counts].map(([key, calls]) => {
    const [caller, callee] = key.split('\u0000') as [string, string];
    return { caller, callee, calls };
  }).sort((a, b) => a.caller.localeCompare(b.caller) || a.callee.localeCompare(b.callee));
  return { edges, spans: spans.length, unresolved };
}

/** callee -> its direct callers, for scoring a detection on a caller. */
export function callersOf(graph: CallGraph): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (!out.has(e.callee)) out.set(e.callee, []);
    out.get(e.callee)!.push(e.caller);
  }
  return out;
}
