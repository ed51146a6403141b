/**
 * `mitigate propose --shadow DIR [--shadow-window DUR]`: when a shadow is up,
 * the chosen strategy is tried on it before it is proposed
 * (runs/mitigation/confirm-shadow.ts) and the confirmation — confirmed, not
 * confirmed or inconclusive, with the judge's evidence — is recorded in the
 * proposal. A shadow that did not confirm it is no ground for auto-approval
 * (twins/mitigation/decide.ts).
 */
import { flagTable } from '../../flags.js';
import { withShadowConfirmation } from '../../mitigation/confirm-shadow.js';
import type { Proposal } from '../../../twins/mitigation/types.js';

export const CONFIRM_FLAGS = flagTable({
  shadow: { kind: 'path', value: 'DIR', help: "a running shadow ('shadowcast shadow up'): confirm the chosen strategy on it before proposing" },
  'shadow-window': { kind: 'duration', value: 'DUR', default: '20s', help: 'with --shadow: wall-clock time of each of the two windows (without, then with the change)' },
});

export async function confirmIfShadow(proposal: Proposal, v: { readonly shadow?: string; readonly 'shadow-window': number }): Promise<Proposal> {
  if (v.shadow === undefined) return proposal;
  console.log(`confirming ${proposal.strategy.id} on the shadow in ${v.shadow} (2 × ${v['shadow-window']} s)...`);
  const confirmed = await withShadowConfirmation(proposal, { dir: v.shadow, windowSeconds: v['shadow-window'] });
  console.log(`  ${confirmed.shadowConfirmation!.reason}`);
  return confirmed;
}
