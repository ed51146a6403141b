/** `mitigate approve|reject ID --as NAME --role ROLE --reason TEXT`. */
import { defineCommand, parseFlags } from '../../flags.js';
import { decideOnProposal } from '../../mitigation/workflow.js';
import { STATE_FLAGS, withState } from './shared.js';

const flags = {
  ...STATE_FLAGS,
  as: { kind: 'string', value: 'NAME', required: true, help: 'who decides (never the proposer; one person counts once)' },
  role: { kind: 'string', value: 'ROLE', required: true, help: "the decider's role (one of the policy's approver roles)" },
  reason: { kind: 'string', value: 'TEXT', required: true, help: 'why, for the audit log' },
  hash: { kind: 'string', value: 'SHA256', help: "the proposal content hash you reviewed ('mitigate list' shows it); default the stored one" },
} as const;

export const MITIGATE_APPROVE = defineCommand({ command: 'mitigate approve', positionals: [{ name: 'ID', help: 'the proposal' }], flags });
export const MITIGATE_REJECT = defineCommand({ command: 'mitigate reject', positionals: [{ name: 'ID', help: 'the proposal' }], flags });

export async function runDecision(decision: 'approve' | 'reject', argv: string[]): Promise<number> {
  const parsed = parseFlags(decision === 'approve' ? MITIGATE_APPROVE : MITIGATE_REJECT, argv);
  if (parsed === null) return -1;
  const v = parsed.values;
  return withState(v.state, async (store, audit) => {
    const s = decideOnProposal(store, audit, { id: parsed.positionals[0]!, by: v.as, role: v.role, reason: v.reason, decision, ...(v.hash !== undefined ? { hash: v.hash } : {}) });
    console.log(`${s.proposal.id}: ${decision === 'approve' ? 'approval recorded' : 'rejected'}; state ${s.state}`);
    return 0;
  });
}
