/**
 * Per-node figures the plan is sized from (docs/shadow.md, "Sizing" and
 * "Predicted state"): the node's production rate during the shadow, the time
 * a request holds a worker, its replicas in `reproduce` and `remediate`
 * mode, and the work present at the shadow's start, all taken from the twin,
 * the optional state snapshot and the simulation result.
 */
import { distributionFromSpec } from '../../engine/index.js';
import type { DistributionSpec, Twin, TwinNode } from '../definition/types.js';
import type { StateSnapshot } from '../state.js';
import type { SizingMode } from './plan-types.js';
import type { ResultNode, ResultWindow, SimulationResult } from './result.js';

/** Utilization `remediate` sizes for: replicas = ceil(p95 load × held time / (workers × target)). */
export const UTILIZATION_TARGET = 0.7;

/** Service of a pass-through node (a router): no time. */
export const PASS_THROUGH: DistributionSpec = { type: 'deterministic', value: 0 };

export interface NodeFacts {
  readonly id: string;
  /** Requests reaching the node per request entering the system (simulation: node arrivals / entry arrivals). */
  readonly visitRatio: number;
  /** Production requests/s at the node at the schedule's peak. */
  readonly peakRate: number;
  /** The load `remediate` sizes for, requests/s. */
  readonly load95: number;
  /** Mean own service time, seconds. */
  readonly ownService: number;
  /** Mean time a request holds a worker (own work + waits for sync calls), seconds. */
  readonly held: number;
  readonly replicasProduction: number;
  readonly replicasSource: string;
  readonly replicas: number;
  readonly initial: { readonly busy: number; readonly queued: number };
  /** Requests in the node at once (busy + queued), highest over the shadow's windows. */
  readonly inFlight: number;
}

const value = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

/** Window of `node` containing production time t (the last one past the end). */
export function windowAt(windows: readonly ResultWindow[], t: number): ResultWindow | null {
  if (windows.length === 0) return null;
  return windows.find((w) => t >= w.start && t < w.end) ?? windows[windows.length - 1]!;
}

/** p-quantile (linear) of the values. */
function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

function productionReplicas(node: TwinNode, risk: ResultNode | undefined, state: StateSnapshot | null): { replicas: number; source: string } {
  const meanReplicas = value(risk?.figures['meanReplicas']?.mean);
  if (node.autoscale && meanReplicas !== null) {
    const r = Math.min(node.autoscale.max, Math.max(node.autoscale.min, Math.round(meanReplicas)));
    return { replicas: Math.max(1, r), source: `autoscaled: mean replicas ${meanReplicas.toFixed(2)} in the simulation` };
  }
  const s = state?.nodes[node.index];
  if (s) return { replicas: Math.max(1, s.replicasUp + s.starting), source: `state snapshot: ${s.replicasUp} up + ${s.starting} starting` };
  return { replicas: node.replicas, source: 'twin' };
}

export interface SizingInputs {
  readonly twin: Twin;
  readonly result: SimulationResult;
  readonly state: StateSnapshot | null;
  readonly mode: SizingMode;
  readonly utilizationTarget: number;
  readonly startAt: number;
  readonly duration: number;
  /** Sum over the scheduled entries of their peak rate (production requests/s). */
  readonly peakEntryRate: number;
  /** The same at the forecast's p95 when a forecast drives an entry; null otherwise. */
  readonly peakEntryRate95: number | null;
}

/** Figures of every node of the twin, in twin order. */
export function nodeFacts(inp: SizingInputs): NodeFacts[] {
  const { twin, result } = inp;
  const byId = new Map(result.summary.nodes.map((n) => [n.id, n]));
  const entryArrivals = result.summary.entries.reduce((s, e) => s + (value(e.arrivals.mean) ?? 0), 0);
  return twin.nodes.map((node): NodeFacts => {
    const risk = byId.get(node.id);
    const fig = (m: string) => value(risk?.figures[m]?.mean);
    const windows = result.windows.filter((w) => w.node === node.id);
    const arrivals = fig('arrivals');
    const visitRatio = entryArrivals > 0 && arrivals !== null ? arrivals / entryArrivals : 0;
    const peakRate = visitRatio * inp.peakEntryRate;
    const windowThroughput = windows.map((w) => value(w.figures.throughput.mean)).filter((x): x is number => x !== null);
    const load95 = inp.peakEntryRate95 !== null ? visitRatio * inp.peakEntryRate95 : Math.max(peakRate, quantile(windowThroughput, 0.95));

    const ownService = distributionFromSpec(node.service ?? PASS_THROUGH, `nodes[${node.index}].service`).mean;
    const util = fig('utilization'), thr = fig('throughput'), meanReplicas = fig('meanReplicas');
    const observedHeld = util !== null && thr !== null && thr > 0 ? (util * node.servers * (meanReplicas ?? node.replicas)) / thr : 0;
    const held = Math.max(ownService, observedHeld);

    const prod = productionReplicas(node, risk, inp.state);
    const needed = Math.ceil((load95 * held) / (node.servers * inp.utilizationTarget) - 1e-9);
    const replicas = inp.mode === 'remediate' ? Math.max(prod.replicas, needed) : prod.replicas;

    // Predicted state: the work in the node during the window that holds startAt.
    const w = windowAt(windows, inp.startAt);
    const busyProd = (value(w?.figures.utilization.mean) ?? 0) * node.servers * prod.replicas;
    const waiting = value(w?.figures.meanQueue.mean) ?? 0;
    const work = Math.round(busyProd + waiting);
    const capacity = node.servers * replicas;
    const room = node.queue === null ? Infinity : node.queue * replicas;
    // With more replicas (remediate), waiting work starts service: the same work, spread over the capacity.
    const busy = Math.min(capacity, inp.mode === 'remediate' ? work : Math.round(busyProd));
    const queued = Math.min(room, work - busy);

    const during = windows.filter((x) => x.end > inp.startAt && x.start < inp.startAt + inp.duration);
    const peakWork = during.reduce((m, x) => Math.max(m, (value(x.figures.utilization.mean) ?? 0) * node.servers * prod.replicas + (value(x.figures.meanQueue.mean) ?? 0)), 0);
    const inFlight = Math.min((node.servers + (node.queue ?? Infinity)) * replicas, Math.max(busy + queued, Math.ceil(peakWork)));

    return {
      id: node.id, visitRatio, peakRate, load95, ownService, held,
      replicasProduction: prod.replicas, replicasSource: prod.source, replicas,
      initial: { busy, queued }, inFlight,
    };
  });
}

/**
 * Default start: the start of the report window in which the critical nodes
 * are most loaded (sum over them of mean utilization + mean error rate; the
 * earliest on ties), or 0 with no critical node.
 */
export function defaultStartAt(result: SimulationResult, critical: readonly string[]): number {
  if (critical.length === 0) return 0;
  const set = new Set(critical);
  const score = new Map<number, { start: number; score: number }>();
  for (const w of result.windows) {
    if (!set.has(w.node)) continue;
    const s = score.get(w.window) ?? { start: w.start, score: 0 };
    s.score += (value(w.figures.utilization.mean) ?? 0) + (value(w.figures.errorRate.mean) ?? 0);
    score.set(w.window, s);
  }
  let best: { start: number; score: number } | null = null;
  for (const k of [...score.keys()].sort((a, b) => a - b)) {
    const s = score.get(k)!;
    if (best === null || s.score > best.score + 1e-12) best = s;
  }
  return best?.start ?? 0;
}
