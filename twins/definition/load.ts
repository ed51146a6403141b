/**
 * Reading a twin: YAML or JSON by extension (both parsed with the `yaml`
 * package so every problem gets a line number), then non-finite numbers,
 * schema, rate profiles, and the semantic rules (normalize.ts).
 */
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { Problems, TwinSpecError, type Locator, type PathSegments } from './errors.js';
import type { TwinInput } from './input.js';
import { normalizeTwin, type RateProfile } from './normalize.js';
import { readRateProfile } from './profile.js';
import { twinSchema } from './schema.js';
import type { Twin } from './types.js';
import { validateWithSchema } from './validate.js';

/** Reports numbers that are not finite (YAML's .inf / .nan) anywhere in a parsed document. */
export function checkFinite(value: unknown, path: (string | number)[], p: Problems): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) p.at(path, `expected a finite number, got ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkFinite(v, [...path, i], p));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkFinite(v, [...path, k], p);
  }
}

export interface FromObjectOptions {
  readonly source: string;
  readonly locate?: Locator;
  readonly profiles?: ReadonlyMap<string, RateProfile>;
  readonly warnings?: readonly string[];
}

/**
 * Checks a parsed document of the twin family (twin, call graph, snapshot):
 * every number finite, then the schema. Throws TwinSpecError listing every
 * problem with its path (and line, given a locator).
 */
export function validateDocument<T>(schema: Parameters<typeof validateWithSchema>[0], data: unknown, source: string, locate?: Locator): T {
  const p = new Problems(locate);
  checkFinite(data, [], p);
  p.throwIfAny(source);
  validateWithSchema(schema, data, p);
  p.throwIfAny(source);
  return data as T;
}

/** Schema-validates an untyped object (parsed JSON/YAML, or an importer's output). Throws TwinSpecError. */
export function validateTwinInput(data: unknown, source: string, locate?: Locator): TwinInput {
  return validateDocument<TwinInput>(twinSchema, data, source, locate);
}

/** A twin from an already-parsed object. Profiles must be given (they are files). Throws TwinSpecError. */
export function twinFromObject(data: unknown, opts: FromObjectOptions): Twin {
  const input = validateTwinInput(data, opts.source, opts.locate);
  return normalizeTwin(input, opts);
}

function locatorFor(doc: Document, lines: LineCounter): Locator {
  return (path: PathSegments) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = lines.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
}

/** Reads and parses a YAML or JSON file of the twin family (twin, call graph, snapshot); a file that cannot be read is a TwinSpecError. */
export async function readSpecText(file: string): Promise<{ data: unknown; locate: Locator }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new TwinSpecError(file, [{ path: '(file)', message: `cannot read: ${(e as Error).message}` }]);
  }
  return parseTwinText(text, file);
}

/** Parses YAML or JSON text; syntax errors become problems with line numbers. */
export function parseTwinText(text: string, source: string): { data: unknown; locate: Locator } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new TwinSpecError(
      source,
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { path: '(syntax)', message: e.message.split('\n')[0]!, line: pos.line, column: pos.col };
      }),
    );
  }
  return { data: doc.toJS({ maxAliasCount: 1000 }) as unknown, locate: locatorFor(doc, lines) };
}

/** Reads every profile CSV named by the entries (relative to the twin file's folder). */
async function loadProfiles(data: TwinInput, baseDir: string, source: string, locate: Locator): Promise<Map<string, RateProfile>> {
  const out = new Map<string, RateProfile>();
  const p = new Problems(locate);
  for (const [i, e] of data.entries.entries()) {
    if (e.profile === undefined || out.has(e.profile)) continue;
    try {
      out.set(e.profile, await readRateProfile(resolve(baseDir, e.profile)));
    } catch (err) {
      if (!(err instanceof TwinSpecError)) throw err;
      for (const q of err.problems) p.at(['entries', i, 'profile'], `${err.file}: ${q.path}: ${q.message}`);
    }
  }
  p.throwIfAny(source);
  return out;
}

/** Reads, validates and normalizes a twin file (.yaml, .yml or .json). Throws TwinSpecError listing every problem. */
export async function loadTwinFile(file: string, extraWarnings: readonly string[] = []): Promise<Twin> {
  const ext = extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) {
    throw new TwinSpecError(file, [{ path: '(file)', message: `expected a .yaml, .yml or .json twin file, got "${ext || 'no extension'}"` }]);
  }
  const { data, locate } = await readSpecText(file);
  const input = validateTwinInput(data, file, locate);
  const profiles = await loadProfiles(input, dirname(file), file, locate);
  return normalizeTwin(input, { source: file, locate, profiles, warnings: extraWarnings });
}
