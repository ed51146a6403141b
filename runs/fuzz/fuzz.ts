/**
 * The fuzz loop shared by the fixed-seed test slice and `make fuzz`: draws
 * cases with fast-check, runs each against its entry point, and tallies the
 * outcomes by class (outcome.ts). Each case gets a fresh temp folder. The
 * hooks let a watchdog (watchdog.ts) see which case is running and restart
 * the loop after a case that never returned.
 */
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { argvArb, FLAG_COMMANDS } from './flags.js';
import { mutatedArb, type Mutation } from './mutate.js';
import { passes, runCase, type Outcome, type OutcomeClass } from './outcome.js';
import type { Target } from './targets.js';

export interface FuzzOptions {
  readonly seed: number;
  readonly numRuns: number;
  /** The time bound of one case, ms. */
  readonly boundMs: number;
}

export interface FuzzFailure {
  readonly target: string;
  readonly input: string;
  readonly outcome: Outcome;
}

export interface FuzzTally {
  readonly target: string;
  readonly cases: number;
  readonly byClass: Record<OutcomeClass, number>;
  readonly failures: FuzzFailure[];
}

/** Where a loop starts (the cases are drawn from the seed alike; earlier ones are skipped) and what it tells about each case. */
export interface CaseHooks {
  readonly from?: number;
  onStart?(index: number, input: string): void;
  onCase?(index: number, input: string, outcome: Outcome): void;
}

export function emptyTally(target: string): FuzzTally {
  return { target, cases: 0, byClass: { valid: 0, located: 0, crash: 0, unlocated: 0, slow: 0 }, failures: [] };
}

export function record(t: FuzzTally, input: string, o: Outcome): FuzzTally {
  const byClass = { ...t.byClass, [o.cls]: t.byClass[o.cls] + 1 };
  const failures = passes(o) ? t.failures : [...t.failures, { target: t.target, input, outcome: o }];
  return { ...t, cases: t.cases + 1, byClass, failures };
}

function describe(mutations: readonly Mutation[]): string {
  return JSON.stringify(mutations);
}

/** Mutated copies of the target's seeds, each read in a fresh temp folder. */
export async function fuzzTarget(target: Target, o: FuzzOptions, hooks: CaseHooks = {}): Promise<FuzzTally> {
  let tally = emptyTally(target.name);
  const cases = fc.sample(mutatedArb(target.seeds), { seed: o.seed, numRuns: o.numRuns });
  for (let i = hooks.from ?? 0; i < cases.length; i++) {
    const c = cases[i]!;
    const input = `seed ${c.seed} + ${describe(c.mutations)}`;
    const dir = await mkdtemp(join(tmpdir(), 'shadowcast-fuzz-'));
    try {
      const file = join(dir, target.file);
      await writeFile(file, c.text);
      hooks.onStart?.(i, input);
      const outcome = await runCase(() => target.run(file, dir), [basename(target.file)], o.boundMs);
      hooks.onCase?.(i, input, outcome);
      tally = record(tally, input, outcome);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return tally;
}

/** Mutated command lines, parsed by each command's own parser. */
export async function fuzzFlags(o: FuzzOptions, hooks: CaseHooks = {}): Promise<FuzzTally> {
  let tally = emptyTally(FLAGS_TARGET);
  const cases = fc.sample(argvArb, { seed: o.seed, numRuns: o.numRuns });
  for (let i = hooks.from ?? 0; i < cases.length; i++) {
    const c = cases[i]!;
    const command = FLAG_COMMANDS[c.command]!;
    const input = `${command.name} ${JSON.stringify(c.argv)}`;
    // Located: the message names a flag (`--x`), a missing argument (FILE) or an argument it was given.
    const where = ['--', 'FILE', ...c.argv.filter((a) => a.length > 0)];
    hooks.onStart?.(i, input);
    const outcome = await runCase(async () => command.parse(c.argv), where, o.boundMs);
    hooks.onCase?.(i, input, outcome);
    tally = record(tally, input, outcome);
  }
  return tally;
}

/** The name of the command-line target (fuzzFlags) among the readers' names. */
export const FLAGS_TARGET = 'command-line flags';
