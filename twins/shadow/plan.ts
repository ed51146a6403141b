/**
 * The shadow planner: from a twin, its simulation result, an optional
 * forecast and state snapshot, a fidelity and a budget, the ShadowPlan
 * (plan-types.ts, docs/shadow.md). Pure: the same inputs give the same plan.
 */
import { join } from 'node:path';
import { TwinSpecError } from '../definition/errors.js';
import { buildTwinGraph } from '../definition/graph.js';
import type { Twin } from '../definition/types.js';
import type { StateSnapshot } from '../state.js';
import { chooseDilation, coresAt, EMULATOR_REQUESTS_PER_CORE, fits, footprint, type Budget, type EntryLoad, type Footprint, type StubLoad } from './budget.js';
import { PLAN_OPTIONS_SOURCE, SHADOW_PLAN_FORMAT, type EmulatorSpec, type PFailInterval, type PlannedCall, type PlannedNode, type ShadowPlan, type ShadowTarget, type SizingMode, type TrafficSchedule } from './plan-types.js';
import type { SimulationResult, SimulationSummary } from './result.js';
import { selectNodes, type Selection } from './select.js';
import { defaultStartAt, nodeFacts, PASS_THROUGH, UTILIZATION_TARGET, type NodeFacts } from './sizing.js';
import { schedulePeak, scheduleRequests, trafficSchedules, type ForecastInput, type TrafficChoice } from './traffic.js';
import { twinContentHash } from '../definition/content-hash.js';

/** Forecast quantile that drives forecast entries when neither a path nor a quantile is asked (both modes: see docs/shadow.md). */
export const DEFAULT_TRAFFIC_QUANTILE = 0.95;

export interface PlanInputs {
  readonly twin: Twin;
  readonly result: SimulationResult;
  readonly forecast?: ForecastInput | null;
  readonly state?: StateSnapshot | null;
  /** f in [0, 1]. */
  readonly fidelity: number;
  /** Set when the fidelity came from the controller (fidelity.ts adjustFidelity). */
  readonly fidelityAuto?: { readonly reason: string } | null;
  readonly budget: Budget;
  readonly mode: SizingMode;
  readonly target?: ShadowTarget;
  /** Production seconds into the simulated horizon; default: defaultStartAt. */
  readonly startAt?: number | null;
  /** Production seconds of traffic; default: one report window of the result. */
  readonly duration?: number | null;
  /** Forecast path or quantile for forecast entries; default: quantile DEFAULT_TRAFFIC_QUANTILE. */
  readonly traffic?: TrafficChoice | null;
  readonly work?: 'sleep' | 'burn';
  /** The twin was loaded with --allow-outside-paths: recorded in the plan, so the commands that reload it from the plan may too. */
  readonly allowOutsidePaths?: boolean;
  /** Utilization `remediate` sizes for; default UTILIZATION_TARGET. */
  readonly utilizationTarget?: number;
  /** ISO-8601 time written into the plan (passed in: the planner reads no clock). */
  readonly createdAt: string;
}

const OPTIONS = PLAN_OPTIONS_SOURCE;

function checkOptions(inp: PlanInputs): void {
  const bad: { path: string; message: string }[] = [];
  const f = inp.fidelity;
  if (!(Number.isFinite(f) && f >= 0 && f <= 1)) bad.push({ path: 'fidelity', message: `expected a number in [0, 1], got ${f}` });
  const b = inp.budget;
  if (!(Number.isInteger(b.processes) && b.processes >= 1)) bad.push({ path: 'budget.processes', message: `expected an integer >= 1, got ${b.processes}` });
  if (!(Number.isFinite(b.cores) && b.cores > 0)) bad.push({ path: 'budget.cores', message: `expected a number of cores > 0, got ${b.cores}` });
  if (!(Number.isFinite(b.memoryBytes) && b.memoryBytes > 0)) bad.push({ path: 'budget.memory', message: `expected bytes > 0, got ${b.memoryBytes}` });
  const horizon = inp.result.summary.run.horizon;
  if (inp.startAt !== undefined && inp.startAt !== null && !(Number.isFinite(inp.startAt) && inp.startAt >= 0 && inp.startAt < horizon)) {
    bad.push({ path: 'startAt', message: `expected production seconds in [0, ${horizon}) (the simulated horizon), got ${inp.startAt}` });
  }
  if (inp.duration !== undefined && inp.duration !== null && !(Number.isFinite(inp.duration) && inp.duration > 0)) bad.push({ path: 'duration', message: `expected seconds > 0, got ${inp.duration}` });
  const u = inp.utilizationTarget;
  if (u !== undefined && !(u > 0 && u <= 1)) bad.push({ path: 'utilizationTarget', message: `expected a number in (0, 1], got ${u}` });
  if (bad.length > 0) throw new TwinSpecError(OPTIONS, bad);
}

/**
 * Refuses a result simulated from another twin: by content hash when the
 * summary has one, else by node ids (and says the hash was absent).
 * Returns the warnings to carry in the plan.
 */
export function checkResultTwin(twin: Twin, summary: SimulationSummary, summaryFile: string, hash: string = twinContentHash(twin)): string[] {
  if (summary.run.twinHash !== null) {
    if (summary.run.twinHash !== hash && summary.run.scenario !== null) {
      // The hash is the scenario's variant: say that, and how to get a result of the twin itself (or a twin of the variant).
      throw new TwinSpecError(summaryFile, [{ path: 'run.scenario', message: `the result was simulated with scenario ${summary.run.scenario} applied to the twin, not from ${twin.source} as it is: simulate the twin without --scenario, or write the scenario's changes into a twin file and use that` }]);
    }
    if (summary.run.twinHash !== hash) {
      throw new TwinSpecError(summaryFile, [{ path: 'run.twinHash', message: `the result was simulated from another twin (hash ${summary.run.twinHash.slice(0, 12)}…, twin ${twin.name} ${twin.source} has ${hash.slice(0, 12)}…): simulate this twin again` }]);
    }
    return [];
  }
  const twinIds = twin.nodes.map((n) => n.id);
  const resultIds = summary.nodes.map((n) => n.id);
  const extra = resultIds.filter((id) => !twin.indexOf.has(id));
  const missing = twinIds.filter((id) => !resultIds.includes(id));
  if (extra.length > 0 || missing.length > 0) {
    const parts = [extra.length ? `nodes not in the twin: ${extra.join(', ')}` : '', missing.length ? `twin nodes missing: ${missing.join(', ')}` : ''].filter(Boolean);
    throw new TwinSpecError(summaryFile, [{ path: 'nodes', message: `the result was simulated from another twin (${parts.join('; ')}); run.twinHash is absent, so only node ids could be compared` }]);
  }
  return [`${summaryFile}: run.twinHash is absent; the result was matched to the twin by node ids only (same ids, content not checked)`];
}

function plannedCalls(twin: Twin, id: string): EmulatorSpec['callGroups'] {
  const node = twin.nodes[twin.indexOf.get(id)!]!;
  return node.callGroups.map((g) => ({
    name: g.name,
    calls: g.calls.map((c): PlannedCall => ({
      to: twin.nodes[c.to]!.id, mode: c.mode, meanCalls: c.meanCalls, count: c.count, fanout: c.fanout, optional: c.optional, timeout: c.timeout, retries: c.retries,
    })),
  }));
}

interface Trial {
  readonly selection: Selection;
  readonly stubs: StubLoad[];
  readonly footprint: Footprint;
}

export function planShadow(inp: PlanInputs): ShadowPlan {
  checkOptions(inp);
  const { twin, result } = inp;
  const summary = result.summary;
  const summaryFile = join(result.dir, 'summary.json');
  const hash = twinContentHash(twin);
  const warnings = checkResultTwin(twin, summary, summaryFile, hash);
  const f = inp.fidelity;
  const work = inp.work ?? 'sleep';
  const g = buildTwinGraph(twin);
  const risk = new Map(summary.nodes.map((n) => [n.id, n]));
  const pFail = new Map<string, PFailInterval>(summary.nodes.map((n) => [n.id, n.pFail]));

  const unconstrained = selectNodes(twin, pFail, f, new Set(), g);
  const startAt = inp.startAt ?? defaultStartAt(result, unconstrained.critical);
  const duration = inp.duration ?? summary.run.windowSeconds;
  const choice = inp.traffic ?? { kind: 'quantile', quantile: DEFAULT_TRAFFIC_QUANTILE };
  const forecast = inp.forecast ?? null;

  // Schedules for every entry; which ones run depends on the selection (an entry whose node is omitted sends nothing).
  const allIds = new Set(twin.nodes.map((n) => n.id));
  const allSchedules = trafficSchedules(twin, allIds, startAt, duration, forecast, choice);
  const hasForecastEntry = twin.entries.some((e) => e.arrival.kind === 'forecast');
  const schedules95 = hasForecastEntry && forecast ? trafficSchedules(twin, allIds, startAt, duration, forecast, { kind: 'quantile', quantile: 0.95 }) : null;

  const entryRisk = new Map(summary.entries.map((e) => [e.id, e]));
  const evaluate = (excluded: ReadonlySet<string>): Trial & { schedules: TrafficSchedule[]; facts: Map<string, NodeFacts> } => {
    const selection = selectNodes(twin, pFail, f, excluded, g);
    const present = new Set([...selection.action].filter(([, a]) => a !== 'omit').map(([id]) => id));
    const schedules = allSchedules.filter((s) => present.has(s.node));
    const peak = schedules.reduce((s, x) => s + schedulePeak(x), 0);
    const peak95 = schedules95 ? schedules95.filter((s) => present.has(s.node)).reduce((s, x) => s + schedulePeak(x), 0) : null;
    const facts = new Map(nodeFacts({
      twin, result, state: inp.state ?? null, mode: inp.mode, utilizationTarget: inp.utilizationTarget ?? UTILIZATION_TARGET,
      startAt, duration, peakEntryRate: peak, peakEntryRate95: peak95,
    }).map((x) => [x.id, x]));
    const stubs: StubLoad[] = twin.nodes
      .filter((n) => selection.action.get(n.id) === 'stub')
      .map((n) => ({ id: n.id, latencyP95: risk.get(n.id)?.latency.p95 ?? facts.get(n.id)!.ownService }));
    const entries: EntryLoad[] = schedules.map((s) => ({ peak: schedulePeak(s), latencyP99: entryRisk.get(s.entry)?.latency.p99 ?? null }));
    return { selection, stubs, footprint: footprint(twin, selection.action, facts, stubs, entries, work), schedules, facts };
  };

  // Drop the lowest-risk critical or support node until processes and memory fit.
  const order = twin.nodes
    .filter((n) => unconstrained.critical.includes(n.id) || unconstrained.support.includes(n.id))
    .sort((a, b) => {
      const pa = pFail.get(a.id)!, pb = pFail.get(b.id)!;
      return pa.hi - pb.hi || pa.mean - pb.mean || b.index - a.index;
    })
    .map((n) => n.id);
  const excluded = new Set<string>();
  let trial = evaluate(excluded);
  for (const id of order) {
    if (fits(trial.footprint, inp.budget)) break;
    excluded.add(id);
    trial = evaluate(excluded);
  }
  const { selection, footprint: fp, schedules, facts } = trial;
  const dilation = fp.processes === 0 ? { k: 1, reason: 'k = 1: nothing to run' } : chooseDilation(fp, inp.budget, f);
  const k = dilation.k;

  const nodes = twin.nodes.map((n): PlannedNode => {
    const action = selection.action.get(n.id)!;
    const fact = facts.get(n.id)!;
    const r = risk.get(n.id);
    const reasons = [...selection.reasons.get(n.id)!];
    let emulator: EmulatorSpec | null = null;
    if (action === 'duplicate') {
      reasons.push(`replicas ${fact.replicas} (${inp.mode === 'remediate' && fact.replicas > fact.replicasProduction ? `remediate: p95 load ${fact.load95.toFixed(1)} req/s × held ${(fact.held * 1000).toFixed(2)} ms at utilization ${inp.utilizationTarget ?? UTILIZATION_TARGET}; production ${fact.replicasProduction}, ` : ''}${fact.replicasSource})`);
      emulator = {
        replicas: fact.replicas,
        workersPerReplica: n.servers,
        queuePerReplica: n.queue,
        service: n.service ?? PASS_THROUGH,
        delay: n.delay,
        work,
        callGroups: plannedCalls(twin, n.id),
        initial: fact.initial,
        cores: (fact.peakRate / EMULATOR_REQUESTS_PER_CORE + (work === 'burn' ? fact.peakRate * fact.ownService : 0)) / k,
        memoryBytes: fp.nodeMemory.get(n.id)!,
      };
    }
    const stub = action === 'stub'
      ? {
          latency: { p50: r?.latency.p50 ?? fact.ownService, p95: r?.latency.p95 ?? fact.ownService, p99: r?.latency.p99 ?? fact.ownService },
          errorRate: Math.min(1, Math.max(0, r?.figures['errorRate']?.mean ?? 0)),
        }
      : null;
    return { id: n.id, action, reasons, pFail: pFail.get(n.id) ?? null, emulator, stub };
  });

  const critical = new Set(unconstrained.critical);
  const dropped = selection.excluded.filter((id) => critical.has(id));
  const trimmed = selection.excluded.filter((id) => !critical.has(id));
  if (dropped.length > 0) warnings.push(`budget too small for the critical set: dropped ${dropped.join(', ')} (lowest risk first; the plan is partial)`);
  for (const e of twin.entries) {
    if (e.paths !== null && schedules.some((s) => s.entry === e.id)) warnings.push(`entry ${e.id} has fixed paths: the emulators follow calls only, so its path routing is not reproduced`);
  }
  if (fp.processes === 0 && dropped.length === 0) warnings.push(`no node has a P(fail) upper bound >= θ(${f}) = ${selection.threshold.toPrecision(3)}: nothing to duplicate`);

  return {
    format: SHADOW_PLAN_FORMAT,
    createdAt: inp.createdAt,
    target: inp.target ?? 'local',
    twin: { name: twin.name, source: twin.source, hash, ...(inp.allowOutsidePaths ? { allowOutsidePaths: true } : {}) },
    result: { dir: result.dir, replications: summary.run.replications, horizon: summary.run.horizon, seed: summary.run.seed },
    forecast: forecast?.source ?? null,
    fidelity: { value: f, threshold: selection.threshold, depth: selection.depth, auto: inp.fidelityAuto ?? null },
    mode: inp.mode,
    budget: { processes: inp.budget.processes, cores: inp.budget.cores, memoryBytes: inp.budget.memoryBytes },
    dilation,
    startAt,
    duration,
    nodes,
    traffic: schedules,
    dropped,
    trimmed,
    warnings,
    cost: {
      processes: fp.processes,
      cores: coresAt(fp, k),
      memoryBytes: fp.memoryBytes,
      shadowSeconds: duration * k,
      requests: schedules.reduce((s, x) => s + scheduleRequests(x, duration), 0),
    },
  };
}

/** Every node the budget removed from the duplicate set (critical and support): what the fidelity controller names. */
export function removedByBudget(plan: ShadowPlan): string[] {
  return [...plan.dropped, ...plan.trimmed];
}

/** Largest share of the budget the plan uses (processes, cores, memory). */
export function budgetUse(plan: ShadowPlan): number {
  const b = plan.budget, c = plan.cost;
  return Math.max(c.processes / b.processes, c.cores / b.cores, c.memoryBytes / b.memoryBytes);
}
