/**
 * Small summaries of replications. A chunk of consecutive replications is
 * summarised column by column (one array entry per replication) plus merged
 * histograms. Chunks are merged in chunk order, and chunk boundaries depend
 * only on the replication count, so a merged result is bit-identical for any
 * number of workers.
 */
import { LogHistogram, type HistogramJson } from '../../engine/index.js';
import type { FlowModel } from './model.js';

/**
 * How many report windows a run has: the horizon in windows of `reportWindow`
 * seconds from time 0, the last one cut at the horizon, at least one. The
 * model and the reader of windows.csv (twins/shadow/result.ts) share it.
 */
export function reportWindowCount(horizon: number, reportWindow: number): number {
  return Math.max(1, Math.ceil(horizon / reportWindow - 1e-9));
}

/** Per-replication figures of a node, one column each. */
export const NODE_METRICS = [
  'arrivals', 'throughput', 'utilization', 'cpu', 'errorRate', 'meanQueue', 'peakQueue', 'meanLatency', 'p50', 'p99',
  'meanReplicas', 'peakMemory', 'drops', 'timeouts', 'retries', 'wasted', 'ooms', 'crashes',
] as const;
export type NodeMetric = (typeof NODE_METRICS)[number];

/** Per-window figures of a node, replication-major (index = rep * windows + w). */
export const WINDOW_METRICS = ['utilization', 'meanQueue', 'errorRate', 'throughput'] as const;
export type WindowMetric = (typeof WINDOW_METRICS)[number];

export interface NodeChunk {
  readonly id: string;
  readonly metrics: Record<NodeMetric, number[]>;
  /** Time of first failure per replication; null = did not fail. */
  readonly failTime: (number | null)[];
  readonly condition: string[];
  readonly windows: Record<WindowMetric, number[]>;
  readonly hist: HistogramJson;
  readonly winHist: HistogramJson[];
}

export interface EntryChunk {
  readonly id: string;
  readonly successRate: number[];
  readonly meanLatency: number[];
  readonly p99: number[];
  readonly arrivals: number[];
  /** Arrivals refused by the entry's rate limit (a part of the failed ones), per replication. */
  readonly shed: number[];
  readonly hist: HistogramJson;
}

export interface ChunkSummary {
  readonly first: number;
  readonly count: number;
  readonly horizon: number;
  readonly windowSeconds: number;
  readonly windows: number;
  readonly events: number;
  readonly nodes: NodeChunk[];
  readonly entries: EntryChunk[];
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);

/** Accumulates replications into a chunk summary, in replication order. */
export class ChunkBuilder {
  private readonly nodes: NodeChunk[] = [];
  private readonly entries: EntryChunk[] = [];
  private readonly nodeHists: LogHistogram[] = [];
  private readonly nodeWinHists: LogHistogram[][] = [];
  private readonly entryHists: LogHistogram[] = [];
  private count = 0;
  private events = 0;

  constructor(readonly first: number, readonly horizon: number, readonly windowSeconds: number, readonly windows: number, readonly warmup = 0) {}

  add(model: FlowModel): void {
    const horizon = this.horizon;
    // Whole-run figures cover the time after the warm-up.
    const span = horizon - this.warmup;
    model.nodes.forEach((rt, i) => {
      const o = rt.obs;
      if (!this.nodes[i]) {
        this.nodes[i] = {
          id: rt.node.id,
          metrics: Object.fromEntries(NODE_METRICS.map((m) => [m, []])) as unknown as Record<NodeMetric, number[]>,
          failTime: [], condition: [],
          windows: Object.fromEntries(WINDOW_METRICS.map((m) => [m, []])) as unknown as Record<WindowMetric, number[]>,
          hist: new LogHistogram().toJSON(), winHist: [],
        };
        this.nodeHists[i] = new LogHistogram(o.hist.alpha);
        this.nodeWinHists[i] = Array.from({ length: this.windows }, () => new LogHistogram(o.hist.alpha));
      }
      const n = this.nodes[i]!;
      const outcomes = o.ok + o.errors + o.timeouts;
      const values: Record<NodeMetric, number> = {
        arrivals: o.arrivals,
        throughput: (o.ok + o.errors) / span,
        utilization: o.utilization(),
        cpu: o.cpuUtilization(),
        errorRate: ratio(o.errors + o.timeouts, outcomes),
        meanQueue: o.queueArea / span,
        peakQueue: o.peakQueue,
        meanLatency: o.hist.count > 0 ? o.hist.mean : NaN,
        p50: o.hist.count > 0 ? o.hist.quantile(0.5) : NaN,
        p99: o.hist.count > 0 ? o.hist.quantile(0.99) : NaN,
        meanReplicas: o.replicasArea / span,
        peakMemory: rt.node.resources ? o.peakMemory : NaN,
        drops: o.drops, timeouts: o.timeouts, retries: o.retries, wasted: o.wasted, ooms: o.ooms, crashes: o.crashes,
      };
      for (const m of NODE_METRICS) n.metrics[m].push(values[m]);
      n.failTime.push(o.failed ? o.failTime : null);
      n.condition.push(o.failCondition);
      for (let w = 0; w < this.windows; w++) {
        const span = Math.min(this.windowSeconds, horizon - w * this.windowSeconds);
        n.windows.utilization.push(ratio(o.winBusy[w]!, o.winCap[w]!));
        n.windows.meanQueue.push(o.winQueue[w]! / span);
        n.windows.errorRate.push(ratio(o.winErr[w]!, o.winOk[w]! + o.winErr[w]!));
        n.windows.throughput.push((o.winOk[w]! + o.winErr[w]!) / span);
        this.nodeWinHists[i]![w]!.merge(o.winHist[w]!);
      }
      this.nodeHists[i]!.merge(o.hist);
    });
    model.entries.forEach((e, i) => {
      if (!this.entries[i]) {
        this.entries[i] = { id: e.id, successRate: [], meanLatency: [], p99: [], arrivals: [], shed: [], hist: new LogHistogram().toJSON() };
        this.entryHists[i] = new LogHistogram(e.hist.alpha);
      }
      const c = this.entries[i]!;
      c.successRate.push(ratio(e.ok, e.ok + e.failed));
      c.meanLatency.push(e.hist.count > 0 ? e.hist.mean : NaN);
      c.p99.push(e.hist.count > 0 ? e.hist.quantile(0.99) : NaN);
      c.arrivals.push(e.arrivals);
      c.shed.push(e.shed);
      this.entryHists[i]!.merge(e.hist);
    });
    this.events += model.events;
    this.count++;
  }

  finish(): ChunkSummary {
    const nodes = this.nodes.map((n, i) => ({ ...n, hist: this.nodeHists[i]!.toJSON(), winHist: this.nodeWinHists[i]!.map((h) => h.toJSON()) }));
    const entries = this.entries.map((e, i) => ({ ...e, hist: this.entryHists[i]!.toJSON() }));
    return { first: this.first, count: this.count, horizon: this.horizon, windowSeconds: this.windowSeconds, windows: this.windows, events: this.events, nodes, entries };
  }
}

function mergeHist(a: HistogramJson, b: HistogramJson): HistogramJson {
  const h = LogHistogram.fromJSON(a);
  h.merge(LogHistogram.fromJSON(b));
  return h.toJSON();
}

function concatRecord<K extends string>(a: Record<K, number[]>, b: Record<K, number[]>): Record<K, number[]> {
  const out = {} as Record<K, number[]>;
  for (const k of Object.keys(a) as K[]) out[k] = a[k].concat(b[k]);
  return out;
}

/** Merges chunk summaries; they must be consecutive and given in replication order. */
export function mergeChunks(chunks: readonly ChunkSummary[]): ChunkSummary {
  if (chunks.length === 0) throw new RangeError('mergeChunks: no chunks');
  const sorted = [...chunks].sort((x, y) => x.first - y.first);
  return sorted.reduce((a, b) => {
    if (b.first !== a.first + a.count) throw new RangeError(`mergeChunks: chunk starting at ${b.first} does not follow replications ${a.first}..${a.first + a.count - 1}`);
    return {
      ...a,
      count: a.count + b.count,
      events: a.events + b.events,
      nodes: a.nodes.map((n, i) => {
        const m = b.nodes[i]!;
        return {
          id: n.id,
          metrics: concatRecord(n.metrics, m.metrics),
          failTime: n.failTime.concat(m.failTime),
          condition: n.condition.concat(m.condition),
          windows: concatRecord(n.windows, m.windows),
          hist: mergeHist(n.hist, m.hist),
          winHist: n.winHist.map((h, w) => mergeHist(h, m.winHist[w]!)),
        };
      }),
      entries: a.entries.map((e, i) => {
        const f = b.entries[i]!;
        return {
          id: e.id,
          successRate: e.successRate.concat(f.successRate),
          meanLatency: e.meanLatency.concat(f.meanLatency),
          p99: e.p99.concat(f.p99),
          arrivals: e.arrivals.concat(f.arrivals),
          shed: e.shed.concat(f.shed),
          hist: mergeHist(e.hist, f.hist),
        };
      }),
    };
  });
}
