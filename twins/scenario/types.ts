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
  /** Replicas at start (must stay within the node's autoscale bounds). */
  | { readonly op: 'replicas'; readonly node: string; readonly replicas: number }
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
  | { readonly op: 'memLimit'; readonly node: string; readonly memLimit: number };

export type ScenarioOp = ScenarioDelta['op'];

export const SCENARIO_OPS: readonly ScenarioOp[] = ['replicas', 'servers', 'queue', 'serviceScale', 'loadScale', 'autoscale', 'timeout', 'retries', 'memLimit'];

/** A delta that passed the checks, with its place in the list (for messages). */
export interface IndexedDelta {
  readonly index: number;
  readonly delta: ScenarioDelta;
}
