/**
 * One options table per command. node:util parseArgs splits the command line;
 * this file derives its options from the table, checks and converts each value
 * by its kind, types the result from the table, and renders the usage text from
 * it, so that the flags a command parses, the values it gets and the usage it
 * prints cannot drift apart. Every problem is a UsageError (exit 2) carrying
 * the usage of the command it belongs to.
 */
import { parseArgs } from 'node:util';
import { parseDuration, parsePositiveDuration } from '../twins/definition/units.js';
import { UsageError } from './usage-error.js';
import { parseDecimal } from '../models/telemetry/decimal.js';

interface Described {
  /** One line of the usage text. */
  readonly help: string;
  /** Placeholder for the value in the usage text: FILE, DUR, N. */
  readonly value?: string;
}

interface Valued extends Described {
  readonly required?: boolean;
  /** The default as it would be typed: parsed like a given value, and shown in the usage. */
  readonly default?: string;
  /** What happens when the flag is not given, for the usage only ('all cores'); the value is then undefined. */
  readonly absent?: string;
}

/** Kinds whose value is a number checked against a rule of the kind. */
export type NumberKind = 'positiveInt' | 'nonNegativeInt' | 'int' | 'positiveNumber' | 'level';

export type FlagSpec =
  | (Described & { readonly kind: 'boolean' })
  | (Valued & { readonly kind: 'string' | 'path' | NumberKind })
  /** Seconds (parsePositiveDuration); allowZero also takes 0, 0s, 0m. */
  | (Valued & { readonly kind: 'duration'; readonly allowZero?: boolean })
  | (Valued & { readonly kind: 'choice'; readonly choices: readonly string[] })
  /** Repeatable flag; `positionals` takes bare arguments as more values (`--telemetry a.csv b.csv`). */
  | (Described & { readonly kind: 'list'; readonly required?: boolean; readonly positionals?: boolean; readonly parse?: (raw: string) => unknown })
  /** Anything else: `parse` returns the value or throws an Error whose message says what was expected. */
  | (Valued & { readonly kind: 'custom'; readonly parse: (raw: string) => unknown });

export type FlagTable = Readonly<Record<string, FlagSpec>>;

export interface PositionalSpec {
  /** Name in the usage: FILE, KIND. */
  readonly name: string;
  readonly help: string;
}

export interface CommandSpec<T extends FlagTable> {
  /** The command as typed after `shadowcast`: `simulate`, `import zoo`. */
  readonly command: string;
  /** Arguments without a flag, each required, in this order. */
  readonly positionals?: readonly PositionalSpec[];
  readonly flags: T;
  /** Text after the options (rules that involve several flags). */
  readonly notes?: string;
}

type Value<S> =
  S extends { kind: 'boolean' } ? boolean :
  S extends { kind: 'list'; parse: (raw: string) => infer R } ? R[] :
  S extends { kind: 'list' } ? string[] :
  S extends { kind: 'custom'; parse: (raw: string) => infer R } ? R :
  S extends { kind: 'choice'; choices: readonly (infer C)[] } ? C :
  S extends { kind: 'string' | 'path' } ? string :
  number;

/** Whether a flag always has a value: booleans and lists (false, []), required flags, flags with a default. */
type AlwaysSet<S> =
  S extends { kind: 'boolean' | 'list' } ? true :
  S extends { required: true } ? true :
  S extends { default: string } ? true :
  false;

/** The parsed values, typed from the table: a value for each flag, undefined only for optional flags without a default. */
export type FlagValues<T extends FlagTable> = {
  readonly [K in keyof T]: AlwaysSet<T[K]> extends true ? Value<T[K]> : Value<T[K]> | undefined;
};

export interface Parsed<T extends FlagTable> {
  readonly values: FlagValues<T>;
  /** The positional arguments, one per entry of spec.positionals. */
  readonly positionals: readonly string[];
  /** Flags given on the command line (not their defaults): a flag that only matters with another must be refused when given without it. */
  readonly given: ReadonlySet<string>;
}

/** Declares a command's table; `const` keeps the literal kinds, choices and `required: true` that type the result. */
export function defineCommand<const T extends FlagTable>(spec: CommandSpec<T>): CommandSpec<T> {
  return spec;
}

/** A table shared by several commands (spread into their `flags`), typed as precisely as one declared in place. */
export function flagTable<const T extends FlagTable>(table: T): T {
  return table;
}

/** Every command that reads a twin takes this flag: a twin naming files (rate profiles, a traffic matrix) outside its own folder is refused without it. */
export const OUTSIDE_PATHS_FLAG = flagTable({
  'allow-outside-paths': { kind: 'boolean', help: "let files named in the twin (rate profiles, a traffic matrix) lie outside the twin file's folder" },
});

const NUMBER_RULES: Readonly<Record<NumberKind, { readonly expected: string; readonly ok: (n: number) => boolean }>> = {
  positiveInt: { expected: 'a positive whole number', ok: (n) => Number.isInteger(n) && n >= 1 },
  nonNegativeInt: { expected: 'a whole number >= 0', ok: (n) => Number.isInteger(n) && n >= 0 },
  int: { expected: 'a whole number', ok: (n) => Number.isSafeInteger(n) },
  positiveNumber: { expected: 'a finite positive number', ok: (n) => Number.isFinite(n) && n > 0 },
  level: { expected: 'a number between 0 and 1 (exclusive)', ok: (n) => n > 0 && n < 1 },
};

const DEFAULT_PLACEHOLDER: Readonly<Record<Exclude<FlagSpec['kind'], 'boolean'>, string>> = {
  string: 'TEXT', path: 'PATH', positiveInt: 'N', nonNegativeInt: 'N', int: 'N', positiveNumber: 'X', level: 'L',
  duration: 'DUR', choice: 'NAME', list: 'VALUE', custom: 'VALUE',
};

function placeholder(spec: FlagSpec): string {
  return spec.kind === 'boolean' ? '' : spec.value ?? DEFAULT_PLACEHOLDER[spec.kind];
}

/** The usage text of a command, from its table. */
export function usageText(spec: CommandSpec<FlagTable>): string {
  const required = Object.entries(spec.flags)
    .filter(([, f]) => f.kind !== 'boolean' && f.required)
    .map(([name, f]) => `--${name} ${placeholder(f)}${f.kind === 'list' ? '...' : ''}`);
  const synopsis = ['usage: shadowcast', spec.command, ...(spec.positionals ?? []).map((p) => p.name), ...required, '[options]'].join(' ');
  const rows: [string, string][] = (spec.positionals ?? []).map((p) => [p.name, p.help]);
  for (const [name, f] of Object.entries(spec.flags)) {
    let help = f.help;
    if (f.kind === 'choice') help += `: ${f.choices.join('|')}`;
    if (f.kind !== 'boolean' && f.kind !== 'list') {
      if (f.default !== undefined) help += ` (default ${f.default})`;
      else if (f.absent !== undefined) help += ` (default ${f.absent})`;
    }
    if (f.kind === 'list') help += ' (repeatable)';
    rows.push([`--${name}${f.kind === 'boolean' ? '' : ` ${placeholder(f)}`}`, help]);
  }
  rows.push(['-h, --help', 'print this text and exit']);
  const width = Math.max(20, ...rows.map(([left]) => left.length + 2));
  const body = rows.map(([left, help]) => `  ${left.padEnd(width)} ${help}`).join('\n');
  return `${synopsis}\n\n${body}${spec.notes ? `\n\n${spec.notes}` : ''}`;
}

/** A UsageError for this command (for rules the table cannot say, such as two flags that exclude each other). */
export function usageError(spec: CommandSpec<FlagTable>, message: string): UsageError {
  return new UsageError(message, spec.command, usageText(spec));
}

function convert(name: string, f: Exclude<FlagSpec, { kind: 'boolean' | 'list' }>, raw: string): unknown {
  const bad = (expected: string): Error => new Error(`--${name}: expected ${expected}, got '${raw}'`);
  switch (f.kind) {
    case 'string':
    case 'path':
      if (raw === '') throw bad(f.kind === 'path' ? 'a path' : 'a non-empty value');
      return raw;
    case 'duration': {
      try {
        if (f.allowZero) {
          const d = parseDuration(/^[0-9.]+(e[-+]?[0-9]+)?$/i.test(raw) ? Number(raw) : raw);
          if (d >= 0) return d;
        }
        return parsePositiveDuration(raw);
      } catch {
        throw bad(`${f.allowZero ? 'a duration >= 0' : 'a positive duration'} like 90s, 30m or 2h`);
      }
    }
    case 'choice':
      if (!f.choices.includes(raw)) throw bad(`one of ${f.choices.join(', ')}`);
      return raw;
    case 'custom':
      try {
        return f.parse(raw);
      } catch (e) {
        throw new Error(`--${name}: ${(e as Error).message}`);
      }
    default: {
      const rule = NUMBER_RULES[f.kind];
      // Decimal only: Number('') is 0 and Number('0x10') is 16; neither may pass silently.
      const n = parseDecimal(raw);
      if (!rule.ok(n)) throw bad(rule.expected);
      return n;
    }
  }
}

function listItem(name: string, parse: ((raw: string) => unknown) | undefined, raw: string): unknown {
  if (raw === '') throw new Error(`--${name}: expected a non-empty value, got ''`);
  if (!parse) return raw;
  try {
    return parse(raw);
  } catch (e) {
    throw new Error(`--${name}: ${(e as Error).message}`);
  }
}

/** parseArgs' own messages, without its advice about `--`, in the style of ours. */
function parseArgsMessage(e: Error, argv: readonly string[]): string {
  const unknown = /^Unknown option '([^']+)'/.exec(e.message);
  if (unknown) {
    // A short option is one letter of an argument (`-.inf` gives '-.'): name the whole argument.
    const whole = unknown[1]!.length === 2 ? argv.find((a) => a.startsWith(unknown[1]!) && a.length > 2) : undefined;
    return whole ? `unknown option '${whole}' (a value starting with '-' must be given as --flag=VALUE)` : `unknown option '${unknown[1]}'`;
  }
  const ambiguous = /^Option '([^' ]+)'[^\n]* argument is ambiguous/.exec(e.message);
  if (ambiguous) return `${ambiguous[1]}: a value starting with '-' must be given as ${ambiguous[1]}=VALUE`;
  const first = e.message.split('\n')[0]!.replace(/\.$/, '');
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/**
 * Parses argv by the table. Returns null when --help / -h was given (the caller
 * prints usageText to stdout and exits 0); throws a UsageError for an unknown
 * flag, a missing required flag or argument, or a value that is not of its kind.
 */
export function parseFlags<T extends FlagTable>(spec: CommandSpec<T>, argv: readonly string[]): Parsed<T> | null {
  if ('help' in spec.flags) throw new Error(`${spec.command}: --help is added to every command; the table must not declare it`);
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, f] of Object.entries(spec.flags)) {
    options[name] = f.kind === 'boolean' ? { type: 'boolean' } : f.kind === 'list' ? { type: 'string', multiple: true } : { type: 'string' };
  }
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (e) {
    throw usageError(spec, parseArgsMessage(e as Error, argv));
  }
  if (parsed.values.help === true) return null;

  const values: Record<string, unknown> = {};
  let positionals = parsed.positionals;
  const absorbs = Object.values(spec.flags).some((f) => f.kind === 'list' && f.positionals);
  try {
    // Arguments first: they come first on the command line and in the usage.
    const wanted = spec.positionals ?? [];
    if (!absorbs && positionals.length < wanted.length) {
      const missing = wanted[positionals.length]!;
      throw new Error(`expected ${missing.name} (${missing.help})`);
    }
    if (!absorbs && positionals.length > wanted.length) {
      throw new Error(`unexpected argument${positionals.length - wanted.length > 1 ? 's' : ''} ${positionals.slice(wanted.length).map((p) => `'${p}'`).join(' ')}`);
    }
    for (const [name, f] of Object.entries(spec.flags)) {
      const got = parsed.values[name];
      if (f.kind === 'boolean') {
        values[name] = got === true;
      } else if (f.kind === 'list') {
        const raws = (Array.isArray(got) ? got : []).map(String);
        if (f.positionals) {
          raws.push(...positionals);
          positionals = [];
        }
        if (f.required && raws.length === 0) throw new Error(`--${name}: expected at least one ${placeholder(f).toLowerCase()}`);
        values[name] = raws.map((raw) => listItem(name, f.parse, raw));
      } else {
        const raw = typeof got === 'string' ? got : f.default;
        if (raw === undefined) {
          if (f.required) throw new Error(`--${name} ${placeholder(f)} is required`);
          values[name] = undefined;
        } else {
          values[name] = convert(name, f, raw);
        }
      }
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw usageError(spec, (e as Error).message);
  }
  // The one cast: the loop above gave every flag of the table a value of its kind.
  const given = new Set(Object.keys(spec.flags).filter((name) => parsed.values[name] !== undefined));
  return { values: values as FlagValues<T>, positionals, given };
}
