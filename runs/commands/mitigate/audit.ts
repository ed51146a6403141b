/** `shadowcast audit verify [FILE]`: checks the audit log's hash chain; names the first record edited, deleted, reordered or torn (exit 3). */
import { defineCommand, parseFlags, usageText } from '../../flags.js';
import { AuditError, verifyAudit } from '../../mitigation/audit.js';
import { UsageError } from '../../usage-error.js';
import { auditFile } from './shared.js';

export const AUDIT_VERIFY = defineCommand({
  command: 'audit verify',
  flags: { state: { kind: 'path', value: 'DIR', default: '.shadowcast/mitigation', help: 'state folder whose audit.jsonl is checked when FILE is not given' } },
  notes: 'FILE (optional): the audit log to check.',
});

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    console.log(usageText(AUDIT_VERIFY));
    return 0;
  }
  if (sub !== 'verify') throw new UsageError(sub === undefined ? 'expected a subcommand: verify' : `unknown subcommand '${sub}'`, 'audit', usageText(AUDIT_VERIFY));
  const file = rest.length > 0 && !rest[0]!.startsWith('-') ? rest.shift()! : undefined;
  const parsed = parseFlags(AUDIT_VERIFY, rest);
  if (parsed === null) {
    console.log(usageText(AUDIT_VERIFY));
    return 0;
  }
  const target = file ?? auditFile(parsed.values.state);
  const v = verifyAudit(target);
  if (!v.ok) throw new AuditError(`${v.problem!.message} (${v.records} record(s) before it are intact)`);
  console.log(`${target}: ${v.records} record(s), chain intact`);
  return 0;
}
