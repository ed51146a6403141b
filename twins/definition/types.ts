/**
 * The normalized twin: what the simulator consumes. Produced only by
 * `twinFromObject` / `loadTwinFile` (twins/definition/load.ts) and the importers,
 * after schema and semantic validation, so every number here is finite and in
 * range, every reference is resolved to an integer node index, and every
 * object is frozen.
 *
 * Units everywhere: seconds, requests (or packets) per second, bytes.
 */

export type NodeKind = 'service' | 'database' | 'cache' | 'gateway' | 'router' | 'link';
export const NODE_KINDS: readonly NodeKind[] = ['service', 'database', 'cache', 'gateway', 'router', 'link'];

/**
 * A service-time distribution, in seconds, exactly as the engine's
 * `distributionFromSpec(spec, path)` takes it. Durations written as strings in
 * the twin file ("4ms") are already converted to seconds here.
 * `normal` is truncated at 0 by the engine when used for service times.
 */
export type DistributionSpec =
  | { readonly type: 'exponential'; readonly mean: number }
  | { readonly type: 'deterministic'; readonly value: number }
  | { readonly type: 'uniform'; readonly min: number; readonly max: number }
  | { readonly type: 'normal'; readonly mean: number; readonly sd: number }
  | { readonly type: 'lognormal'; readonly mean: number; readonly cv: number }
  | { readonly type: 'lognormal'; readonly p50: number; readonly p99: number }
  | { readonly type: 'gamma'; readonly shape: number; readonly scale: number }
  | { readonly type: 'gamma'; readonly mean: number; readonly cv: number }
  | { readonly type: 'empirical'; readonly values: readonly number[] };

export type DistributionType = DistributionSpec['type'];

/** Retries a caller makes after a failed or timed-out call (or a client after a failed request). */
export interface RetryPolicy {
  /** Extra attempts after the first (0 = no retry). */
  readonly max: number;
  /** Base backoff before retry k (k = 1..max): backoff * 2^(k-1), seconds. */
  readonly backoff: number;
  /** Relative jitter in [0, 1]: the delay is multiplied by U(1 - jitter, 1 + jitter). */
  readonly jitter: number;
}

/** Replica crashes: time to failure ~ Exp(mean mtbf), restart takes ~ Exp(mean mttr), per replica. */
export interface FailureModel {
  readonly mtbf: number;
  readonly mttr: number;
}

/** Per-replica resources. Memory above `memLimit` is an OOM crash of that replica. */
export interface Resources {
  /** CPU cores per replica. */
  readonly cores: number;
  /** CPU seconds (core-seconds) one request consumes. */
  readonly cpuPerRequest: number;
  /** Resident memory of an idle replica, bytes. */
  readonly memBase: number;
  /** Extra memory per request in flight on the replica (in service or queued), bytes. */
  readonly memPerInFlight: number;
  /** OOM limit per replica, bytes (> memBase). */
  readonly memLimit: number;
}

/** HPA-like controller: every `period` s, desired = ceil(replicas * utilization / target), clamped to [min, max]; new replicas serve after `startup` s. */
export interface Autoscale {
  /** Target worker utilization in (0, 1]. */
  readonly target: number;
  readonly min: number;
  readonly max: number;
  readonly period: number;
  readonly startup: number;
}

/**
 * Failure conditions of a node: it *fails* in a replication when any declared
 * condition holds over one of its SLO windows: consecutive windows of `window`
 * seconds from time 0 (docs/simulation.md). Absent fields are not checked.
 */
export interface Slo {
  /** p99 response time (seconds) above this is a breach. */
  readonly p99: number | null;
  /** Share of responses that are errors (dropped, timed out, failed) above this, in [0, 1]. */
  readonly errorRate: number | null;
  /** Worker utilization above this, in (0, 1]. */
  readonly utilization: number | null;
  readonly window: number;
}

/**
 * Mitigation mechanisms. None is a twin-file field: scenario deltas set them
 * (twins/scenario, docs/simulation.md "Mitigation mechanisms"), and a twin
 * without them has no such key at all, so its content hash is unchanged.
 * `at` is the simulated second the mechanism switches on (0 = from the start).
 */

/** Token-bucket admission at an entry: `rate` tokens/s up to `burst`; an arrival finding < 1 token is shed. */
export interface RateLimit {
  readonly rate: number;
  readonly burst: number;
  readonly at: number;
}

/** The node's optional calls are not made, for a share `probability` of its requests (per request and call edge). */
export interface OptionalShedding {
  readonly probability: number;
  readonly at: number;
}

/**
 * A circuit breaker on a call edge, one per edge (shared by the caller node's
 * replicas): it opens when, over the last `window` s, at least `minCalls`
 * attempts finished and a share >= `failureRatio` failed; open, attempts fail
 * fast for `openFor` s; then one trial attempt decides (success closes it).
 */
export interface CircuitBreaker {
  readonly failureRatio: number;
  readonly window: number;
  readonly minCalls: number;
  readonly openFor: number;
  readonly at: number;
}

/** A scheduled change of the node's replica count at `at` s (new replicas serve at once; excess ones drain). */
export interface ScaleChange {
  readonly at: number;
  readonly replicas: number;
}

/** After service a job moves to `to` with `probability` (Jackson routing); 1 - sum leaves the system. */
export interface RouteEdge {
  /** Stable key `${from}->${to}#${k}` (k = index among edges with the same endpoints, file order). */
  readonly key: string;
  readonly to: number;
  readonly probability: number;
  /** Cumulative probability up to and including this edge, in node route order; draw u ~ U(0,1), take the first edge with u < cumulative, none = leave. */
  readonly cumulative: number;
}

/**
 * An RPC from the node's worker to `to`. The number of calls per request is
 * floor(meanCalls) + Bernoulli(frac(meanCalls)) when `count` is 'rounded'
 * (a probability p is meanCalls = p <= 1), Poisson(meanCalls) when 'poisson'.
 */
export interface CallEdge {
  readonly key: string;
  readonly to: number;
  /** sync: the caller's worker is held until the reply (or timeout); async: fire and forget. */
  readonly mode: 'sync' | 'async';
  readonly meanCalls: number;
  readonly count: 'rounded' | 'poisson';
  /** When one request makes several calls on this edge: one after the other, or all at once. */
  readonly fanout: 'sequential' | 'parallel';
  /** Failure or timeout of an optional call does not make the caller's response an error. */
  readonly optional: boolean;
  /** Caller-side deadline of one attempt (edge's own, else the callee's node timeout), seconds; null = none. */
  readonly timeout: number | null;
  /** Caller-side retries (edge's own, else the callee's node retries); null = none. */
  readonly retries: RetryPolicy | null;
  /** Set by a scenario's circuitBreaker delta; absent = none. */
  readonly circuitBreaker?: CircuitBreaker;
}

/** Calls of one group run in parallel; the node's groups run one after the other, in order. */
export interface CallGroup {
  readonly name: string;
  readonly calls: readonly CallEdge[];
}

export interface TwinNode {
  /** Position in `Twin.nodes` (stable: order of the file / importer). */
  readonly index: number;
  readonly id: string;
  readonly kind: NodeKind;
  /** Replicas at start (before any state snapshot or autoscaling). */
  readonly replicas: number;
  /** Concurrent workers per replica. */
  readonly servers: number;
  /** Waiting-room capacity per replica; null = unbounded. A request arriving to a full queue is dropped with an error. */
  readonly queue: number | null;
  /** Own (exclusive) work per request, seconds; null = pass-through (routers only: no station, zero time). */
  readonly service: DistributionSpec | null;
  /** Fixed latency added after service without holding a worker (links: propagation delay), seconds. */
  readonly delay: number;
  /** Default caller-side deadline for requests to this node (entries and calls), seconds; null = none. */
  readonly timeout: number | null;
  /** Default caller-side retries for requests to this node; null = none. */
  readonly retries: RetryPolicy | null;
  readonly failure: FailureModel | null;
  readonly resources: Resources | null;
  readonly autoscale: Autoscale | null;
  readonly slo: Slo | null;
  /** Probabilistic routing after service, in file order, with cumulative probabilities. */
  readonly routes: readonly RouteEdge[];
  /** Sum of route probabilities (<= 1); 1 - routeTotal is the probability of leaving. */
  readonly routeTotal: number;
  /** Call groups in the order they run (sync and async calls alike). */
  readonly callGroups: readonly CallGroup[];
  /** Set by a scenario's shedOptional delta; absent = every optional call is made. */
  readonly shedOptional?: OptionalShedding;
  /** Replica-count changes in time order, set by scenario `replicas` deltas with `at` > 0; absent = none. */
  readonly scaleChanges?: readonly ScaleChange[];
  /** Free-form metadata (labels, coordinates, capacities from importers). Not used by the simulator. */
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

/** Where the arrival rate of an entry comes from. */
export type ArrivalSpec =
  | { readonly kind: 'constant'; readonly rate: number }
  | {
      readonly kind: 'profile';
      /** File the profile came from (for messages). */
      readonly file: string;
      /** Seconds from the start of the simulation, strictly increasing, first >= 0. */
      readonly times: Float64Array;
      /** Requests/s at each time (finite, >= 0). */
      readonly rates: Float64Array;
      /** step: rate holds until the next point; linear: interpolated. Before the first point: first rate; after the last: last rate. */
      readonly interpolation: 'step' | 'linear';
      /** Multiplier applied to every rate. */
      readonly scale: number;
    }
  | {
      readonly kind: 'forecast';
      /** Forecast series (models/forecast.ts): replication i is driven by sample path i of (node, metric). */
      readonly node: string;
      readonly metric: string;
      readonly scale: number;
    };

/** A fixed path (a flow class): its jobs visit `nodes` in order and ignore route edges. */
export interface FlowPath {
  readonly id: string;
  /** Node indices, first = the entry node. */
  readonly nodes: Int32Array;
  readonly probability: number;
  readonly cumulative: number;
}

export interface TwinEntry {
  /** Stable id: the file's `id`, else `${node}#${k}`. */
  readonly id: string;
  readonly node: number;
  readonly arrival: ArrivalSpec;
  /** poisson: exponential gaps at the current rate (non-homogeneous when the rate varies); deterministic: gaps 1/rate. */
  readonly process: 'poisson' | 'deterministic';
  /** null: jobs follow the entry node's route and call edges. Otherwise each job picks one path (u < cumulative). */
  readonly paths: readonly FlowPath[] | null;
  /** Set by a scenario's rateLimit delta; absent = every arrival is admitted. */
  readonly rateLimit?: RateLimit;
}

/** One link direction of a routed network; `metric` and `down` are present only when set (so a twin without them hashes as before). */
export interface NetworkLinkSpec {
  readonly station: string;
  readonly from: string;
  readonly to: string;
  /** IGP metric (> 0) replacing the routing rule's weight for this direction. */
  readonly metric?: number;
  /** The direction is out: no route uses it (its station stays, idle). */
  readonly down?: true;
}

/** A routed network's rules as read (docs/twin-spec.md, "Routed networks"); matrix traffic is held as its rows. */
export interface NetworkSpec {
  readonly metric: 'delay' | 'hops';
  readonly ecmp: boolean;
  readonly parallel: 'split' | 'best';
  /** Link directions: station, from router, to router (node ids). */
  readonly links: readonly NetworkLinkSpec[];
  readonly traffic:
    | { readonly kind: 'gravity'; readonly weights: 'uniform' | 'degree' | Readonly<Record<string, number>> }
    | { readonly kind: 'rows'; readonly rows: readonly (readonly [string, string, number])[] };
}

/**
 * Forwarding and destination tables of a routed network, built when the twin
 * is read (twins/network/build.ts). Routers are numbered 0..R-1 in node order.
 * A packet at router u bound for router d takes choice set
 * nextHop[d * R + u] (-1: no route, or u = d); a set lists link stations with
 * cumulative shares (draw u ~ U(0,1), first with u < cumulative). A packet
 * leaving a link station goes on to linkTo[station]. An origin's destination is
 * drawn from destNode/destCum between destStart[o] and destStart[o + 1].
 */
export interface NetworkRouting {
  readonly spec: NetworkSpec;
  /** Node index of router r. */
  readonly routers: Int32Array;
  /** Router number of a node (-1: not a router). */
  readonly routerOf: Int32Array;
  /** Node index of the router a link station leads to (-1: not a link station of the network). */
  readonly linkTo: Int32Array;
  readonly nextHop: Int32Array;
  readonly choiceStart: Int32Array;
  readonly choiceStation: Int32Array;
  readonly choiceCum: Float64Array;
  readonly destStart: Int32Array;
  /** Destination node index (a router). */
  readonly destNode: Int32Array;
  readonly destCum: Float64Array;
  /** Ordered router pairs with traffic but no route, and their share of the traffic rule's total weight. */
  readonly unroutablePairs: number;
  readonly unroutableShare: number;
}

export interface Twin {
  readonly name: string;
  /** File or importer the twin came from. */
  readonly source: string;
  readonly description: string;
  readonly nodes: readonly TwinNode[];
  /** id -> index. */
  readonly indexOf: ReadonlyMap<string, number>;
  readonly entries: readonly TwinEntry[];
  /** Non-fatal findings (unreachable nodes, fallbacks taken by importers). */
  readonly warnings: readonly string[];
  /** A routed network (entries at routers without paths draw a destination and follow the forwarding tables); absent otherwise. */
  readonly network?: NetworkRouting;
  /**
   * Timed changes of the routed network's rules (a scenario's linkDown /
   * linkUp / linkMetric with `at` > 0), in time order: from `at` on, packets follow
   * `routing` (the whole network with every link change up to then). Not a
   * twin-file field: a scenario's.
   */
  readonly networkChanges?: readonly NetworkChange[];
}

export interface NetworkChange {
  /** Seconds from the start. */
  readonly at: number;
  readonly routing: NetworkRouting;
}
