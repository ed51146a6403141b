/**
 * `shadowcast mitigate <propose|approve|reject|apply|rollback|verify|list>`: the workflow
 * around a proposal (docs/mitigation-workflow.md). Refusals exit 5.
 */
import { runSubcommand, type SubcommandTable } from '../../subcommands.js';
import { MITIGATE_APPLY, MITIGATE_ROLLBACK, runApply, runRollback } from './apply.js';
import { MITIGATE_APPROVE, MITIGATE_REJECT, runDecision } from './decide.js';
import { MITIGATE_LIST, runList } from './list.js';
import { MITIGATE_PROPOSE } from './propose.js';
import { MITIGATE_VERIFY, runVerify } from './verify.js';

const SUBCOMMANDS: SubcommandTable = {
  propose: { spec: MITIGATE_PROPOSE, summary: 'nodes at risk, candidate fixes re-simulated on common random numbers, the choice, stored and judged by policy', run: async (a) => (await import('./propose.js')).run(a) },
  approve: { spec: MITIGATE_APPROVE, summary: 'approve a proposal (--as NAME --role ROLE --reason TEXT)', run: (a) => runDecision('approve', a) },
  reject: { spec: MITIGATE_REJECT, summary: 'reject a proposal', run: (a) => runDecision('reject', a) },
  apply: { spec: MITIGATE_APPLY, summary: 'apply an approved proposal (dry-run by default)', run: runApply },
  rollback: { spec: MITIGATE_ROLLBACK, summary: 'undo an applied proposal', run: runRollback },
  verify: { spec: MITIGATE_VERIFY, summary: 'verify an applied change now: watch its target, roll it back unless it holds', run: runVerify },
  list: { spec: MITIGATE_LIST, summary: 'proposals with their state, approvals and expiry', run: runList },
};


export function run(argv: string[]): Promise<number> {
  return runSubcommand('mitigate', SUBCOMMANDS, argv);
}
