/**
 * `shadowcast import trace`: a span trace CSV (Nezha Train-Ticket layout) as a
 * twin: call graph, service times, entry rate. Rules: docs/importers.md.
 */
import { importTraceFile } from '../../../twins/import/trace.js';
import { fmt, serviceLines, warningLines } from './report.js';
import { dirname, resolve } from 'node:path';
import { namedImportCommand, type ImportedTwin, type NamedImportArgs } from './write.js';

const command = namedImportCommand('trace', { name: 'FILE.csv', help: 'span trace CSV (Nezha Train-Ticket layout): call graph, service times, entry rate' }, { absent: 'trace', help: 'twin name' });
export const TRACE = command.spec;
export type TraceArgs = NamedImportArgs<'trace'>;
/** Parses `import trace` arguments (after the kind); null for --help. */
export const parseTraceArgs = command.parse;

export async function importTrace(args: TraceArgs): Promise<ImportedTwin> {
  const r = await importTraceFile(args.file, { ...(args.name !== undefined ? { name: args.name } : {}), profiles: args.profiles, twinDir: dirname(resolve(args.out)) });
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
