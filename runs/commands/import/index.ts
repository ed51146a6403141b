/**
 * `shadowcast import <kind> FILE --out TWIN`: a twin file from a topology, a
 * call graph or a trace. This file picks the kind and runs the import; each
 * kind (zoo.ts, callgraph.ts, trace.ts) has its own flags and report, and
 * write.ts writes the twin and checks that it reads back the same.
 */
import { access } from 'node:fs/promises';
import { InputError, UsageError } from '../../usage-error.js';
import { usageText } from '../../flags.js';
import { BACKBONE, importBackbone, parseBackboneArgs, type BackboneArgs } from './backbone.js';
import { CALLGRAPH, importCallGraph, parseCallGraphArgs, type CallGraphArgs } from './callgraph.js';
import { importTrace, parseTraceArgs, TRACE, type TraceArgs } from './trace.js';
import { writeVerifiedTwin, type ImportedTwin } from './write.js';
import { importZoo, parseZooArgs, ZOO, type ZooArgs } from './zoo.js';

export type ImportArgs = ZooArgs | CallGraphArgs | TraceArgs | BackboneArgs;
export type ImportKind = ImportArgs['kind'];
export { twinCounts } from './report.js';

const KINDS = { zoo: ZOO, callgraph: CALLGRAPH, trace: TRACE, backbone: BACKBONE } as const;

function isKind(s: string): s is ImportKind {
  return Object.hasOwn(KINDS, s);
}

/** The usage of `import` as a whole: the kinds, then each kind's own usage. */
export function importUsage(): string {
  const kinds = Object.entries(KINDS).flatMap(([kind, spec]) => (spec.positionals ?? []).map((file) => `  ${`${kind} ${file.name}`.padEnd(22)} ${file.help}`));
  return [
    'usage: shadowcast import <zoo|callgraph|trace> FILE --out TWIN [options]',
    '       shadowcast import backbone --routers N --out TWIN [options]',
    '',
    ...kinds,
    `  ${'backbone'.padEnd(22)} a generated (seeded) ISP backbone: Waxman or Barabási–Albert`,
    '',
    "'shadowcast import <kind> --help' prints one kind's options:",
    ...Object.values(KINDS).map((spec) => `\n${usageText(spec)}`),
  ].join('\n');
}

/**
 * A flag of another kind (`--load` on a call graph) is a usage error that says
 * which kinds take it: "unknown option" would send the user looking for a typo.
 */
function misplacedFlag(kind: ImportKind, argv: readonly string[]): void {
  const own = KINDS[kind].flags;
  for (const arg of argv) {
    if (arg === '--') return;
    const name = /^--([^=]+)/.exec(arg)?.[1];
    if (name === undefined || Object.hasOwn(own, name)) continue;
    const takers = Object.entries(KINDS).filter(([, spec]) => Object.hasOwn(spec.flags, name)).map(([k]) => `'import ${k}'`);
    if (takers.length > 0) throw new UsageError(`--${name}: an option of ${takers.join(' and ')}, not of 'import ${kind}'`, `import ${kind}`, usageText(KINDS[kind]));
  }
}

function importUsageError(message: string): UsageError {
  return new UsageError(message, 'import', importUsage());
}

/** Parses the command line; null when --help was asked. Throws a UsageError naming the flag or argument and what was expected. */
export async function parseImportArgs(argv: readonly string[]): Promise<ImportArgs | null> {
  const [kind, ...rest] = argv;
  if (kind === undefined) throw importUsageError('expected a kind (zoo, callgraph, trace or backbone) and an input FILE');
  if (kind === '--help' || kind === '-h') return null;
  if (!isKind(kind)) {
    if (kind.startsWith('-')) throw importUsageError(`expected a kind (zoo, callgraph, trace or backbone) before the options, got '${kind}'`);
    throw importUsageError(`unknown kind '${kind}': expected zoo, callgraph, trace or backbone`);
  }
  misplacedFlag(kind, rest);
  const args = kind === 'zoo' ? await parseZooArgs(rest) : kind === 'callgraph' ? parseCallGraphArgs(rest) : kind === 'backbone' ? await parseBackboneArgs(rest) : parseTraceArgs(rest);
  if (args === null) return null;
  if (args.kind === 'backbone') return args;
  try {
    await access(args.file);
  } catch (e) {
    throw new InputError(`input FILE '${args.file}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, `import ${args.kind}`);
  }
  return args;
}

function importTwin(args: ImportArgs): Promise<ImportedTwin> {
  switch (args.kind) {
    case 'zoo': return importZoo(args);
    case 'callgraph': return importCallGraph(args);
    case 'trace': return importTrace(args);
    case 'backbone': return importBackbone(args);
  }
}

/** Runs one import, writes the twin, and returns the report lines (also used by tests). */
export async function importToFile(args: ImportArgs): Promise<string[]> {
  const { twin, input, lines } = await importTwin(args);
  return [...lines, await writeVerifiedTwin(args.out, input, twin)];
}

export async function run(argv: string[]): Promise<number> {
  const args = await parseImportArgs(argv);
  if (args === null) {
    const kind = argv[0];
    console.log(kind !== undefined && isKind(kind) ? usageText(KINDS[kind]) : importUsage());
    return 0;
  }
  for (const line of await importToFile(args)) console.log(line);
  return 0;
}
