/**
 * `shadowcast mitigate <propose|approve|reject|apply|rollback|list>`: the workflow
 * around a proposal (docs/mitigation-workflow.md). Refusals exit 5.
 */
import { usageText, type CommandSpec, type FlagTable } from '../../flags.js';
import { UsageError } from '../../usage-error.js';
import { MITIGATE_APPLY, MITIGATE_ROLLBACK, runApply, runRollback } from './apply.js';
import { MITIGATE_APPROVE, MITIGATE_REJECT, runDecision } from './decide.js';
import { MITIGATE_LIST, runList } from './list.js';
import { MITIGATE_PROPOSE } from './propose.js';

interface Subcommand {
  readonly spec: CommandSpec<FlagTable>;
  readonly summary: string;
  readonly run: (argv: string[]) => Promise<number>;
}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  propose: { spec: MITIGATE_PROPOSE, summary: 'nodes at risk, candidate fixes re-simulated on common random numbers, the choice, stored and judged by policy', run: async (a) => (await import('./propose.js')).run(a) },
  approve: { spec: MITIGATE_APPROVE, summary: 'approve a proposal (--as NAME --role ROLE --reason TEXT)', run: (a) => runDecision('approve', a) },
  reject: { spec: MITIGATE_REJECT, summary: 'reject a proposal', run: (a) => runDecision('reject', a) },
  apply: { spec: MITIGATE_APPLY, summary: 'apply an approved proposal (dry-run by default)', run: runApply },
  rollback: { spec: MITIGATE_ROLLBACK, summary: 'undo an applied proposal', run: runRollback },
  list: { spec: MITIGATE_LIST, summary: 'proposals with their state, approvals and expiry', run: runList },
};

export function mitigateUsage(): string {
  return ['usage: shadowcast mitigate <subcommand> [options]', '', ...Object.entries(SUBCOMMANDS).map(([n, s]) => `  ${n.padEnd(9)} ${s.summary}`), '', "'shadowcast mitigate <subcommand> --help' prints its options."].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    console.log(mitigateUsage());
    return 0;
  }
  if (name === undefined || !Object.hasOwn(SUBCOMMANDS, name)) {
    throw new UsageError(name === undefined ? 'expected a subcommand' : `unknown subcommand '${name}'`, 'mitigate', mitigateUsage());
  }
  const sub = SUBCOMMANDS[name]!;
  const code = await sub.run(rest);
  if (code === -1) {
    console.log(usageText(sub.spec));
    return 0;
  }
  return code;
}
