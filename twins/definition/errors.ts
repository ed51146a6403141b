/**
 * One error type for every problem found in a twin, a snapshot or an import,
 * so the CLI can print them all at once. Paths use the twin file's own shape:
 * `nodes[3].service.mean`, `edges[0].to`, `nodes.cart.busy` (snapshot).
 */

export interface TwinProblem {
  /** Where: a path into the input (`nodes[3].service.mean`), or `(file)` / `line 12` for whole-file problems. */
  readonly path: string;
  /** What was expected / what is wrong. */
  readonly message: string;
  /** 1-based line and column in the source file when known (YAML / JSON twin files). */
  readonly line?: number;
  readonly column?: number;
}

/** Characters of one problem's message, and problems listed in one error: a file with a million mistakes (or a YAML alias bomb) gives a bounded message. */
export const MAX_PROBLEM_CHARS = 400;
export const MAX_PROBLEMS_SHOWN = 50;

/** Cuts a message to `max` characters, saying how much was left out. */
export function bounded(text: string, max = MAX_PROBLEM_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`;
}

/**
 * A value from the input as shown in a message: scalars as JSON, cut short;
 * objects and lists only by their shape, so an error never echoes a file's
 * contents at length.
 */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value !== null && typeof value === 'object') return 'an object';
  if (value === undefined) return 'nothing';
  return bounded(JSON.stringify(value) ?? String(value), 80);
}

export class TwinSpecError extends Error {
  readonly problems: readonly TwinProblem[];
  readonly file: string;

  constructor(file: string, problems: readonly TwinProblem[]) {
    super(formatProblems(file, problems));
    this.name = 'TwinSpecError';
    this.file = file;
    this.problems = problems;
  }
}

export function formatProblem(file: string, p: TwinProblem): string {
  const where = p.line !== undefined ? `${file}:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : file;
  return `${where}: ${p.path}: ${p.message}`;
}

export function formatProblems(file: string, problems: readonly TwinProblem[]): string {
  const head = `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${file}`;
  const listed = problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => '  ' + bounded(formatProblem(file, p), MAX_PROBLEM_CHARS + file.length + 40));
  const more = problems.length > MAX_PROBLEMS_SHOWN ? [`  ... and ${problems.length - MAX_PROBLEMS_SHOWN} more`] : [];
  return [head, ...listed, ...more].join('\n');
}

/** A path into the input as segments: ['nodes', 3, 'service', 'mean']. */
export type PathSegments = readonly (string | number)[];

/** Where a path sits in the source file, when the reader knows (YAML/JSON via the yaml package). */
export type Locator = (path: PathSegments) => { line: number; column: number } | undefined;

/** Display form of a path: nodes[3].service.mean; the root is `(root)`. */
export function pathToString(path: PathSegments): string {
  let out = '';
  for (const seg of path) out = joinPath(out, seg);
  return out === '' ? '(root)' : out;
}

/** Appends a property or index to a display path: join('nodes', 3) = 'nodes[3]', join('nodes[3]', 'service') = 'nodes[3].service'. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** Collects problems (with line numbers when a locator is given); `throwIfAny` raises them together. */
export class Problems {
  readonly list: TwinProblem[] = [];
  constructor(private readonly locate?: Locator) {}
  at(path: PathSegments, message: string): void {
    const pos = this.locate?.(path);
    const text = bounded(message);
    this.list.push(pos ? { path: bounded(pathToString(path), 200), message: text, line: pos.line, column: pos.column } : { path: bounded(pathToString(path), 200), message: text });
  }
  /** For problems that are not inside the document (a whole file, a CSV line: `line` then gives `file:line:` in the message). */
  raw(path: string, message: string, line?: number): void {
    this.list.push({ path: bounded(path, 200), message: bounded(message), ...(line !== undefined ? { line } : {}) });
  }
  get size(): number {
    return this.list.length;
  }
  throwIfAny(file: string): void {
    if (this.list.length > 0) throw new TwinSpecError(file, this.list);
  }
}
