/**
 * The `shadow` applier: makes a strategy's change on a running local shadow
 * (`shadowcast shadow up --dir DIR`). The deltas become new emulator specs
 * (twins/mitigation/shadow-change.ts: a scale-out is more replicas of that
 * node's emulator, a scale-up more workers, a timeout the callers' deadline),
 * and each changed node's emulator is restarted with its new spec on its old
 * port (runs/mitigation/shadow-restart.ts).
 *
 * Reversible: before anything is restarted, the specs it had are written to
 * DIR/mitigation/<proposal>.json; rollback restarts the same nodes with
 * those specs, so it restores the configuration the shadow had before, not
 * a value recomputed from the proposal. A strategy the emulators cannot
 * express, or a shadow that is not up, is refused before anything changes.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { shadowSpecChanges, ShadowChangeRefusal, type EmulatorSpecChange } from '../../../twins/mitigation/shadow-change.js';
import type { EmulatorSpec } from '../../../twins/shadow/plan-types.js';
import { writeFileAtomically } from '../../report/atomic-file.js';
import { NoRunningShadowError, readRunningShadow, restartEmulators, type RunningShadow } from '../shadow-restart.js';
import { ApplierRefusal, type Applier, type Change } from './applier.js';

export const SHADOW_CHANGE_FORMAT = 'shadowcast-shadow-change/1';

/** DIR/mitigation/<proposal>.json: what the applier changed, and the specs to roll back to. */
export interface ShadowChangeRecord {
  readonly format: typeof SHADOW_CHANGE_FORMAT;
  readonly proposal: string;
  readonly appliedAt: string;
  readonly before: Readonly<Record<string, EmulatorSpec>>;
  readonly after: Readonly<Record<string, EmulatorSpec>>;
  readonly rolledBackAt: string | null;
}

export const shadowChangeFile = (dir: string, proposalId: string): string => join(dir, 'mitigation', `${proposalId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);

/** The running shadow and the spec changes the change makes on it; refusals as ApplierRefusal. */
export function planShadowChange(dir: string, change: Change): { shadow: RunningShadow; changes: EmulatorSpecChange[] } {
  try {
    const shadow = readRunningShadow(dir);
    const specs = new Map([...shadow.emulators].map(([node, e]) => [node, e.config.spec]));
    const changes = shadowSpecChanges(change.deltas, specs);
    if (changes.length === 0) throw new ShadowChangeRefusal(`${change.proposalId} changes no emulator of the shadow`);
    return { shadow, changes };
  } catch (e) {
    if (e instanceof ShadowChangeRefusal || e instanceof NoRunningShadowError) throw new ApplierRefusal(`the shadow applier cannot make ${change.proposalId} (${change.description}): ${e.message}`);
    throw e;
  }
}

const describeChanges = (dir: string, changes: readonly EmulatorSpecChange[]): string =>
  `restart on the shadow in ${dir}: ${changes.map((c) => `'${c.node}' (${c.what.join(', ')})`).join('; ')}`;

async function readRecord(file: string, proposalId: string): Promise<ShadowChangeRecord> {
  let data: Partial<ShadowChangeRecord>;
  try {
    data = JSON.parse(await readFile(file, 'utf8')) as Partial<ShadowChangeRecord>;
  } catch (e) {
    throw new Error(`${file}: no record of what ${proposalId} changed on the shadow (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (data.format !== SHADOW_CHANGE_FORMAT || data.proposal !== proposalId || typeof data.before !== 'object' || data.before === null) {
    throw new Error(`${file}: format: expected a ${SHADOW_CHANGE_FORMAT} record of ${proposalId}`);
  }
  return data as ShadowChangeRecord;
}

export function shadowApplier(dir: string): Applier {
  return {
    name: 'shadow',
    changesSomething: true,
    // Rollback needs nothing but the record the apply wrote: it is described without reading the shadow.
    describe: (change, direction) => direction === 'apply'
      ? describeChanges(dir, planShadowChange(dir, change).changes)
      : `restart the nodes ${change.proposalId} changed on the shadow in ${dir} with the specs recorded in ${shadowChangeFile(resolve(dir), change.proposalId)}`,
    apply: async (change) => {
      const { shadow, changes } = planShadowChange(dir, change);
      const record: ShadowChangeRecord = {
        format: SHADOW_CHANGE_FORMAT, proposal: change.proposalId, appliedAt: new Date().toISOString(),
        before: Object.fromEntries(changes.map((c) => [c.node, c.before])), after: Object.fromEntries(changes.map((c) => [c.node, c.after])), rolledBackAt: null,
      };
      // The way back is on disk before the first process is stopped.
      await writeFileAtomically(shadowChangeFile(shadow.dir, change.proposalId), `${JSON.stringify(record, null, 1)}\n`);
      await restartEmulators(shadow, new Map(changes.map((c) => [c.node, c.after])));
      return describeChanges(shadow.dir, changes).replace(/^restart/, 'restarted');
    },
    rollback: async (change) => {
      const shadow = readRunningShadow(dir);
      const file = shadowChangeFile(shadow.dir, change.proposalId);
      const record = await readRecord(file, change.proposalId);
      await restartEmulators(shadow, new Map(Object.entries(record.before)));
      await writeFileAtomically(file, `${JSON.stringify({ ...record, rolledBackAt: new Date().toISOString() }, null, 1)}\n`);
      return `restarted on the shadow in ${shadow.dir} with the specs they had before ${change.proposalId}: ${Object.keys(record.before).map((n) => `'${n}'`).join(', ')}`;
    },
  };
}
