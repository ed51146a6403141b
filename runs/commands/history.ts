/**
 * `shadowcast history [--node N] [--store FILE] [--json]`: what the run store
 * holds (runs/store/run-store.ts, docs/run-store.md): the nightly runs, each
 * night's P(fail) per node (one node's trend with --node), and each night's
 * score of the night before's forecast (interval coverage, MASE).
 */
import { duration } from '../report/report-numbers.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_STORE, RunStore } from '../store/run-store.js';
import { defineCommand, parseFlags, usageText } from '../flags.js';
import { table } from '../format.js';
import { InputError } from '../usage-error.js';

export const HISTORY = defineCommand({
  command: 'history',
  flags: {
    node: { kind: 'string', value: 'N', help: "only this node's risk over the nights" },
    store: { kind: 'path', value: 'FILE', default: DEFAULT_STORE, help: 'run store (SQLite)' },
    limit: { kind: 'positiveInt', value: 'K', default: '14', help: 'most recent runs shown' },
    json: { kind: 'boolean', help: 'print JSON instead of tables' },
  },
});

const pct = (x: number) => `${(100 * x).toFixed(1)}`;
/** A run's interval level: "95 %", or "unknown" for a run recorded before the store kept it. */
const levelText = (level: number | null) => (level === null ? 'unknown' : `${Number((100 * level).toPrecision(4))} %`);

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(HISTORY, argv);
  if (!parsed) {
    console.log(usageText(HISTORY));
    return 0;
  }
  const v = parsed.values;
  const file = resolve(v.store);
  // Reading must not create a store where there was none.
  if (!existsSync(file)) throw new InputError(`${file}: no run store there (a nightly run creates it; --store names another)`);
  // Read-only: a file that is not a store (an empty one too) is refused, not given the store's tables.
  const store = new RunStore(file, undefined, { readOnly: true });
  try {
    const runs = store.runs({ limit: v.limit });
    const ids = new Set(runs.map((r) => r.id));
    const risk = store.nodeRisk(v.node !== undefined ? { node: v.node } : {}).filter((r) => ids.has(r.runId));
    if (v.node !== undefined && risk.length === 0) {
      const known = [...new Set(store.nodeRisk({ limit: 500 }).map((r) => r.node))];
      throw new InputError(`no risk recorded for node ${JSON.stringify(v.node)} in ${file}${known.length ? ` (nodes recorded: ${known.join(', ')})` : ''}`);
    }
    const scores = store.scores().filter((s) => ids.has(s.runId));
    if (v.json) {
      console.log(JSON.stringify({ store: file, runs: runs.map(({ manifest: _m, ...r }) => r), nodeRisk: risk, scores }, null, 1));
      return 0;
    }
    const runOf = new Map(runs.map((r) => [r.id, r]));
    // Runs of one night are told apart by their id, in the runs table's order (newest night, then newest run, first) in every table.
    console.log(`runs (${file}):\n${table(['night', 'run', 'twin', 'replications', 'level', 'at risk', 'exit', 'created'], runs.map((r) => [r.night, r.id, r.twin, String(r.replications), levelText(r.level), String(r.atRisk), String(r.exitCode), r.createdAt]), 3)}`);
    const shown = v.node !== undefined ? risk : risk.filter((r) => r.pFail > 0 || r.hi > (runOf.get(r.runId)?.threshold ?? 1));
    // The interval's level is each run's own (risk.level): one in the header when the rows agree, else one per row.
    const levels = [...new Set(shown.map((r) => runOf.get(r.runId)?.level ?? null))];
    const oneLevel = levels.length <= 1 ? (levels[0] ?? null) : undefined;
    const intervalSays = oneLevel === undefined ? 'with each run\'s interval (its level in the level column)' : oneLevel === null ? 'with an interval of unknown level (recorded before the store kept it)' : `with ${levelText(oneLevel)} interval`;
    const riskHeader = ['night', 'run', 'node', 'P(fail)', 'lo', 'hi', ...(oneLevel === undefined ? ['level'] : []), 'condition', 'ttf p50'];
    const riskRows = shown.map((r) => [r.night, r.runId, r.node, pct(r.pFail), pct(r.lo), pct(r.hi), ...(oneLevel === undefined ? [levelText(runOf.get(r.runId)?.level ?? null)] : []), r.condition ?? '-', r.timeToFailure ? duration(r.timeToFailure.p50) : '-']);
    console.log(`\nP(fail) per node${v.node !== undefined ? ` (${v.node})` : ' (nodes that failed or were above the threshold)'}, % ${intervalSays}:\n${table(riskHeader, riskRows, 3)}`);
    const order = new Map(runs.map((r, i) => [r.id, i]));
    const scored = [...scores].sort((a, b) => order.get(a.runId)! - order.get(b.runId)! || a.series.localeCompare(b.series));
    console.log(`\nforecast calibration (each night's score of the night before's forecast):\n${table(['night', 'run', 'scored night', 'scored run', 'series', 'points', 'cover 80 %', 'cover 95 %', 'MASE'], scored.map((s) => [s.night, s.runId, s.scoredNight, s.scoredRunId, s.series, String(s.points), pct(s.coverage80), pct(s.coverage95), s.mase === null ? '-' : s.mase.toFixed(3)]), 5)}`);
    return 0;
  } finally {
    store.close();
  }
}
