/**
 * Command lines for the flag fuzzing: valid argv of each command, and
 * mutations that make one flag's value extreme or empty, drop a value, or
 * add an unknown flag. Parsing runs in-process (no files are read).
 */
import fc from 'fast-check';
import { parseSimulateArgs } from '../commands/simulate.js';
import { FORECAST } from '../commands/forecast.js';
import { BACKTEST } from '../commands/backtest.js';
import { parseImportArgs } from '../commands/import/index.js';
import { parseFlags } from '../flags.js';
import { EXTREME_NUMBERS, RESERVED_WORDS } from './mutate.js';

export interface FlagCommand {
  readonly name: string;
  readonly argv: readonly string[];
  parse(argv: readonly string[]): unknown;
}

export const FLAG_COMMANDS: readonly FlagCommand[] = [
  { name: 'simulate', argv: ['--twin', 't.yaml', '--out', 'o', '--horizon', '2h', '--window', '5m', '--replications', '50', '--workers', '2', '--seed', '3', '--confidence', '0.9', '--warmup', '10m'], parse: parseSimulateArgs },
  { name: 'forecast', argv: ['--telemetry', 'a.csv', '--horizon', '2h', '--out', 'o', '--paths', '100', '--seed', '1', '--period', '12', '--limit', 'api/cpu=80'], parse: (a) => parseFlags(FORECAST, a) },
  { name: 'backtest', argv: ['--telemetry', 'a.csv', '--horizon', '30m', '--windows', '4', '--candidates', 'snaive,ets'], parse: (a) => parseFlags(BACKTEST, a) },
  // The import parser checks that the input exists: its FILE is this module (a file that always does).
  { name: 'import callgraph', argv: ['callgraph', new URL(import.meta.url).pathname, '--out', 'o.yaml', '--name', 'x'], parse: parseImportArgs },
];

const VALUES = [...EXTREME_NUMBERS, ...RESERVED_WORDS, '', ' ', '-1s', '1us', '1e300', '0s', '5', '1h', 'abc', '--', '-', '=', '1e-9', '99999999999steps'];

export const argvArb: fc.Arbitrary<{ command: number; argv: string[] }> = fc
  .record({
    command: fc.nat({ max: FLAG_COMMANDS.length - 1 }),
    edits: fc.array(fc.oneof(
      fc.record({ kind: fc.constant('value' as const), at: fc.nat(), value: fc.constantFrom(...VALUES) }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('add' as const), value: fc.constantFrom('--bogus', '--seed', '--workers=', '--horizon=1e300', '--window=1us', '--replications=1e9', '-h', '--constructor', '--__proto__', 'extra') }),
    ), { minLength: 1, maxLength: 3 }),
  })
  .map(({ command, edits }) => {
    const argv = [...FLAG_COMMANDS[command]!.argv];
    for (const e of edits) {
      if (e.kind === 'value') argv[e.at % argv.length] = e.value;
      else if (e.kind === 'drop') argv.splice(e.at % argv.length, 1);
      else argv.push(e.value);
    }
    return { command, argv };
  });
