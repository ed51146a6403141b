/**
 * The one CLI convention, checked on the real executable (a child process, so
 * the exit code is the one a shell sees): exit 0 done, 2 usage error with that
 * command's usage on stderr, 3 invalid input with a located message, 4 run
 * failed; messages `shadowcast <command>: ...` without error class names.
 */
import { InterruptedError } from '../usage-error.js';
import { SeriesSetError } from '../../models/telemetry/errors.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ForecastFormatError } from '../../models/forecast-file.js';
import { TelemetryError } from '../../models/telemetry/errors.js';
import { TwinSpecError } from '../../twins/definition/errors.js';
import { errorReport, exitCodeFor, InputError, UsageError } from '../errors.js';
import { MonteCarloError } from '../montecarlo/runner.js';
import { runCli, withTempDir } from '../test-support.js';

const CLASS_NAME = /\b[A-Z][a-zA-Z]*Error:/;


const cli = runCli;

function usageLine(command: string): RegExp {
  return new RegExp(`\\n\\nusage: shadowcast ${command} `);
}

// Each command as typed, with the arguments that come before its options.
const COMMANDS: ReadonlyArray<readonly [name: string, prefix: readonly string[]]> = [
  ['simulate', ['simulate']],
  ['forecast', ['forecast']],
  ['backtest', ['backtest']],
  ['import zoo', ['import', 'zoo', 'x.graphml']],
  ['import callgraph', ['import', 'callgraph', 'x.json']],
  ['import trace', ['import', 'trace', 'x.csv']],
  ['demo', ['demo']],
  ...['plan', 'up', 'status', 'down', 'inject', 'compare', 'cycle'].map((sub) => [`shadow ${sub}`, ['shadow', sub]] as const),
  ...['propose', 'approve', 'reject', 'apply', 'rollback', 'list'].map((sub) => [`mitigate ${sub}`, ['mitigate', sub]] as const),
];

for (const [name, prefix] of COMMANDS) {
  test(`${name} --bogus: exit 2, the message, then ${name}'s own usage, on stderr`, async () => {
    const r = await cli([...prefix, '--bogus']);
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stdout, '');
    assert.ok(r.stderr.startsWith(`shadowcast ${name}: unknown option '--bogus'\n\nusage: shadowcast ${name} `), r.stderr);
    assert.not.match(r.stderr, CLASS_NAME);
  });
}

// --help in this process (the exit code is run()'s return value, which cli.ts passes on): saves a start per command.
const RUNS: Readonly<Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>>> = {
  simulate: () => import('./simulate.js'),
  forecast: () => import('./forecast.js'),
  backtest: () => import('./backtest.js'),
  import: () => import('./import/index.js'),
  demo: () => import('./demo.js'),
  shadow: () => import('./shadow/index.js'),
  mitigate: () => import('./mitigate/index.js'),
};

for (const [name, [top, ...args]] of COMMANDS) {
  test(`${name} --help: its usage on stdout, exit 0`, async () => {
    const { run } = await RUNS[top!]!();
    const lines: string[] = [];
    const log = console.log;
    console.log = (...xs: unknown[]) => void lines.push(xs.map(String).join(' '));
    let code: number;
    try {
      code = await run([...args, '--help']);
    } finally {
      console.log = log;
    }
    assert.is(code, 0);
    const out = lines.join('\n');
    assert.ok(out.startsWith(`usage: shadowcast ${name} `), out);
    assert.match(out, /-h, --help/);
  });
}

test('from the shell: --help exits 0 with the usage on stdout; no command exits 2 with the command list on stderr', async () => {
  const help = await cli(['simulate', '--help']);
  assert.is(help.code, 0);
  assert.ok(help.stdout.startsWith('usage: shadowcast simulate --twin FILE --out DIR [options]\n'), help.stdout);
  assert.is(help.stderr, '');
  const none = await cli([]);
  assert.is(none.code, 2);
  assert.is(none.stdout, '');
  assert.match(none.stderr, /^usage: shadowcast <command> \[options\]\n\ncommands:\n {2}simulate /);
});

test('--version prints the package version and the build hash; help <command> is <command> --help', async () => {
  const v = await cli(['--version']);
  assert.is(v.code, 0, v.stderr);
  assert.match(v.stdout, /^shadowcast \d+\.\d+\.\d+\+[0-9a-f]{12}\n$/);
  const h = await cli(['help', 'simulate']);
  assert.is(h.code, 0, h.stderr);
  assert.is(h.stdout, (await cli(['simulate', '--help'])).stdout);
  const sub = await cli(['help', 'shadow', 'plan']);
  assert.is(sub.code, 0, sub.stderr);
  assert.ok(sub.stdout.startsWith('usage: shadowcast shadow plan '), sub.stdout);
});

test('an error from a subcommand is prefixed with the subcommand, whatever its class', async () => {
  const r = await cli(['shadow', 'plan', '--twin', 'no-such-twin.yaml', '--result', 'no-such-result', '--out', 'never.json']);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /^shadowcast shadow plan: /);
});

test('import without a kind, or with an unknown one: exit 2 and the usage of import', async () => {
  for (const args of [['import'], ['import', '--bogus'], ['import', 'zo', 'x.graphml']]) {
    const r = await cli(args);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, /^shadowcast import: /);
    assert.match(r.stderr, usageLine('import <zoo\\|callgraph\\|trace>'));
  }
});

test('backtest --windows 0 prints the backtest usage, not the forecast one', async () => {
  for (const args of [['backtest', '--windows', '0'], ['backtest', '--telemetry', 'x.csv', '--horizon', '24', '--windows', '0']]) {
    const r = await cli(args);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, usageLine('backtest'));
    assert.not.match(r.stderr, /shadowcast forecast/);
  }
  const r = await cli(['backtest', '--telemetry', 'x.csv', '--horizon', '24', '--windows', '0']);
  assert.match(r.stderr, /^shadowcast backtest: --windows: expected a positive whole number, got '0'\n/);
});

test('a missing required flag or argument: exit 2 and the command usage', async () => {
  for (const [name, args, message] of [
    ['simulate', ['simulate', '--out', 'x'], '--twin FILE is required'],
    ['forecast', ['forecast', '--telemetry', 'x.csv', '--horizon', '2h'], '--out DIR is required'],
    ['forecast', ['forecast', '--horizon', '2h', '--out', 'x'], '--telemetry: expected at least one path'],
    ['import callgraph', ['import', 'callgraph', 'x.json'], '--out TWIN is required'],
    ['import trace', ['import', 'trace', '--out', 'x.yaml'], 'expected FILE.csv'],
  ] as const) {
    const r = await cli(args);
    assert.is(r.code, 2, r.stderr);
    assert.ok(r.stderr.startsWith(`shadowcast ${name}: ${message}`), r.stderr);
    assert.match(r.stderr, usageLine(name));
  }
});

test('empty values are refused, not read as 0', async () => {
  for (const [name, args] of [
    ['simulate', ['simulate', '--twin', 'x.yaml', '--out', 'x', '--seed', '']],
    ['backtest', ['backtest', '--telemetry', 'x.csv', '--horizon', '24', '--seed', '']],
  ] as const) {
    const r = await cli(args);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^shadowcast ${name}: --[\\w-]+: expected a (positive )?whole number`));
  }
});

test('an invalid twin given to simulate: exit 3, file:line:column and field, no class name, no usage', () => withTempDir('cli-convention', async (dir) => {
    const twin = join(dir, 'bad.yaml');
    await writeFile(twin, [
      'name: bad', 'nodes:', '  - id: q', '    kind: service', '    servers: -2', '    service: { type: exponential, mean: 1s }',
      'entries:', '  - { id: in, node: q, rate: 3 }', '',
    ].join('\n'));
    const r = await cli(['simulate', '--twin', twin, '--out', join(dir, 'out'), '--quiet']);
    assert.is(r.code, 3, r.stderr);
    assert.ok(r.stderr.startsWith(`shadowcast simulate: 1 problem in ${twin}\n`), r.stderr);
    assert.ok(r.stderr.includes(`${twin}:5:14: nodes[0].servers: expected a number >= 1, got -2`), r.stderr);
    assert.not.match(r.stderr, CLASS_NAME);
    assert.not.match(r.stderr, /usage:/);
    assert.not.match(r.stderr, /\n\s+at /); // no stack without SHADOWCAST_DEBUG
    const debug = await cli(['simulate', '--twin', twin, '--out', join(dir, 'out'), '--quiet'], { SHADOWCAST_DEBUG: '1' });
    assert.is(debug.code, 3);
    assert.match(debug.stderr, /\n\s+at /);
}));

test('telemetry that is not there: exit 3 naming the file', async () => {
  const r = await cli(['backtest', '--telemetry', '/nonexistent/series.csv', '--horizon', '24']);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /^shadowcast backtest: \/nonexistent\/series\.csv: expected a readable file/);
  assert.not.match(r.stderr, CLASS_NAME);
});

test('exit codes by error class: usage 2, input 3, run failure and anything unexpected 4', () => {
  assert.is(exitCodeFor(new UsageError('x', 'simulate', 'usage')), 2);
  assert.is(exitCodeFor(new TwinSpecError('t.yaml', [{ path: 'nodes[0]', message: 'bad' }])), 3);
  assert.is(exitCodeFor(new ForecastFormatError('f/forecast.json', 'steps', 'a positive integer')), 3);
  assert.is(exitCodeFor(new TelemetryError({ file: 'a.csv', line: 3 }, 'a number', '"x"')), 3);
  assert.is(exitCodeFor(new InputError('w.json: bad')), 3);
  assert.is(exitCodeFor(new MonteCarloError('chunk 0 failed twice')), 4);
  assert.is(exitCodeFor(new TypeError('x is undefined')), 4);
  assert.is(exitCodeFor('a string'), 4);
  assert.is(exitCodeFor(new InterruptedError('interrupted: ...')), 130);
  assert.is(exitCodeFor(new SeriesSetError('a.csv: too short', 'horizon')), 3);
});

test('the report of an error: command prefix, no class name; usage after a usage error; stack only when debugging', () => {
  const e = new TypeError('x is undefined');
  assert.is(errorReport('simulate', e, false), 'shadowcast simulate: x is undefined');
  assert.ok(errorReport('simulate', e, true).startsWith('shadowcast simulate: x is undefined\n\nTypeError: x is undefined\n    at '));
  assert.is(errorReport('import', new UsageError('bad', 'import zoo', 'usage: shadowcast import zoo ...'), false), 'shadowcast import zoo: bad\n\nusage: shadowcast import zoo ...');
});

test.run();
