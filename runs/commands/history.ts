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
    console.log(`runs (${file}):\n${table(['night', 'run', 'twin', 'replications', 'at risk', 'exit', 'created'], runs.map((r) => [r.night, r.id, r.twin, String(r.replications), String(r.atRisk), String(r.exitCode), r.createdAt]), 3)}`);
    const shown = v.node !== undefined ? risk : risk.filter((r) => r.pFail > 0 || r.hi > (runs.find((x) => x.id === r.runId)?.threshold ?? 1));
    console.log(`\nP(fail) per node${v.node !== undefined ? ` (${v.node})` : ' (nodes that failed or were above the threshold)'}, % with 95 % interval:\n${table(['night', 'node', 'P(fail)', 'lo', 'hi', 'condition', 'ttf p50'], shown.map((r) => [r.night, r.node, pct(r.pFail), pct(r.lo), pct(r.hi), r.condition ?? '-', r.timeToFailure ? duration(r.timeToFailure.p50) : '-']), 2)}`);
    console.log(`\nforecast calibration (each night's score of the night before's forecast):\n${table(['night', 'scored night', 'series', 'points', 'cover 80 %', 'cover 95 %', 'MASE'], scores.map((s) => [s.night, s.scoredNight, s.series, String(s.points), pct(s.coverage80), pct(s.coverage95), s.mase === null ? '-' : s.mase.toFixed(3)]), 3)}`);
    return 0;
  } finally {
    store.close();
  }
}
