/**
 * Writing an imported twin: the --out flag (a name loadTwinFile reads), and the
 * write itself, atomic and verified: a temporary file beside the target, read
 * back with loadTwinFile and compared with the imported twin (node ids and
 * fields, routes, calls, entries and paths), then renamed into place.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { TwinInput } from '../../../twins/definition/input.js';
import { loadTwinFile } from '../../../twins/definition/load.js';
import type { Twin } from '../../../twins/definition/types.js';
import { twinInputToText } from '../../../twins/definition/write.js';
import { defineCommand, parseFlags, usageError, type PositionalSpec } from '../../flags.js';

const TWIN_EXTENSIONS = ['.yaml', '.yml', '.json'];

function parseOut(raw: string): string {
  const ext = extname(raw).toLowerCase();
  if (!TWIN_EXTENSIONS.includes(ext)) {
    throw new Error(`expected a file name ending .yaml, .yml or .json (the only twin files loadTwinFile reads), got '${raw}' with ${ext ? `extension '${ext}'` : 'no extension'}`);
  }
  return raw;
}

/** The --out flag of every import kind. */
export const OUT_FLAG = { kind: 'custom', value: 'TWIN', required: true, parse: parseOut, help: 'twin file to write: .yaml / .yml (YAML) or .json (JSON); written atomically' } as const;

/** The parts of two twins that must agree after a write and a read. */
function sameTwin(a: Twin, b: Twin): string | null {
  if (a.name !== b.name) return `name ${JSON.stringify(a.name)} became ${JSON.stringify(b.name)}`;
  if (a.nodes.length !== b.nodes.length) return `${a.nodes.length} nodes became ${b.nodes.length}`;
  for (let i = 0; i < a.nodes.length; i++) {
    if (!isDeepStrictEqual(a.nodes[i], b.nodes[i])) return `node ${a.nodes[i]!.id} differs`;
  }
  if (a.entries.length !== b.entries.length) return `${a.entries.length} entries became ${b.entries.length}`;
  for (let i = 0; i < a.entries.length; i++) {
    if (!isDeepStrictEqual(a.entries[i], b.entries[i])) return `entry ${a.entries[i]!.id} differs`;
  }
  return null;
}

/**
 * Writes the twin file atomically (YAML or JSON by the name of `out`) and
 * returns the report line. Nothing is left behind on failure. The read-back
 * allows files outside the twin's folder only when the caller was allowed
 * them (a calibrated twin keeps its source's profiles).
 */
export async function writeVerifiedTwin(out: string, input: TwinInput, twin: Twin, options: { readonly allowOutsidePaths?: boolean } = {}): Promise<string> {
  const ext = extname(out).toLowerCase();
  const dir = dirname(out);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(out, extname(out))}.${process.pid}.${Date.now()}.tmp${ext}`);
  try {
    await writeFile(tmp, twinInputToText(input, ext === '.json' ? 'json' : 'yaml'));
    const back = await loadTwinFile(tmp, { allowOutsidePaths: options.allowOutsidePaths ?? false });
    const diff = sameTwin(twin, back);
    if (diff !== null) throw new Error(`the written twin does not read back the same (${diff}); ${out} not written`);
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
  return `wrote ${resolve(out)} (${ext === '.json' ? 'JSON' : 'YAML'}; read back with loadTwinFile: same twin)`;
}

/** What an importer hands to the writer: the twin, the input it was built from (what is written), and the report lines. */
export interface ImportedTwin {
  readonly twin: Twin;
  readonly input: TwinInput;
  readonly lines: readonly string[];
}

/** The arguments of an import kind whose one option besides --out is --name (callgraph, trace). */
export interface NamedImportArgs<K extends string> {
  readonly kind: K;
  readonly file: string;
  readonly out: string;
  readonly name: string | undefined;
  /** --profile ENTRY=FILE.csv: entry -> profile CSV. */
  readonly profiles: ReadonlyMap<string, string>;
}

/** `ENTRY=FILE.csv`: the rate profile of one imported entry. */
function parseProfile(raw: string): readonly [string, string] {
  const i = raw.indexOf('=');
  if (i <= 0 || i === raw.length - 1) throw new Error(`expected ENTRY=FILE.csv (an entry service of the import and a rate profile CSV time,rate), got '${raw}'`);
  return [raw.slice(0, i), raw.slice(i + 1)];
}

/** The options table and parser of such a kind: FILE, --out TWIN, --name NAME. */
export function namedImportCommand<K extends string>(kind: K, file: PositionalSpec, name: { readonly absent: string; readonly help: string }) {
  const spec = defineCommand({
    command: `import ${kind}`,
    positionals: [file],
    flags: {
      out: OUT_FLAG, name: { kind: 'string', value: 'NAME', absent: name.absent, help: name.help },
      profile: { kind: 'list', value: 'ENTRY=FILE.csv', parse: parseProfile, help: 'drive entry ENTRY by a rate profile CSV (time,rate) instead of a constant rate; the CSV must be in the folder of --out' },
    },
  });
  /** Parses the arguments after the kind; null for --help. */
  const parse = (argv: readonly string[]): NamedImportArgs<K> | null => {
    const parsed = parseFlags(spec, argv);
    if (!parsed) return null;
    const profiles = new Map<string, string>();
    for (const [entry, file] of parsed.values.profile) {
      if (profiles.has(entry)) throw usageError(spec, `--profile: entry ${entry} is given twice`);
      profiles.set(entry, file);
    }
    return { kind, file: parsed.positionals[0]!, out: parsed.values.out, name: parsed.values.name, profiles };
  };
  return { spec, parse };
}
