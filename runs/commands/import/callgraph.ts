/**
 * `shadowcast import callgraph`: a call-graph JSON (services, and calls per
 * request or calls/s) as a twin. Rules: docs/importers.md.
 */
import { importCallGraphFile } from '../../../twins/import/callgraph.js';
import { defineCommand, parseFlags } from '../../flags.js';
import { serviceLines, warningLines } from './report.js';
import { OUT_FLAG, type ImportedTwin } from './write.js';

export const CALLGRAPH = defineCommand({
  command: 'import callgraph',
  positionals: [{ name: 'FILE.json', help: 'call-graph JSON: services and calls per request (or calls/s)' }],
  flags: {
    out: OUT_FLAG,
    name: { kind: 'string', value: 'NAME', absent: 'callgraph', help: 'twin name when the input has none' },
  },
});

export interface CallGraphArgs {
  readonly kind: 'callgraph';
  readonly file: string;
  readonly out: string;
  readonly name: string | undefined;
}

/** Parses `import callgraph` arguments (after the kind); null for --help. */
export function parseCallGraphArgs(argv: readonly string[]): CallGraphArgs | null {
  const parsed = parseFlags(CALLGRAPH, argv);
  if (!parsed) return null;
  return { kind: 'callgraph', file: parsed.positionals[0]!, out: parsed.values.out, name: parsed.values.name };
}

export async function importCallGraph(args: CallGraphArgs): Promise<ImportedTwin> {
  const { twin, input } = await importCallGraphFile(args.file, args.name !== undefined ? { name: args.name } : {});
  return { twin, input, lines: [`imported call graph ${twin.name} (${args.file})`, ...serviceLines(twin), ...warningLines(twin)] };
}
