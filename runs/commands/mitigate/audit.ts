/**
 * `shadowcast audit verify [FILE]`: checks the audit log's hash chain, and
 * that the log still reaches the head the proposal store recorded (records
 * cut off its end, an emptied or deleted log); names the first record
 * edited, deleted, reordered, torn or missing (exit 3). Reads the store
 * without writing to it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defineCommand, parseFlags, usageText } from '../../flags.js';
import { AuditError, verifyAudit } from '../../mitigation/audit.js';
import { readAuditHead } from '../../mitigation/store.js';
import { UsageError } from '../../usage-error.js';
import { auditFile, storeFile } from './shared.js';

export const AUDIT_VERIFY = defineCommand({
  command: 'audit verify',
  flags: { state: { kind: 'path', value: 'DIR', default: '.shadowcast/mitigation', help: "state folder whose audit.jsonl is checked when FILE is not given, and whose store's record of the log it is held to" } },
  notes: 'FILE (optional): the audit log to check; held to the store of --state when given, else to a mitigation.db beside FILE, if any.',
});

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    console.log(usageText(AUDIT_VERIFY));
    return 0;
  }
  if (sub !== 'verify') throw new UsageError(sub === undefined ? 'expected a subcommand: verify' : `unknown subcommand '${sub}'`, 'audit', usageText(AUDIT_VERIFY));
  const file = rest.length > 0 && !rest[0]!.startsWith('-') ? rest.shift()! : undefined;
  const stateGiven = rest.some((a) => a === '--state' || a.startsWith('--state='));
  const parsed = parseFlags(AUDIT_VERIFY, rest);
  if (parsed === null) {
    console.log(usageText(AUDIT_VERIFY));
    return 0;
  }
  const target = file ?? auditFile(parsed.values.state);
  // A log named on its own (a copy kept elsewhere) is held to the store beside it, if there is one; never to the default state folder's.
  const store = file === undefined || stateGiven ? storeFile(parsed.values.state) : join(dirname(resolve(file)), 'mitigation.db');
  const head = existsSync(store) ? readAuditHead(store) : null;
  const v = verifyAudit(target, head);
  if (!v.ok) throw new AuditError(`${v.problem!.message} (${v.records} record(s) before it are intact)`);
  const against = !existsSync(store)
    ? `; no proposal store at ${store} to hold its length to`
    : head === null
      ? `; ${store} records no head of it yet (a store from before heads were kept, or no step since): its length is not checked`
      : v.records === head.records
        ? `, as ${store} recorded`
        : `; ${store} recorded ${head.records}: the last record's step stopped before its commit, and the next step records it`;
  console.log(`${target}: ${v.records} record(s), chain intact${against}`);
  return 0;
}
