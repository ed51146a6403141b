/**
 * `shadowcast import trace`: a span trace CSV (Nezha Train-Ticket layout) as a
 * twin: call graph, service times, entry rate. Rules: docs/importers.md.
 */
import { importTraceFile } from '../../../twins/import/trace.js';
import { defineCommand, parseFlags } from '../../flags.js';
import { fmt, serviceLines, warningLines } from './report.js';
import { OUT_FLAG, type ImportedTwin } from './write.js';

export const TRACE = defineCommand({
  command: 'import trace',
  positionals: [{ name: 'FILE.csv', help: 'span trace CSV (Nezha Train-Ticket layout): call graph, service times, entry rate' }],
  flags: {
    out: OUT_FLAG,
    name: { kind: 'string', value: 'NAME', absent: 'trace', help: 'twin name' },
  },
});

export interface TraceArgs {
  readonly kind: 'trace';
  readonly file: string;
  readonly out: string;
  readonly name: string | undefined;
}

/** Parses `import trace` arguments (after the kind); null for --help. */
export function parseTraceArgs(argv: readonly string[]): TraceArgs | null {
  const parsed = parseFlags(TRACE, argv);
  if (!parsed) return null;
  return { kind: 'trace', file: parsed.positionals[0]!, out: parsed.values.out, name: parsed.values.name };
}

export async function importTrace(args: TraceArgs): Promise<ImportedTwin> {
  const r = await importTraceFile(args.file, args.name !== undefined ? { name: args.name } : {});
  const { twin, input } = r;
  const rep = r.report;
  return {
    twin, input,
    lines: [
      `imported trace ${args.file} as twin ${twin.name}`,
      `  spans        ${rep.spans} in ${rep.traces} traces, ${rep.roots} root spans over ${fmt(rep.window)} s, ${rep.orphans} orphan(s)`,
      ...serviceLines(twin),
      ...warningLines(twin),
    ],
  };
}
