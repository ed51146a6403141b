/**
 * The `command` applier: runs a configured argv template WITHOUT a shell
 * (child_process.execFile), so no value can become shell syntax. Each
 * placeholder is substituted inside one argument and its value must match a
 * strict pattern first: node ids as DNS-like names, numbers as digits. A value
 * with a shell metacharacter, a space or anything else outside the pattern is
 * refused before anything runs. The template itself is the operator's
 * configuration (a JSON file: {"apply": [argv...], "rollback": [argv...]});
 * unknown placeholders in it are refused when it is read.
 *
 * Placeholders: {node} {field} {value} (the value set: new on apply, old on
 * rollback) {from} {to} {replicas} {servers} (each the value set, when the
 * change sets that field) {proposal}.
 */
import { execFile } from 'node:child_process';
import { readInputText, twinFileError } from '../../../twins/definition/read-input.js';
import { promisify } from 'node:util';
import { ApplierRefusal, requireField, type Applier, type Change } from './applier.js';
import { InputError } from '../../usage-error.js';

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

export function checkTemplate(t: CommandTemplate, source: string): CommandTemplate {
  for (const key of ['apply', 'rollback'] as const) {
    const argv = t[key];
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string' && a !== '')) {
      throw new InputError(`${source}: ${key}: expected a non-empty array of non-empty strings (argv, no shell)`);
    }
    for (const arg of argv) {
      for (const m of arg.matchAll(PLACEHOLDER)) {
        if (!Object.hasOwn(PATTERNS, m[1]!)) throw new InputError(`${source}: ${key}: unknown placeholder {${m[1]}} (known: ${Object.keys(PATTERNS).map((k) => `{${k}}`).join(' ')})`);
      }
    }
  }
  return t;
}

export async function readCommandTemplate(file: string): Promise<CommandTemplate> {
  // Opened like every input (regular files only, size-limited): a FIFO would hang, /dev/zero fill the memory.
  const text = await readInputText(file, twinFileError(file));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: cannot read the command template (${(e as Error).message}); expected JSON {"apply": [argv...], "rollback": [argv...]}`);
  }
  return checkTemplate(data as CommandTemplate, file);
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
