/**
 * One interface for every way a proposal reaches a system: `dry-run` (prints
 * the exact change, changes nothing), `shadow` (a running local shadow),
 * `command` (a configured argv template, no shell), `kubernetes` (scale a
 * Deployment). An applier gets a Change, the proposal reduced to what it
 * sets: the bounded field with its old and new value when it has one
 * (rollback sets the old value back), and the strategy's deltas.
 */
import { fieldChangeOf } from '../../../twins/mitigation/decide.js';
import type { BoundedField } from '../../../twins/mitigation/policy.js';
import type { ScenarioDelta } from '../../../twins/scenario/types.js';
import type { Proposal, StrategyAction } from '../../../twins/mitigation/types.js';

export interface Change {
  readonly proposalId: string;
  readonly action: StrategyAction;
  /** The node (or entry, call) the strategy acts on. */
  readonly target: string;
  /** The bounded field it sets, with the value before and after; null for actions without one (rate limits, timeouts...). */
  readonly field: { readonly name: BoundedField; readonly from: number; readonly to: number } | null;
  readonly deltas: readonly ScenarioDelta[];
  readonly description: string;
}

export interface Applier {
  readonly name: 'dry-run' | 'shadow' | 'command' | 'kubernetes';
  /** The exact change this applier would make, as a person reads it. */
  describe(change: Change, direction: 'apply' | 'rollback'): string;
  /** Makes the change; resolves to what was done. */
  apply(change: Change): Promise<string>;
  /** Undoes it (sets the old value back). */
  rollback(change: Change): Promise<string>;
  /** Whether it changes anything (dry-run does not: the proposal stays applicable). */
  readonly changesSomething: boolean;
}

/** Refused by an applier before anything was changed (its arguments, an action it cannot make). */
export class ApplierRefusal extends Error {
  override readonly name = 'ApplierRefusal';
}

export function changeOf(p: Proposal): Change {
  const f = fieldChangeOf(p);
  return {
    proposalId: p.id, action: p.strategy.action, target: f?.node ?? p.strategy.target,
    field: f === null ? null : { name: f.field, from: f.from, to: f.to },
    deltas: p.strategy.deltas, description: p.strategy.description,
  };
}

/** The field change of a Change, or a refusal naming what this applier cannot do. */
export function requireField(applier: string, change: Change, fields: readonly BoundedField[]): { name: BoundedField; from: number; to: number } {
  if (change.field === null || !fields.includes(change.field.name)) {
    throw new ApplierRefusal(`the ${applier} applier can set only ${fields.join(' and ')}; ${change.proposalId} is a ${change.action} (${change.description})`);
  }
  return change.field;
}
