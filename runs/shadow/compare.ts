/**
 * `shadow compare`: reads what the injector measured (DIR/inject.json),
 * predicts the same figures with the twin, and writes DIR/compare.json.
 *
 * The prediction is a short in-process simulation of the twin at the load the
 * shadow actually received, not the figures of the original simulation result
 * (which were made at the forecast's load over its whole horizon):
 * - entries: exactly the plan's traffic schedules (production rates, step
 *   profile, same arrival process); entries without traffic are removed;
 * - horizon: the injected window in production seconds (window / k), no warm-up;
 * - duplicated nodes: configured as the shadow runs them (replicas, workers per
 *   replica, queue from the plan, which may differ from the twin in
 *   `remediate` mode), no autoscaler for a local shadow (its emulators do not
 *   scale), started with the plan's predicted initial work (busy, queued);
 * - figures per node, means over replications: throughput, utilization,
 *   meanLatency; pooled p50 and p95.
 * The shadow's figures are mapped back to production units by the injector
 * (rates × k, latencies / k), so both sides are in production units.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simulateChunk } from '../../twins/flow/simulate.js';
import { assessRisk } from '../../twins/risk.js';
import type { Twin, TwinEntry, TwinNode } from '../../twins/definition/types.js';
import type { NodeState, StateSnapshot } from '../../twins/state.js';
import type { ShadowPlan } from '../../twins/shadow/plan-types.js';
import { compareShadow, comparisonTable, type ComparedFigure, type MeasuredNode, type PredictedNode, type ShadowComparison } from '../../twins/shadow/compare.js';
import { writeFileAtomically } from '../report/atomic-file.js';
import { INJECT_FILE, INJECT_FORMAT, type InjectReport } from './inject.js';

export const COMPARE_FILE = 'compare.json';

export interface PredictionOptions {
  /** Production seconds to simulate (the injected window / k). */
  readonly horizon: number;
  readonly replications: number;
  readonly seed: number | string;
}

/** The twin as the shadow runs it: the plan's traffic on the entries, duplicated nodes sized as in the plan. */
export function twinAsShadowed(twin: Twin, plan: ShadowPlan): { twin: Twin; state: StateSnapshot } {
  const traffic = new Map(plan.traffic.map((t) => [t.entry, t]));
  for (const t of plan.traffic) if (!twin.entries.some((e) => e.id === t.entry)) throw new Error(`plan traffic names entry ${t.entry}, which twin ${twin.name} does not have`);
  const entries: TwinEntry[] = twin.entries.filter((e) => traffic.has(e.id)).map((e) => {
    const t = traffic.get(e.id)!;
    return {
      ...e,
      process: t.process,
      arrival: { kind: 'profile', file: `shadow plan traffic for ${e.id}`, times: Float64Array.from(t.rates, (_, i) => i * t.step), rates: Float64Array.from(t.rates), interpolation: 'step', scale: 1 },
    };
  });
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const states: (NodeState | null)[] = twin.nodes.map(() => null);
  const nodes: TwinNode[] = twin.nodes.map((node) => {
    const e = byId.get(node.id)?.emulator;
    if (!e || byId.get(node.id)!.action !== 'duplicate') return node;
    const replicas = e.replicas, servers = e.workersPerReplica;
    // The initial work, spread over replicas as evenly as whole requests allow, within each replica's workers and queue.
    const spread = (total: number, cap: number | null) => Int32Array.from({ length: replicas }, (_, r) => {
      const share = Math.floor(total / replicas) + (r < total % replicas ? 1 : 0);
      return cap === null ? share : Math.min(cap, share);
    });
    states[node.index] = { replicasUp: replicas, starting: 0, busy: spread(e.initial.busy, servers), queue: spread(e.initial.queued, e.queuePerReplica), memory: null };
    return { ...node, replicas, servers, queue: e.queuePerReplica, autoscale: plan.target === 'local' ? null : node.autoscale };
  });
  return {
    twin: { ...twin, nodes, entries },
    state: { takenAt: 'shadow plan', nodes: states },
  };
}

/** The twin's figures for every node at the shadow's load (production units). */
export function predictAtShadowLoad(twin: Twin, plan: ShadowPlan, o: PredictionOptions): Map<string, PredictedNode> {
  if (!(o.horizon > 0)) throw new RangeError(`prediction horizon must be > 0 s, got ${o.horizon}`);
  const shadowed = twinAsShadowed(twin, plan);
  const chunk = simulateChunk(shadowed.twin, { horizon: o.horizon, reportWindow: o.horizon, seed: o.seed, state: shadowed.state }, 0, o.replications);
  const risk = assessRisk(chunk);
  return new Map(risk.nodes.map((n) => [n.id, {
    id: n.id,
    throughput: n.figures.throughput.mean,
    utilization: n.figures.utilization.mean,
    meanLatency: n.figures.meanLatency.mean,
    p50: n.latency.p50,
    p95: n.latency.p95,
  }]));
}

export async function readInjectReport(dir: string): Promise<InjectReport> {
  const file = join(dir, INJECT_FILE);
  const data = JSON.parse(await readFile(file, 'utf8')) as InjectReport;
  if (data.format !== INJECT_FORMAT) throw new Error(`${file}: expected format ${INJECT_FORMAT}, got ${String(data.format)}`);
  return data;
}

export interface CompareOptions {
  /** Holds inject.json; compare.json is written here. */
  readonly dir: string;
  readonly plan: ShadowPlan;
  /** The plan's twin (the caller checks its content hash against plan.twin.hash). */
  readonly twin: Twin;
  /** Replications of the prediction (default 20). */
  readonly replications?: number;
  /** Seed of the prediction (default: the plan's simulation seed). */
  readonly seed?: number | string;
  readonly tolerances?: Partial<Record<ComparedFigure, number>>;
}

export interface CompareResult {
  readonly comparison: ShadowComparison;
  readonly table: string;
  readonly file: string;
}

export async function compareShadowRun(o: CompareOptions): Promise<CompareResult> {
  const report = await readInjectReport(o.dir);
  if (report.k !== o.plan.dilation.k) throw new Error(`${join(o.dir, INJECT_FILE)} was injected at k = ${report.k}, the plan says k = ${o.plan.dilation.k}`);
  const duplicated = o.plan.nodes.filter((n) => n.action === 'duplicate' && n.emulator);
  const predicted = predictAtShadowLoad(o.twin, o.plan, { horizon: report.windowSeconds / report.k, replications: o.replications ?? 20, seed: o.seed ?? o.plan.result.seed });
  const measured = new Map<string, MeasuredNode>(Object.entries(report.nodes));
  const comparison = compareShadow({
    k: report.k,
    nodes: duplicated.map((n) => ({ id: n.id, workers: n.emulator!.replicas * n.emulator!.workersPerReplica })),
    measured, predicted, ...(o.tolerances ? { tolerances: o.tolerances } : {}),
  });
  const file = await writeFileAtomically(join(o.dir, COMPARE_FILE), JSON.stringify(comparison, null, 1) + '\n');
  return { comparison, table: comparisonTable(comparison), file };
}
