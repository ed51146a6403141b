/**
 * `shadowcast nightly --config nightly.yaml [--out DIR]`: telemetry ->
 * forecast -> state -> simulate -> risk -> mitigation -> report -> store, in
 * one command (runs/nightly/pipeline.ts, docs/nightly.md). Exit 0 when no
 * node's P(fail) upper bound is above the config's threshold, 1 when one is,
 * 2 usage, 3 invalid input, 4 the run failed. Run again on the same DIR to
 * resume an interrupted run.
 */
import { duration } from '../report/report-numbers.js';
import { resolve } from 'node:path';
import { readNightlyConfig } from '../nightly/config.js';
import { NIGHTLY_FILES, runNightly, type NightlyResult } from '../nightly/pipeline.js';
import type { NightlyReportData } from '../nightly/report-data.js';
import { DEFAULT_STORE } from '../store/run-store.js';
import { defineCommand, OUTSIDE_PATHS_FLAG, parseFlags, usageText } from '../flags.js';
import { checkOutputFolder } from '../report/atomic.js';
import { EXECUTOR_FLAGS, executorChoice } from '../executors/choose.js';
import { table } from '../format.js';
import { ignoreLateSigint } from '../late-sigint.js';

export const NIGHTLY = defineCommand({
  command: 'nightly',
  flags: {
    config: { kind: 'path', value: 'FILE', required: true, help: 'nightly config (YAML, docs/nightly.md)' },
    out: { kind: 'path', value: 'DIR', absent: "the config's `out`, else out/nightly", help: 'where report.html, report-data.json, manifest.json and the step outputs go' },
    store: { kind: 'path', value: 'FILE', absent: `the config's \`store\`, else ${DEFAULT_STORE}`, help: 'run store (SQLite)' },
    replications: { kind: 'positiveInt', value: 'N', absent: "the config's", help: 'simulated futures, for the run and for each mitigation candidate' },
    workers: { kind: 'nonNegativeInt', value: 'N', absent: "the config's, else all cores; 0 = this thread", help: 'worker threads' },
    ...EXECUTOR_FLAGS,
    ...OUTSIDE_PATHS_FLAG,
    quiet: { kind: 'boolean', help: 'print only where the report is' },
  },
});

/** Runs the nightly for the arguments given; the result, or null after --help. */
export async function nightly(argv: readonly string[]): Promise<NightlyResult | null> {
  const parsed = parseFlags(NIGHTLY, argv);
  if (!parsed) {
    console.log(usageText(NIGHTLY));
    return null;
  }
  const v = parsed.values;
  const executor = executorChoice(NIGHTLY, v, v.workers);
  const read = await readNightlyConfig(v.config, { allowOutsidePaths: v['allow-outside-paths'] });
  const reps = v.replications;
  const config = reps === undefined ? read : { ...read, simulation: { ...read.simulation, replications: reps }, mitigation: { ...read.mitigation, replications: reps } };
  const out = resolve(v.out ?? config.out ?? 'out/nightly');
  await checkOutputFolder(out, v.out ? '--out' : `${config.file}: out`, { files: NIGHTLY_FILES });
  const store = resolve(v.store ?? config.store ?? DEFAULT_STORE);
  const log = v.quiet ? undefined : (line: string) => console.log(`  ${line}`);
  if (!v.quiet) console.log(`nightly: ${config.twin.name} from ${config.file} -> ${out}`);
  const r = await runNightly({ config, out, store, ...(v.workers !== undefined ? { workers: v.workers } : {}), ...(executor.kind === 'bullmq' ? { executor } : {}), ...(log ? { log } : {}), progress: !v.quiet });
  if (!v.quiet) {
    const t = riskTable(r.data);
    if (t) console.log(`\n${t}\n`);
    console.log(r.atRisk.length ? `${r.atRisk.length} node(s) above the risk threshold ${r.data.run.threshold}: ${r.atRisk.join(', ')}` : `no node above the risk threshold ${r.data.run.threshold}`);
    // The report lists them too; a reader of the summary must not have to open it to learn that a verdict is weak.
    for (const w of r.data.warnings) console.log(`warning: ${w}`);
  }
  console.log(`report: ${r.report}`);
  return r;
}

/**
 * The terminal's table of the nodes that failed or are at risk, or null when
 * none; the interval column is headed by the run's own level (risk.level).
 */
export function riskTable(d: Pick<NightlyReportData, 'nodes' | 'run'>): string | null {
  const rows = d.nodes.filter((n) => n.pFail.mean > 0 || n.pFail.hi > d.run.threshold).map((n) => [
    n.node, `${(100 * n.pFail.mean).toFixed(1)} % [${(100 * n.pFail.lo).toFixed(1)}, ${(100 * n.pFail.hi).toFixed(1)}]`, n.mainCondition ?? '-',
    n.timeToFailure ? duration(n.timeToFailure.p50) : '-', n.pFail.hi > d.run.threshold ? 'at risk' : '',
  ]);
  return rows.length ? table(['node', `P(fail) [${levelLabel(d.run.level)}]`, 'condition', 'ttf p50', ''], rows) : null;
}

/** An interval level as a header says it: 0.95 -> "95%", 0.975 -> "97.5%". */
export const levelLabel = (level: number): string => `${Number((100 * level).toPrecision(4))}%`;

export async function run(argv: string[]): Promise<number> {
  // Every step's outputs and the simulation's chunks are written whole as they finish: on Ctrl-C, say so and stop (130).
  const onSigint = (): void => {
    console.error('shadowcast nightly: interrupted: finished steps and simulation chunks are kept in the output folder; run the same command again to resume');
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  try {
    const r = await nightly(argv);
    return r ? r.exitCode : 0;
  } finally {
    // Handled until the process exits: a Ctrl-C after the work is done is not an interrupted run.
    process.off('SIGINT', onSigint);
    ignoreLateSigint('nightly');
  }
}
