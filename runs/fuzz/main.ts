/**
 * `make fuzz`: the long run of the fuzz suite. Prints, per entry point, the
 * cases tried and the outcomes by class, then every failure (none expected),
 * and exits 1 when any case failed the property. Each target runs in a
 * watched worker thread, so a case that hangs is reported, not waited on.
 *   node dist/runs/fuzz/main.js [--runs N] [--seed S]
 */
import { parseArgs } from 'node:util';
import { emptyTally, FLAGS_TARGET, record, type FuzzOptions, type FuzzTally } from './fuzz.js';
import type { FuzzJob } from './fuzz-worker.js';
import { fuzzTargets } from './targets.js';
import { runWatched } from './watchdog.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '400' }, seed: { type: 'string', default: '1' } } });
const numRuns = Number(values.runs);
const seed = Number(values.seed);
if (!Number.isInteger(numRuns) || numRuns < 1 || !Number.isInteger(seed)) {
  console.error('usage: node dist/runs/fuzz/main.js [--runs N] [--seed S]');
  process.exit(2);
}
const options = { seed, numRuns, boundMs: 10_000 };
/** A case still running at this point is a hang: its worker is stopped and the run goes on (watchdog.ts). */
const HANG_MS = 3 * options.boundMs;
const WORKER = new URL('./fuzz-worker.js', import.meta.url);

/** One target's cases in watched worker threads, tallied in case order. */
async function watched(target: string, o: FuzzOptions): Promise<FuzzTally> {
  let tally = emptyTally(target);
  await runWatched<FuzzJob>(WORKER, { target, options: o }, HANG_MS, (c) => { tally = record(tally, c.input, c.outcome); });
  return tally;
}

const t0 = performance.now();
const tallies: FuzzTally[] = [];
for (const target of await fuzzTargets()) {
  tallies.push(await watched(target.name, options));
  console.error(`${target.name}: done`);
}
tallies.push(await watched(FLAGS_TARGET, { ...options, numRuns: numRuns * 4 }));

const cols = ['entry point', 'cases', 'valid', 'located error', 'crash', 'unlocated', 'slow'];
const rows = tallies.map((t) => [t.target, t.cases, t.byClass.valid, t.byClass.located, t.byClass.crash, t.byClass.unlocated, t.byClass.slow].map(String));
const sum = (k: number) => String(rows.reduce((a, r) => a + Number(r[k]), 0));
rows.push(['total', sum(1), sum(2), sum(3), sum(4), sum(5), sum(6)]);
console.log(`fuzz: seed ${seed}, ${numRuns} cases per reader (x4 for flags), ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
const failures = tallies.flatMap((t) => t.failures);
for (const f of failures) console.log(`\nFAIL ${f.target} (${f.outcome.cls}): ${f.input}\n  ${f.outcome.detail}`);
process.exitCode = failures.length > 0 ? 1 : 0;
