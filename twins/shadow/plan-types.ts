/**
 * The shadow plan: which nodes of a twin become real processes, how they are
 * sized and started, and what traffic drives them. Produced by the pure
 * planner (twins/shadow/plan.ts) and consumed by the materialisers, the
 * emulator, the injector and `shadow compare` (runs/shadow/), so it is plain
 * JSON (plan.json, format SHADOW_PLAN_FORMAT, docs/shadow.md).
 *
 * Time dilation (DieCast, NSDI 2008): a shadow too small for production's load
 * runs k times slower. Every rate is divided by k and every time (service,
 * timeouts, backoff, SLO windows, traffic schedule) multiplied by k, so
 * utilization and queue lengths are those of production. Figures measured in
 * the shadow map back as: production latency = shadow latency / k,
 * production throughput = shadow throughput * k. Everything stored in the
 * plan is in PRODUCTION units (seconds, requests/s); the materialiser and the
 * injector apply k.
 */
import type { CallEdge, DistributionSpec } from '../definition/types.js';

export const SHADOW_PLAN_FORMAT = 'shadowcast-shadow-plan/1';

/** The source named by problems of the planner's options (flags, not a file): the commands map them back to their flags. */
export const PLAN_OPTIONS_SOURCE = 'shadow plan options';

export type NodeAction = 'duplicate' | 'stub' | 'omit';
export type SizingMode = 'reproduce' | 'remediate';
export type ShadowTarget = 'local' | 'kubernetes';

/** P(fail) of a node in the simulation result: share of replications, Wilson interval. */
export interface PFailInterval {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

/** One downstream call of an emulated node: the twin's CallEdge (its call semantics, production seconds) with the callee by id, not index. Calls to omitted nodes are removed by the planner, with a reason. */
export type PlannedCall = Omit<CallEdge, 'key' | 'to'> & { readonly to: string };

/** What the emulator process of one duplicated node is started with (production units). */
export interface EmulatorSpec {
  /** Replicas up at the shadow's start (the predicted state; `remediate` may raise it). */
  readonly replicas: number;
  /** Concurrent workers per replica. */
  readonly workersPerReplica: number;
  /** Waiting room per replica; null = unbounded. Beyond it the emulator answers 503. */
  readonly queuePerReplica: number | null;
  /** Own work per request. */
  readonly service: DistributionSpec;
  /** Fixed delay after service that holds no worker (links). */
  readonly delay: number;
  /** sleep: a worker waits the drawn time; burn: it spins the CPU for it. */
  readonly work: 'sleep' | 'burn';
  /** Sequential groups of parallel calls, as in the twin. */
  readonly callGroups: ReadonlyArray<{ readonly name: string; readonly calls: readonly PlannedCall[] }>;
  /** Work present at t0 (predicted state): busy workers and queued requests, totals over replicas. */
  readonly initial: { readonly busy: number; readonly queued: number };
  /** Resources to reserve (kubernetes requests/limits; local: budget accounting). */
  readonly cores: number;
  readonly memoryBytes: number;
}

/** What the stub process answers for one stubbed node: latency and errors of that node in the simulation result. */
export interface StubSpec {
  /** Pooled response-time quantiles of the node in the simulation (production seconds). */
  readonly latency: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Share of responses that are errors. */
  readonly errorRate: number;
}

export interface PlannedNode {
  readonly id: string;
  readonly action: NodeAction;
  /** Why: the P(fail) interval against θ, "callee of X", "on the entry path of E", "budget: dropped", ... */
  readonly reasons: readonly string[];
  readonly pFail: PFailInterval | null;
  readonly emulator: EmulatorSpec | null;
  readonly stub: StubSpec | null;
}

/** Traffic for one entry of the twin, in production time from the shadow's start. */
export interface TrafficSchedule {
  readonly entry: string;
  /** Node the entry's requests arrive at (a duplicated or stubbed node). */
  readonly node: string;
  /** Where the rates come from. */
  readonly source:
    | { readonly kind: 'constant' }
    | { readonly kind: 'profile'; readonly file: string }
    | { readonly kind: 'forecast-path'; readonly series: string; readonly path: number }
    | { readonly kind: 'forecast-quantile'; readonly series: string; readonly quantile: number };
  /** Step of `rates`, production seconds. */
  readonly step: number;
  /** Production requests/s for each step from the shadow's start (the last one holds after the end). */
  readonly rates: readonly number[];
  readonly process: 'poisson' | 'deterministic';
}

export interface ShadowPlan {
  readonly format: typeof SHADOW_PLAN_FORMAT;
  readonly createdAt: string;
  readonly target: ShadowTarget;
  /** allowOutsidePaths: set when the plan was made with --allow-outside-paths (the twin names files outside its folder); later loads of the twin then allow it too. */
  readonly twin: { readonly name: string; readonly source: string; readonly hash: string; readonly allowOutsidePaths?: boolean };
  readonly result: { readonly dir: string; readonly replications: number; readonly horizon: number; readonly seed: number | string };
  /** Forecast folder the traffic of forecast-driven entries came from (`shadow inject --path/--quantile` re-reads it); null = none. */
  readonly forecast: string | null;
  readonly fidelity: {
    /** In [0, 1]. */
    readonly value: number;
    /** P(fail) upper bound at or above which a node is critical: θ(f). */
    readonly threshold: number;
    /** Neighbourhood depth of the support set: d(f). */
    readonly depth: number;
    /** Set when the value came from the fidelity controller. */
    readonly auto: { readonly reason: string } | null;
  };
  readonly mode: SizingMode;
  readonly budget: { readonly processes: number; readonly cores: number; readonly memoryBytes: number };
  /** Time-dilation factor k >= 1 and why it was chosen. */
  readonly dilation: { readonly k: number; readonly reason: string };
  /** Production seconds from the simulation's start at which the shadow starts (its predicted state is taken there). */
  readonly startAt: number;
  /** Production seconds the traffic lasts (shadow seconds = duration * k). */
  readonly duration: number;
  readonly nodes: readonly PlannedNode[];
  readonly traffic: readonly TrafficSchedule[];
  /** Critical nodes that did not fit the budget (named; the plan is partial when non-empty). */
  readonly dropped: readonly string[];
  /** Support nodes (not critical) the budget removed, lowest risk first; the plan still covers the critical set. */
  readonly trimmed: readonly string[];
  /** Things a reader should know: the result matched by node ids only (no twin hash), entries whose fixed paths are not emulated, a partial plan. */
  readonly warnings: readonly string[];
  readonly cost: {
    readonly processes: number;
    readonly cores: number;
    readonly memoryBytes: number;
    /** Wall-clock seconds the shadow runs: duration * k. */
    readonly shadowSeconds: number;
    /** Requests the injector sends in all (expected). */
    readonly requests: number;
  };
}
