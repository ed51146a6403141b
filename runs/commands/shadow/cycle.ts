/**
 * `shadowcast shadow cycle`: one turn of the fidelity loop. The controller
 * reads DIR's history (the last plan's budget use and drops, the last
 * sim-to-real error, the forecast's backtest coverage) and sets the fidelity
 * (logged in DIR/fidelity.jsonl); then plan, up, inject, compare and down.
 * Run it again and the next turn learns from this one.
 */
import { formatPlanTable } from '../../../twins/shadow/plan-table.js';
import { shadowDown, shadowStatus } from '../../shadow/materialise.js';
import { defineCommand, parseFlags } from '../../flags.js';
import { decideFidelity, INITIAL_FIDELITY } from './fidelity-history.js';
import { statusTable, up } from './lifecycle.js';
import { makePlan, parseFidelityValue, PLAN_FLAGS } from './plan.js';
import { compare, compareExitCode, inject, injectSummary } from './traffic.js';

export const SHADOW_CYCLE = defineCommand({
  command: 'shadow cycle',
  flags: {
    ...PLAN_FLAGS,
    dir: { kind: 'path', value: 'DIR', required: true, help: 'the shadow folder: its history sets the fidelity; the new plan, telemetry and comparison go there' },
    inject: { kind: 'duration', value: 'DUR', absent: "the plan's duration × k", help: 'wall-clock time of injected traffic' },
    'keep-up': { kind: 'boolean', help: 'leave the shadow running after the comparison' },
    'initial-fidelity': { kind: 'custom', value: 'F', default: String(INITIAL_FIDELITY), parse: parseFidelityValue, help: 'the fidelity of the first turn, when DIR has no fidelity.jsonl yet' },
  },
  notes: 'A shadow still running in DIR from an earlier turn is stopped first. Exit 1 when some duplicated node is outside tolerance, as shadow compare. Exit 3 when the budget cannot hold the critical set (unless --allow-partial): nothing is started, and the fidelity is lowered for the next turn (logged in DIR/fidelity.jsonl).',
});

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(SHADOW_CYCLE, argv);
  if (!parsed) return -1;
  const v = parsed.values;
  const decision = await decideFidelity(v.dir, v.backtest ?? null, v['initial-fidelity']);
  console.log(`fidelity ${decision.record.old} -> ${decision.value}: ${decision.reason}`);
  const { plan } = await makePlan({ flags: v, fidelity: decision.value, fidelityAuto: { reason: decision.reason }, target: 'local', history: { dir: v.dir, record: decision.record } }, SHADOW_CYCLE);
  console.log(`${formatPlanTable(plan)}\n`);
  const before = await shadowStatus(v.dir);
  if (before && before.processes.some((p) => p.alive)) await shadowDown(v.dir);
  let keep = false;
  let code: 0 | 1;
  try {
    console.log(statusTable(await up(plan, v.dir)));
    const report = await inject({ dir: v.dir, ...(v.inject !== undefined ? { durationShadowSeconds: v.inject } : {}) });
    console.log(`\n${injectSummary(report)}`);
    const c = await compare(v.dir);
    console.log(`\n${c.table}`);
    code = compareExitCode(c);
    keep = v['keep-up'];
  } finally {
    if (!keep) await shadowDown(v.dir);
  }
  console.log(`\n${keep ? `shadow left running in ${v.dir}` : 'shadow stopped'}; the next 'shadow cycle --dir ${v.dir}' adjusts the fidelity from this turn`);
  // A turn whose comparison says "no" is exit 1, as `shadow compare` alone: a cron job sees it without reading the table.
  return code;
}
