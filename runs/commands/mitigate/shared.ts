/**
 * What the `mitigate` subcommands share: the state folder (the proposal
 * store and the audit log side by side) and opening it.
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../../usage-error.js';
import { flagTable } from '../../flags.js';
import { MitigationStore } from '../../mitigation/store.js';

export const STATE_FLAGS = flagTable({
  state: { kind: 'path', value: 'DIR', default: '.shadowcast/mitigation', help: 'folder of the proposal store (mitigation.db) and the audit log (audit.jsonl)' },
});

export const storeFile = (dir: string): string => join(resolve(dir), 'mitigation.db');
export const auditFile = (dir: string): string => join(resolve(dir), 'audit.jsonl');

/**
 * Opens the store of a state folder, runs body, closes it. Only `propose`
 * (`create: true`) may start a store: for the others a folder without one
 * is a mistyped --state, said as such, not an empty store made on the spot.
 */
export async function withState<T>(dir: string, body: (store: MitigationStore, audit: string) => Promise<T>, options: { readonly create?: boolean } = {}): Promise<T> {
  if (!options.create && !(await access(storeFile(dir)).then(() => true, () => false))) {
    throw new InputError(`--state ${dir}: no proposal store there (${storeFile(dir)} does not exist; 'mitigate propose' creates it)`);
  }
  // Only propose starts a store: for the others the file must already hold one (refused unchanged otherwise).
  const store = new MitigationStore(storeFile(dir), undefined, { existing: !options.create });
  try {
    return await body(store, auditFile(dir));
  } finally {
    store.close();
  }
}
