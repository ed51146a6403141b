/** The options table: parsing by kind, required flags, defaults, positionals, and the usage drawn from the same table. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineCommand, parseFlags, usageText } from './flags.js';
import { UsageError } from './usage-error.js';

const SPEC = defineCommand({
  command: 'try',
  positionals: [{ name: 'FILE', help: 'the input' }],
  flags: {
    out: { kind: 'path', value: 'DIR', required: true, help: 'where to write' },
    count: { kind: 'positiveInt', default: '3', help: 'how many' },
    offset: { kind: 'nonNegativeInt', help: 'skip this many' },
    seed: { kind: 'int', default: '1', help: 'random seed' },
    rate: { kind: 'positiveNumber', help: 'per second' },
    level: { kind: 'level', default: '0.95', help: 'confidence' },
    horizon: { kind: 'duration', default: '1h', help: 'how long' },
    warmup: { kind: 'duration', allowZero: true, default: '0s', help: 'left out' },
    mode: { kind: 'choice', choices: ['fast', 'exact'], absent: 'fast', help: 'how' },
    tag: { kind: 'list', value: 'T', help: 'labels' },
    pair: { kind: 'custom', value: 'A=B', parse: (raw: string): [string, string] => {
      const m = /^(\w+)=(\w+)$/.exec(raw);
      if (!m) throw new Error(`expected NAME=VALUE, got '${raw}'`);
      return [m[1]!, m[2]!];
    }, help: 'a pair' },
    quiet: { kind: 'boolean', help: 'say less' },
  },
});

function usageErrorOf(argv: string[]): UsageError {
  try {
    parseFlags(SPEC, argv);
  } catch (e) {
    assert.instance(e, UsageError);
    return e as UsageError;
  }
  assert.unreachable(`accepted ${argv.join(' ')}`);
  throw new Error('unreachable');
}

test('values by kind, defaults parsed like given values, absent optional flags undefined', () => {
  const p = parseFlags(SPEC, ['in.txt', '--out', 'o', '--tag', 'a', '--tag', 'b', '--pair', 'x=y', '--warmup', '0', '--horizon', '90s', '--quiet'])!;
  assert.equal(p.positionals, ['in.txt']);
  const v = p.values;
  assert.equal(
    { out: v.out, count: v.count, offset: v.offset, seed: v.seed, rate: v.rate, level: v.level, horizon: v.horizon, warmup: v.warmup, mode: v.mode, tag: v.tag, pair: v.pair, quiet: v.quiet },
    { out: 'o', count: 3, offset: undefined, seed: 1, rate: undefined, level: 0.95, horizon: 90, warmup: 0, mode: undefined, tag: ['a', 'b'], pair: ['x', 'y'], quiet: true },
  );
  const q = parseFlags(SPEC, ['f', '--out=o', '--seed=-4', '--offset', '0', '--rate', '2.5', '--mode', 'exact', '--warmup', '5m'])!.values;
  assert.equal([q.seed, q.offset, q.rate, q.mode, q.warmup, q.tag], [-4, 0, 2.5, 'exact', 300, []]);
});

test('--help and -h give null before any other check', () => {
  assert.is(parseFlags(SPEC, ['--help']), null);
  assert.is(parseFlags(SPEC, ['-h']), null);
});

test('each problem is a UsageError naming the flag, carrying the usage of its command', () => {
  const cases: Array<[string[], string]> = [
    [['f'], '--out DIR is required'],
    [['--out', 'o'], 'expected FILE (the input)'],
    [['f', 'g', '--out', 'o'], "unexpected argument 'g'"],
    [['f', '--out', 'o', '--bogus'], "unknown option '--bogus'"],
    [['f', '--out'], "option '--out <value>' argument missing"],
    [['f', '--out', ''], "--out: expected a path, got ''"],
    [['f', '--out', 'o', '--count', '0'], "--count: expected a positive whole number, got '0'"],
    [['f', '--out', 'o', '--count', '2.5'], "--count: expected a positive whole number, got '2.5'"],
    [['f', '--out', 'o', '--count', ''], "--count: expected a positive whole number, got ''"],
    [['f', '--out', 'o', '--offset', '-1'], "--offset: a value starting with '-' must be given as --offset=VALUE"],
    [['f', '--out', 'o', '--offset=-1'], "--offset: expected a whole number >= 0, got '-1'"],
    [['f', '--out', 'o', '--seed', ''], "--seed: expected a whole number, got ''"],
    [['f', '--out', 'o', '--seed', 'one'], "--seed: expected a whole number, got 'one'"],
    [['f', '--out', 'o', '--rate', 'Infinity'], "--rate: expected a finite positive number, got 'Infinity'"],
    [['f', '--out', 'o', '--level', '1'], "--level: expected a number between 0 and 1 (exclusive), got '1'"],
    [['f', '--out', 'o', '--horizon', '0s'], "--horizon: expected a positive duration like 90s, 30m or 2h, got '0s'"],
    [['f', '--out', 'o', '--horizon', 'soon'], "--horizon: expected a positive duration like 90s, 30m or 2h, got 'soon'"],
    [['f', '--out', 'o', '--warmup', ''], "--warmup: expected a duration >= 0 like 90s, 30m or 2h, got ''"],
    [['f', '--out', 'o', '--mode', 'slow'], "--mode: expected one of fast, exact, got 'slow'"],
    [['f', '--out', 'o', '--tag', ''], "--tag: expected a non-empty value, got ''"],
    [['f', '--out', 'o', '--pair', 'x'], "--pair: expected NAME=VALUE, got 'x'"],
    [['f', '--out', 'o', '--quiet=yes'], "option '--quiet' does not take an argument"],
  ];
  for (const [argv, message] of cases) {
    const e = usageErrorOf(argv);
    assert.is(e.message, message, argv.join(' '));
    assert.is(e.command, 'try');
    assert.is(e.usage, usageText(SPEC));
  }
});

test('the usage comes from the table: synopsis with the required flags, defaults, choices', () => {
  const u = usageText(SPEC);
  assert.ok(u.startsWith('usage: shadowcast try FILE --out DIR [options]\n\n'), u);
  assert.match(u, /\n {2}FILE +the input\n/);
  assert.match(u, /\n {2}--count N +how many \(default 3\)\n/);
  assert.match(u, /\n {2}--mode NAME +how: fast\|exact \(default fast\)\n/);
  assert.match(u, /\n {2}--tag T +labels \(repeatable\)\n/);
  assert.match(u, /\n {2}--quiet +say less\n/);
  assert.match(u, /\n {2}-h, --help +print this text and exit$/);
  // Every flag of the table, in its order, and nothing else.
  const flags = [...u.matchAll(/^ {2}--([\w-]+)/gm)].map((m) => m[1]);
  assert.equal(flags, Object.keys(SPEC.flags));
});

test('a list flag can take bare arguments as more values', () => {
  const spec = defineCommand({ command: 'many', flags: { file: { kind: 'list', value: 'FILE', required: true, positionals: true, help: 'inputs' } } });
  assert.equal(parseFlags(spec, ['--file', 'a', 'b', 'c'])!.values.file, ['a', 'b', 'c']);
  assert.equal(parseFlags(spec, ['a', '--file', 'b'])!.values.file, ['b', 'a']);
  try {
    parseFlags(spec, []);
    assert.unreachable('accepted no file');
  } catch (e) {
    assert.is((e as Error).message, '--file: expected at least one file');
  }
});

test.run();
