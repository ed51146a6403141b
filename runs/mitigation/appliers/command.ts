/**
 * The `command` applier: runs a configured argv template WITHOUT a shell
 * (child_process.execFile), so no value can become shell syntax. Each
 * placeholder is substituted inside one argument and its value must match a
 * strict pattern first: node ids as DNS-like names, numbers as digits. A value
 * with a shell metacharacter, a space or anything else outside the pattern is
 * refused before anything runs. The template itself is the operator's
 * configuration (a JSON file: {"apply": [argv...], "rollback": [argv...]});
 * unknown keys and placeholders in it are refused when it is read, each at
 * its line and column with a "did you mean".
 *
 * Placeholders: {node} {field} {value} (the value set: new on apply, old on
 * rollback) {from} {to} {replicas} {servers} (each the value set, when the
 * change sets that field) {proposal}.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SchemaObject } from 'ajv';
import { didYouMean } from '../../../engine/did-you-mean.js';
import { Problems, type Locator } from '../../../twins/definition/errors.js';
import { parseTwinText, validateDocument } from '../../../twins/definition/load.js';
import { readInputText, twinFileError } from '../../../twins/definition/read-input.js';
import { ApplierRefusal, requireField, type Applier, type Change } from './applier.js';

const PATTERNS: Readonly<Record<string, RegExp>> = {
  node: /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/,
  field: /^(replicas|servers)$/,
  value: /^[0-9]{1,6}$/, from: /^[0-9]{1,6}$/, to: /^[0-9]{1,6}$/, replicas: /^[0-9]{1,6}$/, servers: /^[0-9]{1,6}$/,
  proposal: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
};
const PLACEHOLDER = /\{([a-z]+)\}/g;

export interface CommandTemplate {
  readonly apply: readonly string[];
  readonly rollback: readonly string[];
  /** Seconds before the command is killed (default 60). */
  readonly timeoutSeconds?: number;
}

const argvSchema = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };

/** The template file's shape; unknown keys are refused with a "did you mean" (validateDocument). */
export const commandTemplateSchema: SchemaObject = {
  type: 'object',
  properties: {
    apply: argvSchema,
    rollback: argvSchema,
    // Node's timers hold at most ~24.8 days and turn anything longer into 1 ms: a day is more than any scaling command needs.
    timeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 86_400 },
  },
  required: ['apply', 'rollback'],
  additionalProperties: false,
};

/** A template from a parsed document: its shape, then every placeholder known. Throws TwinSpecError listing every problem (located, given `locate`). */
export function checkTemplate(data: unknown, source: string, locate?: Locator): CommandTemplate {
  const t = validateDocument<CommandTemplate>(commandTemplateSchema, data, source, locate);
  const p = new Problems(locate);
  const known = Object.keys(PATTERNS);
  for (const key of ['apply', 'rollback'] as const) {
    t[key].forEach((arg, i) => {
      for (const m of arg.matchAll(PLACEHOLDER)) {
        if (!Object.hasOwn(PATTERNS, m[1]!)) p.at([key, i], `unknown placeholder {${m[1]}}${didYouMean(m[1]!, known)} (known: ${known.map((k) => `{${k}}`).join(' ')})`);
      }
    });
  }
  p.throwIfAny(source);
  return t;
}

/**
 * Reads a template file: opened like every input (regular files only,
 * size-limited: a FIFO would hang, /dev/zero fill the memory), held to JSON
 * with errors at line:column, then checkTemplate.
 */
export async function readCommandTemplate(file: string): Promise<CommandTemplate> {
  const text = await readInputText(file, twinFileError(file));
  const { data, locate } = parseTwinText(text, file, 'json');
  return checkTemplate(data, file, locate);
}

/** The argv for one direction, every placeholder value checked against its pattern; throws ApplierRefusal naming the bad value. */
export function commandArgv(t: CommandTemplate, change: Change, direction: 'apply' | 'rollback'): string[] {
  const f = requireField('command', change, ['replicas', 'servers']);
  const value = direction === 'apply' ? f.to : f.from;
  const values: Record<string, string> = {
    node: change.target, field: f.name, value: String(value), from: String(f.from), to: String(f.to), proposal: change.proposalId, [f.name]: String(value),
  };
  return t[direction].map((arg) => arg.replace(PLACEHOLDER, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new ApplierRefusal(`placeholder {${name}} has no value for ${change.proposalId} (it sets ${f.name})`);
    if (!PATTERNS[name]!.test(v)) {
      throw new ApplierRefusal(`refusing to run the command: {${name}} would be ${JSON.stringify(v)}, which does not match ${PATTERNS[name]} (shell metacharacters, spaces and other characters are never passed on)`);
    }
    return v;
  }));
}

export function commandApplier(t: CommandTemplate): Applier {
  const run = async (change: Change, direction: 'apply' | 'rollback'): Promise<string> => {
    const argv = commandArgv(t, change, direction);
    try {
      const { stdout } = await promisify(execFile)(argv[0]!, argv.slice(1), { shell: false, timeout: (t.timeoutSeconds ?? 60) * 1000, maxBuffer: 1 << 20 });
      return `ran ${JSON.stringify(argv)}${stdout.trim() ? `: ${stdout.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
    } catch (e) {
      const err = e as Error & { code?: unknown; stderr?: string };
      throw new Error(`${JSON.stringify(argv)} failed (${String(err.code ?? err.message)})${err.stderr ? `: ${err.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
    }
  };
  return {
    name: 'command',
    changesSomething: true,
    describe: (change, direction) => `run ${JSON.stringify(commandArgv(t, change, direction))} (no shell)`,
    apply: (change) => run(change, 'apply'),
    rollback: (change) => run(change, 'rollback'),
  };
}
