/**
 * A mitigation step refused by policy, approval rules or an applier's checks.
 * Not a usage error (the command was well formed) and not invalid input: its
 * own exit code, 5 (runs/errors.ts). Every refusal is in the audit log before
 * this is thrown. Free of imports: the CLI's error mapping loads it.
 */
export class MitigationRefusedError extends Error {
  override readonly name = 'MitigationRefusedError';
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

/** The applier failed after the change was claimed: the proposal is marked failed (exit 4). */
export class MitigationApplyError extends Error {
  override readonly name = 'MitigationApplyError';
}
