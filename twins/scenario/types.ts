/**
 * Scenario deltas: modifications of a twin, as data. What-if axes and
 * mitigation strategies compile to lists of these; `applyScenario`
 * (apply.ts) checks a list against a twin and applies it.
 *
 * In code the values are in base units (seconds, bytes) and autoscale /
 * retries are complete. In a scenario file (read.ts) they may be written as
 * in a twin file: durations and sizes with units ("250ms", "512Mi"), and
 * autoscale / retries with their optional fields left to the twin defaults.
 * Format and rules: docs/simulation.md, "Scenarios".
 */
import type { Autoscale, RetryPolicy } from '../definition/types.js';

export type ScenarioDelta =
  /**
   * Replicas at start (must stay within the node's autoscale bounds); with
   * `at` > 0 (seconds) the count changes at that time instead: new replicas
   * serve from `at` (pre-warm), excess ones drain.
   */
  | { readonly op: 'replicas'; readonly node: string; readonly replicas: number; readonly at?: number }
  /** Workers per replica. */
  | { readonly op: 'servers'; readonly node: string; readonly servers: number }
  /** Waiting room per replica; null = unbounded. */
  | { readonly op: 'queue'; readonly node: string; readonly capacity: number | null }
  /** Multiplies the node's service time (0.5 = twice as fast); the node must have one (not a pass-through router). */
  | { readonly op: 'serviceScale'; readonly node: string; readonly factor: number }
  /** Multiplies the arrival rate of one entry (by entry id), or of all entries. */
  | { readonly op: 'loadScale'; readonly factor: number; readonly entry?: string }
  /** Sets or removes (null) the node's autoscaler. */
  | { readonly op: 'autoscale'; readonly node: string; readonly autoscale: Autoscale | null }
  /** Caller-side deadline of every call to the node and of its entries, seconds; null = none. */
  | { readonly op: 'timeout'; readonly node: string; readonly timeout: number | null }
  /** Caller-side retries of every call to the node and of its entries; null = none. */
  | { readonly op: 'retries'; readonly node: string; readonly retries: RetryPolicy | null }
  /** OOM limit per replica, bytes; the node must declare resources (and the limit stay above memBase). */
  | { readonly op: 'memLimit'; readonly node: string; readonly memLimit: number }
  /** Token-bucket admission at an entry: `rate` requests/s, up to `burst` at once; the rest are shed (from `at` s on). */
  | { readonly op: 'rateLimit'; readonly entry: string; readonly rate: number; readonly burst: number; readonly at?: number }
  /** The node does not make its optional calls, for a share `probability` (default 1) of its requests (from `at` s on). */
  | { readonly op: 'shedOptional'; readonly node: string; readonly probability?: number; readonly at?: number }
  /** A circuit breaker on the node's call edges to `to` (from `at` s on); docs/simulation.md has the states. */
  | {
      readonly op: 'circuitBreaker'; readonly node: string; readonly to: string;
      readonly failureRatio: number; readonly window: number; readonly minCalls: number; readonly openFor: number; readonly at?: number;
    }
  /** New weights of the node's route edges by target id (every target named), scaled to the node's present route total. */
  | { readonly op: 'routeWeights'; readonly node: string; readonly weights: Readonly<Record<string, number>> }
  /** Routed network: the selected link directions are out (from `at` s on); packets reroute over the recomputed forwarding tables. */
  | ({ readonly op: 'linkDown'; readonly at?: number } & LinkSelector)
  /** Routed network: link directions an earlier linkDown of the scenario took out are back (from `at` s on): a repair. */
  | ({ readonly op: 'linkUp'; readonly at?: number } & LinkSelector)
  /** Routed network: the selected link directions get IGP metric `metric` (> 0, in the routing rule's unit), from `at` s on. */
  | ({ readonly op: 'linkMetric'; readonly metric: number; readonly at?: number } & LinkSelector);

/**
 * Link directions of a routed network (twin.network): every direction
 * between two routers, both ways and parallel links included, or the one
 * direction carried by a link station.
 */
export type LinkSelector = { readonly between: readonly [string, string] } | { readonly station: string };

export type ScenarioOp = ScenarioDelta['op'];

export const SCENARIO_OPS: readonly ScenarioOp[] = [
  'replicas', 'servers', 'queue', 'serviceScale', 'loadScale', 'autoscale', 'timeout', 'retries', 'memLimit',
  'rateLimit', 'shedOptional', 'circuitBreaker', 'routeWeights', 'linkDown', 'linkUp', 'linkMetric',
];

/** Ops that may take effect at a time `at` (seconds from the start); the others apply from the start only. */
export const TIMED_OPS: readonly ScenarioOp[] = ['replicas', 'rateLimit', 'shedOptional', 'circuitBreaker', 'linkDown', 'linkUp', 'linkMetric'];

/** A delta that passed the checks, with its place in the list (for messages). */
export interface IndexedDelta {
  readonly index: number;
  readonly delta: ScenarioDelta;
}
