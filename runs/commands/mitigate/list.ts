/** `mitigate list`: every proposal with its state, approvals and expiry. */
import { defineCommand, parseFlags } from '../../flags.js';
import { isExpired } from '../../../twins/mitigation/decide.js';
import { STATE_FLAGS, withState } from './shared.js';

export const MITIGATE_LIST = defineCommand({ command: 'mitigate list', flags: { ...STATE_FLAGS, json: { kind: 'boolean', help: 'one JSON object per proposal' } } });

export async function runList(argv: string[]): Promise<number> {
  const parsed = parseFlags(MITIGATE_LIST, argv);
  if (parsed === null) return -1;
  return withState(parsed.values.state, async (store) => {
    const now = new Date();
    for (const s of store.list()) {
      const approvals = store.approvals(s.proposal.id);
      // A proposal still open past its expiry can no longer be approved or applied: said here, not only when apply refuses.
      const lapsed = (s.state === 'proposed' || s.state === 'approved') && isExpired(s.proposal, now);
      if (parsed.values.json) {
        console.log(JSON.stringify({ id: s.proposal.id, state: s.state, expired: lapsed || s.state === 'expired', hash: s.hash, proposer: s.proposer, expiresAt: s.proposal.expiresAt, strategy: s.proposal.strategy.description, autoApproved: s.proposal.autoApproved, approvals }));
        continue;
      }
      // People's decisions are shown beside an auto-approval too: who else looked at it is part of the record.
      const people = approvals.map((a) => `${a.decision === 'approve' ? '+' : '-'}${a.by}/${a.role}`);
      const who = [...(s.proposal.autoApproved !== null ? [`auto-approved (${s.proposal.autoApproved.rule})`] : []), ...people].join(' ') || 'no approvals';
      console.log(`${s.proposal.id}  ${(lapsed ? `${s.state}, expired` : s.state).padEnd(10)}  ${s.proposal.strategy.description}  [${who}]  ${lapsed ? 'expired' : 'expires'} ${s.proposal.expiresAt}  content ${s.hash.slice(0, 12)}`);
    }
    return 0;
  });
}
