/**
 * Reading a twin: YAML or JSON by extension (both parsed with the `yaml`
 * package so every problem gets a line number), then non-finite numbers,
 * schema, rate profiles, and the semantic rules (normalize.ts).
 */
import { realpath } from 'node:fs/promises';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { LIMITS } from '../../engine/limits.js';
import { jsonProblem } from '../../models/telemetry/json-position.js';
import { readInputText, twinFileError } from './read-input.js';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { bounded, Problems, TwinSpecError, type Locator, type PathSegments } from './errors.js';
import type { TwinInput } from './input.js';
import { normalizeTwin, type RateProfile } from './normalize.js';
import { readRateProfile } from './profile.js';
import { twinSchema } from './schema.js';
import type { Twin } from './types.js';
import { validateWithSchema } from './validate.js';
import { readTrafficMatrix, type MatrixRow } from '../network/matrix.js';

/**
 * Reports numbers that are not finite (YAML's .inf / .nan) anywhere in a
 * parsed document, and nesting deeper than LIMITS.nestingDepth. Iterative: the
 * depth comes from the input.
 */
export function checkFinite(value: unknown, path: (string | number)[], p: Problems): void {
  const stack: [unknown, (string | number)[]][] = [[value, path]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) p.at(at, `expected a finite number, got ${v}`);
    } else if (v !== null && typeof v === 'object') {
      if (at.length - path.length >= LIMITS.nestingDepth) {
        p.at(at, `nested more than ${LIMITS.nestingDepth} levels deep (the limit of docs/limits.md)`);
        continue;
      }
      const items: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
      for (let i = items.length - 1; i >= 0; i--) stack.push([items[i]![1], [...at, items[i]![0]]]);
    }
  }
}

/**
 * checkFinite, then the schema, for readers that list the schema's problems
 * beside the non-finite numbers (validateDocument stops after them): ajv
 * takes Infinity and NaN for no number at all, and a message shows them as
 * JSON's null, so what it says at a spot checkFinite has reported (or inside
 * it) is the same bad value a second time, with a bogus `got null`; that is
 * left out. Returns whether every number was finite and whether the schema
 * passed.
 */
export function checkFiniteAndSchema(schema: Parameters<typeof validateWithSchema>[0], data: unknown, p: Problems): { finite: boolean; valid: boolean } {
  const before = p.size;
  checkFinite(data, [], p);
  const bad = p.list.slice(before).map((q) => q.path);
  const mid = p.size;
  const valid = validateWithSchema(schema, data, p);
  if (bad.length > 0) {
    const reported = (path: string): boolean => bad.some((b) => path === b || path.startsWith(`${b}.`) || path.startsWith(`${b}[`));
    const kept = p.list.slice(mid).filter((q) => !reported(q.path));
    p.list.splice(mid, p.list.length - mid, ...kept);
  }
  return { finite: bad.length === 0, valid };
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

/**
 * Where the key of a mapping entry is: `nodes.cart` of a block mapping is the
 * line `cart:`, while locatorFor gives where its value starts (the line
 * after). For problems about a key itself (an unknown id used as a key); an
 * index or a path that is not a mapping's key falls back to locatorFor.
 */
function keyLocatorFor(doc: Document, lines: LineCounter, value: Locator): Locator {
  return (path: PathSegments) => {
    const key = path[path.length - 1];
    const parent = path.length > 0 && typeof key === 'string' ? doc.getIn(path.slice(0, -1), true) : undefined;
    if (isMap(parent)) {
      for (const pair of parent.items) {
        if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) {
          const pos = lines.linePos(pair.key.range[0]);
          return { line: pos.line, column: pos.col };
        }
      }
    }
    return value(path);
  };
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

/** A parsed document of the twin family and where its parts are: `locate` a value, `locateKey` a mapping's key (keyLocatorFor). */
export interface ParsedSpec {
  readonly data: unknown;
  readonly locate: Locator;
  readonly locateKey: Locator;
}

/** Reads and parses a YAML or JSON file of the twin family (twin, call graph, snapshot); a file that cannot be read is a TwinSpecError. */
export async function readSpecText(file: string): Promise<ParsedSpec> {
  const text = await readInputText(file, twinFileError(file));
  return parseTwinText(text, file, /\.json$/i.test(file) ? 'json' : 'yaml');
}

/** Line and column (1-based) of an offset in `text`. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * Deepest bracket nesting of a flow-style text (JSON, or YAML written with
 * [ ] and { }), ignoring quoted strings and, in YAML, comments. In YAML a
 * quote opens a string only where a scalar starts (after `: `, `- `, `[`,
 * `{`, `,` or at a line's start): an apostrophe inside a plain scalar ("the
 * shop's frontend") is a letter, not the start of a string that would hide
 * the brackets after it.
 */
function bracketDepth(text: string, syntax: 'yaml' | 'json'): { depth: number; offset: number } {
  const yaml = syntax === 'yaml';
  let depth = 0;
  let max = 0;
  let at = 0;
  let quote = '';
  /** The last character outside strings that was not a space or tab ('\n' at the start). */
  let prev = '\n';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) {
        // YAML writes a quote inside '...' as ''.
        if (quote === "'" && text[i + 1] === "'") i++;
        else { quote = ''; prev = c; }
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (yaml && c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
      continue;
    }
    if ((c === '"' || c === "'") && (!yaml || '\n:-[{,?'.includes(prev))) quote = c;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth > max) [max, at] = [depth, i];
    } else if (c === ']' || c === '}') depth--;
    prev = c;
  }
  return { depth: max, offset: at };
}

/**
 * Parses YAML or JSON text; syntax errors become problems with line numbers.
 * JSON files are also held to JSON's own rules (the YAML parser would accept
 * trailing commas and comments in them). Nesting deeper than
 * LIMITS.nestingDepth is refused before parsing: the parser recurses.
 */
export function parseTwinText(text: string, source: string, syntax: 'yaml' | 'json' = 'yaml'): ParsedSpec {
  const deep = bracketDepth(text, syntax);
  if (deep.depth > LIMITS.nestingDepth) {
    throw new TwinSpecError(source, [{ path: '(syntax)', message: `nested more than ${LIMITS.nestingDepth} levels deep (the limit of docs/limits.md)`, ...positionOf(text, deep.offset) }]);
  }
  if (syntax === 'json') {
    const problem = jsonProblem(text, true);
    if (problem !== undefined) {
      const { offset, duplicateKey } = problem;
      const message = duplicateKey !== undefined
        ? `duplicate key ${JSON.stringify(duplicateKey)} (keys of one object must be unique)`
        : offset >= text.length ? 'invalid JSON: the text ends too early' : `invalid JSON at ${JSON.stringify(text.slice(offset, offset + 1))}`;
      throw new TwinSpecError(source, [{ path: '(syntax)', message, ...positionOf(text, offset) }]);
    }
    // Valid, strict JSON: JSON.parse is ~100x faster than composing a YAML document (a 1000-router network
    // twin is megabytes). Line numbers are only needed when validation finds a problem, so the document
    // that locates them is composed then, once.
    let located: ParsedSpec | undefined;
    const composed = () => (located ??= parseTwinText(text, source, 'yaml'));
    return { data: JSON.parse(text) as unknown, locate: (path) => composed().locate(path), locateKey: (path) => composed().locateKey(path) };
  }
  const lines = new LineCounter();
  let doc: Document;
  let data: unknown;
  try {
    // logLevel 'error': the parser's warnings (a collection used as a key) would go to the console; the schema reports such keys.
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
    if (doc.errors.length > 0) {
      throw new TwinSpecError(
        source,
        doc.errors.map((e) => {
          const pos = lines.linePos(e.pos[0]);
          const first = e.message.split('\n')[0]!;
          // The parser recurses on block nesting and reports its own stack overflow as a syntax error.
          const message = /call stack/i.test(first) ? `nested too deeply to read (the limit is ${LIMITS.nestingDepth} levels, docs/limits.md)` : first;
          return { path: '(syntax)', message, line: pos.line, column: pos.col };
        }),
      );
    }
    data = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (e) {
    if (e instanceof TwinSpecError) throw e;
    // The yaml package throws for alias bombs (maxAliasCount) and runs out of stack on deep block nesting.
    const why = e instanceof RangeError ? `nested too deeply to read (the limit is ${LIMITS.nestingDepth} levels, docs/limits.md)` : bounded((e as Error).message.split('\n')[0]!, 200);
    throw new TwinSpecError(source, [{ path: '(syntax)', message: why }]);
  }
  const locate = locatorFor(doc, lines);
  return { data, locate, locateKey: keyLocatorFor(doc, lines, locate) };
}

/** How a twin file's own paths (rate profiles) may point. */
export interface TwinFileOptions {
  /** Warnings to carry into the twin. */
  readonly warnings?: readonly string[];
  /** Let paths named in the twin leave its folder (`--allow-outside-paths`); by default they must stay inside it. */
  readonly allowOutsidePaths?: boolean;
}

/**
 * A path named inside an input file, resolved against that file's folder.
 * Unless allowed, it must stay inside that folder (after symbolic links are
 * followed): a twin from elsewhere cannot make the tool read /etc/passwd.
 * Returns the path, or a problem.
 */
export async function pathInsideFolder(baseDir: string, named: string, allowOutside: boolean): Promise<{ path: string } | { problem: string }> {
  const full = resolve(baseDir, named);
  if (allowOutside) return { path: full };
  let real: string;
  let base: string;
  try {
    [real, base] = await Promise.all([realpath(full), realpath(baseDir)]);
  } catch {
    return { problem: `cannot read ${JSON.stringify(named)} (relative to ${baseDir}): no such file` };
  }
  const rel = relative(base, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    return { problem: `${JSON.stringify(named)} points outside the twin file's folder ${baseDir}: refused (give --allow-outside-paths to allow it)` };
  }
  return { path: full };
}

/** Reads every profile CSV named by the entries (relative to the twin file's folder, and inside it unless allowed). */
async function loadProfiles(data: TwinInput, baseDir: string, source: string, locate: Locator, allowOutside: boolean): Promise<Map<string, RateProfile>> {
  const out = new Map<string, RateProfile>();
  const p = new Problems(locate);
  for (const [i, e] of data.entries.entries()) {
    if (e.profile === undefined || out.has(e.profile)) continue;
    const where = await pathInsideFolder(baseDir, e.profile, allowOutside);
    if ('problem' in where) {
      p.at(['entries', i, 'profile'], where.problem);
      continue;
    }
    try {
      out.set(e.profile, await readRateProfile(where.path));
    } catch (err) {
      if (!(err instanceof TwinSpecError)) throw err;
      for (const q of err.problems) p.at(['entries', i, 'profile'], `${err.file}: ${q.path}: ${q.message}`);
    }
  }
  p.throwIfAny(source);
  return out;
}

/**
 * Reads the routed network's traffic matrix CSV, when the twin names one
 * (relative to the twin file's folder, inside it unless allowed). A problem in
 * the CSV is a TwinSpecError naming the CSV file and line.
 */
async function loadMatrix(data: TwinInput, baseDir: string, source: string, locate: Locator, allowOutside: boolean): Promise<MatrixRow[] | undefined> {
  const t = data.network?.traffic;
  if (!t || !('matrix' in t)) return undefined;
  const where = await pathInsideFolder(baseDir, t.matrix, allowOutside);
  if ('problem' in where) {
    const p = new Problems(locate);
    p.at(['network', 'traffic', 'matrix'], where.problem);
    p.throwIfAny(source);
  }
  const routers = new Set(data.nodes.filter((n) => (n.kind ?? data.defaults?.kind ?? 'service') === 'router').map((n) => n.id));
  return readTrafficMatrix((where as { path: string }).path, routers);
}

/** Reads, validates and normalizes a twin file (.yaml, .yml or .json). Throws TwinSpecError listing every problem. */
export async function loadTwinFile(file: string, options: readonly string[] | TwinFileOptions = {}): Promise<Twin> {
  const o: TwinFileOptions = Array.isArray(options) ? { warnings: options } : (options as TwinFileOptions);
  const ext = extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) {
    throw new TwinSpecError(file, [{ path: '(file)', message: `expected a .yaml, .yml or .json twin file, got "${ext || 'no extension'}"` }]);
  }
  const { data, locate } = await readSpecText(file);
  const input = validateTwinInput(data, file, locate);
  const profiles = await loadProfiles(input, dirname(resolve(file)), file, locate, o.allowOutsidePaths ?? false);
  const matrix = await loadMatrix(input, dirname(resolve(file)), file, locate, o.allowOutsidePaths ?? false);
  return normalizeTwin(input, { source: file, locate, profiles, warnings: o.warnings ?? [], ...(matrix ? { matrix } : {}) });
}
