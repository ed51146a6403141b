/**
 * What the `shadow` subcommands share: the --budget flag, reading the plan a
 * shadow folder was started from, and loading the plan's twin with its
 * content hash checked (a plan is only ever run against the twin it was made
 * from).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { twinContentHash } from '../../../twins/definition/content-hash.js';
import { loadTwinFile } from '../../../twins/definition/load.js';
import type { Twin } from '../../../twins/definition/types.js';
import { parseSize } from '../../../twins/definition/units.js';
import type { Budget } from '../../../twins/shadow/budget.js';
import type { ShadowPlan } from '../../../twins/shadow/plan-types.js';
import { readPlan } from '../../../twins/shadow/read-plan.js';
import { InputError } from '../../usage-error.js';

/** The plan `shadow up` copies into the shadow folder, read by inject, compare and cycle. */
export const PLAN_FILE = 'plan.json';

const BUDGET_KEYS = ['processes', 'cores', 'memory'] as const;

/** `processes=N,cores=C,memory=M` (memory with a unit: 2Gi, 512Mi); every key is required. */
export function parseBudget(raw: string): Budget {
  const seen = new Map<string, string>();
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part.trim() : part.slice(0, eq).trim();
    if (eq < 0 || !(BUDGET_KEYS as readonly string[]).includes(key)) {
      throw new Error(`expected processes=N,cores=C,memory=SIZE, got '${part}' in '${raw}'`);
    }
    if (seen.has(key)) throw new Error(`'${key}' is given twice in '${raw}'`);
    seen.set(key, part.slice(eq + 1).trim());
  }
  const missing = BUDGET_KEYS.filter((k) => !seen.has(k));
  if (missing.length > 0) throw new Error(`expected processes=N,cores=C,memory=SIZE: missing ${missing.join(', ')} in '${raw}'`);
  const processes = Number(seen.get('processes'));
  if (!(/^\d+$/.test(seen.get('processes')!) && processes >= 1)) throw new Error(`processes: expected a whole number >= 1, got '${seen.get('processes')}'`);
  const cores = Number(seen.get('cores'));
  if (!(/^\d+(\.\d+)?$/.test(seen.get('cores')!) && cores > 0)) throw new Error(`cores: expected a number > 0, got '${seen.get('cores')}'`);
  let memoryBytes: number;
  try {
    memoryBytes = parseSize(seen.get('memory')!);
  } catch (e) {
    throw new Error(`memory: ${(e as Error).message}`);
  }
  if (!(memoryBytes > 0)) throw new Error(`memory: expected a size > 0, got '${seen.get('memory')}'`);
  return { processes, cores, memoryBytes };
}

/** The twin a plan was made from, loaded from its recorded source and checked against its content hash. */
export async function planTwin(plan: ShadowPlan, twinFile?: string): Promise<Twin> {
  const file = twinFile ?? plan.twin.source;
  const twin = await loadTwinFile(file, { allowOutsidePaths: plan.twin.allowOutsidePaths === true });
  if (twinContentHash(twin) !== plan.twin.hash) {
    throw new InputError(`${file}: this twin's content differs from the one the plan was made from (plan twin hash ${plan.twin.hash.slice(0, 12)}…): make a new plan`);
  }
  return twin;
}

async function planText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read the plan (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); make one with 'shadowcast shadow plan'`);
  }
}

/** The plan alone: schema and its own consistency. */
export async function readPlanFile(file: string): Promise<ShadowPlan> {
  return readPlan(await planText(file), undefined, file);
}

/** The plan and its twin: the twin's content hash checked, and every node, call and entry the plan names found in the twin. */
export async function readPlanWithTwin(file: string): Promise<{ plan: ShadowPlan; twin: Twin }> {
  const text = await planText(file);
  const twin = await planTwin(readPlan(text, undefined, file));
  return { plan: readPlan(text, twin, file), twin };
}

/** The plan a shadow folder was started from (`shadow up` copies it there). */
export function readShadowPlan(dir: string): Promise<ShadowPlan> {
  return readPlanFile(join(dir, PLAN_FILE));
}
