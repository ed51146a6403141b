/**
 * `shadowcast shadow plan`: which nodes of a twin to duplicate as real
 * processes, how to size and start them and what traffic drives them, from a
 * simulation result (twins/shadow/plan.ts decides; this file reads the inputs
 * and writes plan.json).
 */
import { join, resolve } from 'node:path';
import { readForecast } from '../../../models/forecast-file.js';
import { TwinSpecError } from '../../../twins/definition/errors.js';
import { loadTwinFile } from '../../../twins/definition/load.js';
import type { Twin } from '../../../twins/definition/types.js';
import { planShadow } from '../../../twins/shadow/plan.js';
import { formatPlanTable } from '../../../twins/shadow/plan-table.js';
import { PLAN_OPTIONS_SOURCE, type ShadowPlan } from '../../../twins/shadow/plan-types.js';
import { readSimulationResult } from '../../../twins/shadow/result-files.js';
import { readStateSnapshot } from '../../../twins/state.js';
import { defineCommand, flagTable, OUTSIDE_PATHS_FLAG, parseFlags, usageError, type CommandSpec, type FlagTable, type FlagValues } from '../../flags.js';
import { writeFileAtomically } from '../../report/atomic-file.js';
import { checkOutputFile } from '../../report/atomic.js';
import { InputError } from '../../usage-error.js';
import type { FidelityRecord } from '../../../twins/shadow/fidelity.js';
import { decideAfterBudgetRefusal, decideFidelity, FIDELITY_LOG } from './fidelity-history.js';
import { writeManifests } from './kubernetes.js';
import { parseBudget } from './shared.js';

export function parseFidelityValue(raw: string): number {
  const f = Number(raw);
  if (raw.trim() === '' || !(f >= 0 && f <= 1)) throw new Error(`expected a number in [0, 1], got '${raw}'`);
  return f;
}

function parseFidelity(raw: string): number | 'auto' {
  if (raw === 'auto') return 'auto';
  try {
    return parseFidelityValue(raw);
  } catch {
    throw new Error(`expected a number in [0, 1] or 'auto', got '${raw}'`);
  }
}

/** The flags that say how to plan; `shadow cycle` takes them too. */
export const PLAN_FLAGS = flagTable({
  twin: { kind: 'path', value: 'FILE', required: true, help: 'twin spec (YAML or JSON)' },
  result: { kind: 'path', value: 'SIMDIR', required: true, help: "output folder of 'shadowcast simulate' on this twin (summary.json, windows.csv)" },
  forecast: { kind: 'path', value: 'DIR', help: "forecast from 'shadowcast forecast' (for forecast-driven entries)" },
  state: { kind: 'path', value: 'FILE', help: 'production snapshot the simulation started from (replicas in reproduce mode)' },
  budget: { kind: 'custom', value: 'B', default: 'processes=8,cores=2,memory=2Gi', parse: parseBudget, help: 'what the shadow may use: processes=N,cores=C,memory=SIZE' },
  mode: { kind: 'choice', choices: ['reproduce', 'remediate'], default: 'reproduce', help: "reproduce: production's capacity (does it fail as predicted?); remediate: capacity for the forecast's p95 load" },
  start: { kind: 'duration', allowZero: true, value: 'DUR', absent: 'the window where the critical set is most at risk', help: 'where in the simulated horizon the shadow starts (its predicted state is taken there)' },
  duration: { kind: 'duration', value: 'DUR', absent: "one report window of the result", help: 'production time the traffic covers (the shadow runs k times longer)' },
  path: { kind: 'nonNegativeInt', value: 'I', help: 'forecast entries follow sample path I' },
  quantile: { kind: 'level', value: 'Q', absent: '0.95', help: 'forecast entries follow quantile Q of the forecast' },
  work: { kind: 'choice', choices: ['sleep', 'burn'], default: 'sleep', help: 'emulated service: a worker sleeps, or burns CPU, for the drawn time' },
  backtest: { kind: 'path', value: 'FILE', help: "with --fidelity auto: the JSON of 'shadowcast backtest --json' (its interval coverage error raises fidelity)" },
  'allow-partial': { kind: 'boolean', help: 'write the plan even when the budget cannot hold the whole critical set' },
  ...OUTSIDE_PATHS_FLAG,
});

export const SHADOW_PLAN = defineCommand({
  command: 'shadow plan',
  flags: {
    ...PLAN_FLAGS,
    fidelity: { kind: 'custom', value: 'F', default: '0.5', parse: parseFidelity, help: "fidelity in [0, 1] (higher: more nodes, less dilation), or 'auto' (from --dir's history)" },
    dir: { kind: 'path', value: 'DIR', help: "with --fidelity auto: the shadow folder whose history (fidelity.jsonl, compare.json, plan.json) sets it" },
    target: { kind: 'choice', choices: ['local', 'kubernetes'], default: 'local', help: 'where the shadow will run (kubernetes: also writes manifests.yaml beside the plan)' },
    image: { kind: 'string', value: 'IMAGE', default: 'shadowcast:0.1.0', help: 'with --target kubernetes: container image holding the built project and node' },
    namespace: { kind: 'string', value: 'NS', absent: 'shadowcast-shadow-<twin name>', help: "with --target kubernetes: the shadow's namespace" },
    out: { kind: 'path', value: 'FILE', required: true, help: 'plan.json to write (docs/shadow.md)' },
  },
  notes: 'Exit 3 when the budget cannot hold the critical set (the dropped nodes are named), unless --allow-partial; with --fidelity auto the refusal is logged in DIR/fidelity.jsonl with a lowered fidelity for the next plan.',
});

export type PlanFlagValues = FlagValues<typeof PLAN_FLAGS>;

export interface PlanRequest {
  readonly flags: PlanFlagValues;
  readonly fidelity: number;
  readonly fidelityAuto: { readonly reason: string } | null;
  readonly target: 'local' | 'kubernetes';
  /** The shadow folder whose history set the fidelity, and the decision logged there: a budget refusal is logged after it. */
  readonly history?: { readonly dir: string; readonly record: FidelityRecord };
}

/** Reads the inputs and plans (no file written). Throws InputError when the budget drops critical nodes and partial plans are not allowed. */
/** The planner's option names (twins/shadow) -> the flags they come from; a problem there is a usage error of that flag. */
const OPTION_FLAGS: Readonly<Record<string, string>> = {
  fidelity: '--fidelity', startAt: '--start', duration: '--duration', quantile: '--quantile', path: '--path', forecast: '--forecast',
  'budget.processes': '--budget processes=', 'budget.cores': '--budget cores=', 'budget.memory': '--budget memory=',
};

/** The planner with its option problems reported as usage errors naming the flags (exit 2), not as a bad input file. */
function planWithFlags(inputs: Parameters<typeof planShadow>[0], spec: CommandSpec<FlagTable>): ShadowPlan {
  try {
    return planShadow(inputs);
  } catch (e) {
    if (!(e instanceof TwinSpecError) || e.file !== PLAN_OPTIONS_SOURCE || !e.problems.every((p) => p.path in OPTION_FLAGS)) throw e;
    throw usageError(spec, e.problems.map((p) => `${OPTION_FLAGS[p.path]}: ${p.message}`).join('; '));
  }
}

export async function makePlan(req: PlanRequest, spec: CommandSpec<FlagTable>): Promise<{ plan: ShadowPlan; twin: Twin }> {
  const command = spec.command;
  const v = req.flags;
  if (v.path !== undefined && v.quantile !== undefined) throw usageError(SHADOW_PLAN, '--path and --quantile exclude each other');
  const twin = await loadTwinFile(v.twin, { allowOutsidePaths: v['allow-outside-paths'] });
  const traffic = v.path !== undefined ? '--path' : v.quantile !== undefined ? '--quantile' : null;
  if (traffic && !twin.entries.some((e) => e.arrival.kind === 'forecast')) {
    throw usageError(spec, `${traffic} chooses how forecast-driven entries follow the forecast, and no entry of ${v.twin} is driven by one (their rates are the twin's own)`);
  }
  const result = await readSimulationResult(v.result);
  const forecast = v.forecast ? { bundle: await readForecast(v.forecast), source: resolve(v.forecast) } : null;
  const state = v.state ? await readStateSnapshot(v.state, twin) : null;
  const plan = planWithFlags({
    twin, result, forecast, state,
    fidelity: req.fidelity, fidelityAuto: req.fidelityAuto,
    budget: v.budget, mode: v.mode, target: req.target,
    startAt: v.start ?? null, duration: v.duration ?? null,
    traffic: v.path !== undefined ? { kind: 'path', path: v.path } : v.quantile !== undefined ? { kind: 'quantile', quantile: v.quantile } : null,
    work: v.work, createdAt: new Date().toISOString(), allowOutsidePaths: v['allow-outside-paths'],
  }, spec);
  if (plan.dropped.length > 0 && !v['allow-partial']) {
    let next = '';
    if (req.history) {
      // The fidelity loop learns from this refusal too: the next turn plans lower instead of planning this again.
      const d = await decideAfterBudgetRefusal(req.history.dir, req.history.record, plan);
      next = `fidelity ${d.record.old} -> ${d.value} for the next turn: ${d.reason} (logged in ${join(req.history.dir, FIDELITY_LOG)}); `;
    }
    throw new InputError(`the budget (${v.budget.processes} processes, ${v.budget.cores} cores, ${(v.budget.memoryBytes / 2 ** 20).toFixed(0)} MiB) cannot hold the critical set: dropped ${plan.dropped.join(', ')}; ${next}raise --budget or pass --allow-partial\n\n${formatPlanTable(plan)}`, command);
  }
  return { plan, twin };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(SHADOW_PLAN, argv);
  if (!parsed) return -1;
  const v = parsed.values;
  await checkOutputFile(v.out);
  let fidelity: number, fidelityAuto: { reason: string } | null = null, history: PlanRequest['history'];
  if (v.fidelity === 'auto') {
    if (!v.dir) throw usageError(SHADOW_PLAN, '--fidelity auto needs --dir DIR (the shadow folder whose history sets it)');
    const d = await decideFidelity(v.dir, v.backtest ?? null);
    fidelity = d.value;
    fidelityAuto = { reason: d.reason };
    history = { dir: v.dir, record: d.record };
    console.log(`fidelity ${d.record.old} -> ${d.value}: ${d.reason} (logged in ${v.dir}/fidelity.jsonl)`);
  } else {
    fidelity = v.fidelity;
  }
  const { plan, twin } = await makePlan({ flags: v, fidelity, fidelityAuto, target: v.target, ...(history ? { history } : {}) }, SHADOW_PLAN);
  const written = [await writeFileAtomically(resolve(v.out), JSON.stringify(plan, null, 1) + '\n')];
  if (v.target === 'kubernetes') written.push(await writeManifests(plan, twin, resolve(v.out), v.image, v.namespace));
  console.log(formatPlanTable(plan));
  console.log(`\nwritten: ${written.join(', ')}`);
  return 0;
}
