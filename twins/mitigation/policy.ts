/**
 * The mitigation policy: what may be changed, how far, when, by whom, and
 * what is approved without a person. A policy is data (policy-read.ts reads
 * it from YAML with located errors); the decisions that use it are pure
 * (decide.ts). Format: docs/mitigation-workflow.md.
 *
 * Fixed rules that no policy can switch off:
 *  - capacity is never reduced (scale in) on a prediction: only when every
 *    anomaly of the proposal was observed in production (source `drift`);
 *  - an approver is never the proposer, and one person counts once.
 */
import type { CostPrices } from './cost.js';
import type { StrategyAction } from './types.js';

/** The fields a change sets that bounds can limit. */
export type BoundedField = 'replicas' | 'servers';
export const BOUNDED_FIELDS: readonly BoundedField[] = ['replicas', 'servers'];

export interface Bound {
  readonly min: number;
  readonly max: number;
  /** Largest change in one proposal (|to − from|); absent = any within [min, max]. */
  readonly maxStep?: number;
}

/** What may be done to one node (or to every node not listed, under `*`). */
export interface NodeRules {
  readonly actions: readonly StrategyAction[];
  readonly bounds: Readonly<Partial<Record<BoundedField, Bound>>>;
}

export interface AutoApproveRule {
  readonly name: string;
  readonly action: StrategyAction;
  /** Largest change in the bounded field the rule covers (e.g. at most 2 more replicas). */
  readonly maxStep: number;
  /** Only increases (scale out / up); a rule never approves a decrease. */
  readonly direction: 'increase';
  /** The evaluation must be `better` and every addressed node's paired interval on the P(fail) change must lie below 0 (it excludes "no improvement"). */
  readonly requireExcludesNoImprovement: boolean;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Changes may be applied on these days between `from` and `to` (UTC, minutes of the day; to > from). */
export interface ChangeWindow {
  readonly days: readonly Weekday[];
  readonly fromMinute: number;
  readonly toMinute: number;
}

export interface Policy {
  /** Per node id; `*` applies to nodes not listed. A node under neither may not be changed. */
  readonly nodes: Readonly<Record<string, NodeRules>>;
  readonly approvals: {
    /** Roles whose approval counts. */
    readonly roles: readonly string[];
    /** Distinct approvers needed (none of them the proposer); 2 = the two-person rule. */
    readonly required: number;
    /** Seconds a proposal stays open for approval and apply (its evidence ages); default 3600. */
    readonly expiresAfterSeconds: number;
  };
  readonly autoApprove: readonly AutoApproveRule[];
  /** Empty: any time. */
  readonly changeWindows: readonly ChangeWindow[];
  /** Changes applied in the last hour (rollbacks included) above which applying is refused. */
  readonly maxChangesPerHour: number;
  readonly verify: {
    /** Seconds the target is watched after a change. */
    readonly windowSeconds: number;
    /** Fewer points than this in the window is "no data". */
    readonly minPoints: number;
    /** What "no data" does: roll back (default) or hold the change. */
    readonly onNoData: 'rollback' | 'hold';
  };
  /** Prices of what a strategy adds (replica-hours, core-hours, requests shed) and their unit: the cost the choice minimises. */
  readonly cost: CostPrices;
}

/** The rules of a node: its own, else those under `*`, else null (the node may not be changed). */
export function rulesFor(policy: Policy, node: string): NodeRules | null {
  if (Object.hasOwn(policy.nodes, node)) return policy.nodes[node]!;
  if (Object.hasOwn(policy.nodes, '*')) return policy.nodes['*']!;
  return null;
}

/** Whether `at` falls in a change window (none declared: always). */
export function inChangeWindow(policy: Policy, at: Date): boolean {
  if (policy.changeWindows.length === 0) return true;
  const day = WEEKDAYS[at.getUTCDay()]!;
  const minute = at.getUTCHours() * 60 + at.getUTCMinutes();
  return policy.changeWindows.some((w) => w.days.includes(day) && minute >= w.fromMinute && minute < w.toMinute);
}
