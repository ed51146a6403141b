/** The `dry-run` applier: prints the exact change and changes nothing (the default of `mitigate apply`). */
import type { Applier, Change } from './applier.js';

export function describeChange(change: Change, direction: 'apply' | 'rollback'): string {
  const f = change.field;
  const what = f === null
    ? `${direction === 'apply' ? 'apply' : 'undo'} ${change.action} on '${change.target}': ${change.description}`
    : `set ${f.name} of '${change.target}' from ${direction === 'apply' ? f.from : f.to} to ${direction === 'apply' ? f.to : f.from}`;
  return `${what}\n  proposal ${change.proposalId}; scenario deltas: ${JSON.stringify(change.deltas)}`;
}

export const dryRunApplier: Applier = {
  name: 'dry-run',
  changesSomething: false,
  describe: describeChange,
  apply: async (change) => `dry run, nothing changed: ${describeChange(change, 'apply')}`,
  rollback: async (change) => `dry run, nothing changed: ${describeChange(change, 'rollback')}`,
};
