/**
 * `shadowcast import callgraph`: a call-graph JSON (services, and calls per
 * request or calls/s) as a twin. Rules: docs/importers.md.
 */
import { importCallGraphFile } from '../../../twins/import/callgraph.js';
import { serviceLines, warningLines } from './report.js';
import { dirname, resolve } from 'node:path';
import { namedImportCommand, type ImportedTwin, type NamedImportArgs } from './write.js';

const command = namedImportCommand('callgraph', { name: 'FILE.json', help: 'call-graph JSON: services and calls per request (or calls/s)' }, { absent: 'callgraph', help: 'twin name when the input has none' });
export const CALLGRAPH = command.spec;
export type CallGraphArgs = NamedImportArgs<'callgraph'>;
/** Parses `import callgraph` arguments (after the kind); null for --help. */
export const parseCallGraphArgs = command.parse;

export async function importCallGraph(args: CallGraphArgs): Promise<ImportedTwin> {
  const { twin, input } = await importCallGraphFile(args.file, { ...(args.name !== undefined ? { name: args.name } : {}), profiles: args.profiles, twinDir: dirname(resolve(args.out)) });
  return { twin, input, lines: [`imported call graph ${twin.name} (${args.file})`, ...serviceLines(twin), ...warningLines(twin)] };
}
