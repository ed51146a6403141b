/**
 * Commands made of subcommands (`shadow plan`, `mitigate apply`): the list
 * with one line each, and the dispatch. Each subcommand keeps its own options
 * table; its `run` returns the exit code, or -1 when --help was asked (its
 * usage is printed here).
 */
import { usageText, type CommandSpec, type FlagTable } from './flags.js';
import { failedIn, UsageError } from './usage-error.js';

export interface Subcommand {
  readonly spec: CommandSpec<FlagTable>;
  readonly summary: string;
  readonly run: (argv: string[]) => Promise<number>;
}

export type SubcommandTable = Readonly<Record<string, Subcommand>>;

export function subcommandUsage(command: string, table: SubcommandTable): string {
  const width = Math.max(...Object.keys(table).map((n) => n.length)) + 1;
  return [
    `usage: shadowcast ${command} <subcommand> [options]`,
    '',
    ...Object.entries(table).map(([name, s]) => `  ${name.padEnd(width)} ${s.summary}`),
    '',
    `'shadowcast ${command} <subcommand> --help' prints its options.`,
  ].join('\n');
}

export async function runSubcommand(command: string, table: SubcommandTable, argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    console.log(subcommandUsage(command, table));
    return 0;
  }
  if (name === undefined || !Object.hasOwn(table, name)) {
    throw new UsageError(name === undefined ? 'expected a subcommand' : `unknown subcommand '${name}'`, command, subcommandUsage(command, table));
  }
  const sub = table[name]!;
  let code: number;
  try {
    code = await sub.run(rest);
  } catch (e) {
    if (typeof e === 'object' && e !== null && !failedIn.has(e)) failedIn.set(e, sub.spec.command);
    throw e;
  }
  if (code === -1) {
    console.log(usageText(sub.spec));
    return 0;
  }
  return code;
}
