/**
 * The fidelity controller's inputs, gathered from a shadow folder's history
 * (the last plan, the last sim-to-real comparison, fidelity.jsonl) and a
 * backtest of the forecast, and its decisions appended to DIR/fidelity.jsonl.
 * The rule itself is pure (twins/shadow/fidelity.ts).
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simToRealError, type ShadowComparison } from '../../../twins/shadow/compare.js';
import { adjustFidelity, fidelityLine, fidelityRecord, type FidelityDecision, type FidelityInputs, type FidelityRecord } from '../../../twins/shadow/fidelity.js';
import { budgetUse, removedByBudget } from '../../../twins/shadow/plan.js';
import type { ShadowPlan } from '../../../twins/shadow/plan-types.js';
import { InputError } from '../../usage-error.js';
import { PLAN_FILE, readPlanFile } from './shared.js';

export const FIDELITY_LOG = 'fidelity.jsonl';
export const COMPARE_JSON = 'compare.json';
/** Where a shadow folder without history starts (unless the command says otherwise). */
export const INITIAL_FIDELITY = 0.5;

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new InputError(`${file}: cannot read (${(e as Error).message})`);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(`${file}: expected JSON (${(e as Error).message})`);
  }
}

/** The last decision's new value, or null without history. A torn or edited line is named, never skipped. */
async function lastFidelity(dir: string): Promise<number | null> {
  const file = join(dir, FIDELITY_LOG);
  const text = await readOptional(file);
  if (text === null) return null;
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return null;
  const last = parseJson(lines[lines.length - 1]!, `${file}:${lines.length}`) as Partial<FidelityRecord>;
  if (typeof last.new !== 'number' || !(last.new >= 0 && last.new <= 1)) throw new InputError(`${file}:${lines.length}: new: expected a fidelity in [0, 1]`);
  return last.new;
}

/** Largest |observed − nominal| coverage (80 % and 95 % intervals) of a `shadowcast backtest --json` file. */
export async function coverageError(backtestFile: string): Promise<number> {
  const text = await readOptional(backtestFile);
  if (text === null) throw new InputError(`${backtestFile}: no such file (expected the JSON of 'shadowcast backtest --json')`);
  const data = parseJson(text, backtestFile) as { summary?: { model?: { cover80?: unknown; cover95?: unknown } } };
  const m = data.summary?.model;
  if (typeof m?.cover80 !== 'number' || typeof m.cover95 !== 'number') throw new InputError(`${backtestFile}: summary.model.cover80 and cover95: expected numbers (the JSON of 'shadowcast backtest --json')`);
  return Math.max(Math.abs(m.cover80 - 0.8), Math.abs(m.cover95 - 0.95));
}

/** What the controller sees in DIR: the last fidelity (or the initial one), the last comparison and the last plan's budget use. */
export async function fidelityInputs(dir: string, backtestFile: string | null, initial = INITIAL_FIDELITY): Promise<FidelityInputs> {
  const current = (await lastFidelity(dir)) ?? initial;
  const compareText = await readOptional(join(dir, COMPARE_JSON));
  const comparison = compareText === null ? null : (parseJson(compareText, join(dir, COMPARE_JSON)) as ShadowComparison);
  const planText = await readOptional(join(dir, PLAN_FILE));
  const plan = planText === null ? null : await readPlanFile(join(dir, PLAN_FILE));
  return {
    current,
    coverageError: backtestFile ? await coverageError(backtestFile) : null,
    simToRealError: comparison && Array.isArray(comparison.nodes) ? simToRealError(comparison) : null,
    budgetUse: plan ? budgetUse(plan) : null,
    dropped: plan ? removedByBudget(plan) : [],
  };
}

export type LoggedDecision = FidelityDecision & { readonly record: FidelityRecord };

/** The rule applied to `inputs`, appended to DIR/fidelity.jsonl. */
async function logDecision(dir: string, inputs: FidelityInputs, now: Date): Promise<LoggedDecision> {
  const decision = adjustFidelity(inputs);
  const record = fidelityRecord(now.toISOString(), inputs, decision);
  await mkdir(dir, { recursive: true });
  // One write of one line: appends of whole lines do not interleave.
  await appendFile(join(dir, FIDELITY_LOG), fidelityLine(record));
  return { ...decision, record };
}

/** Decides the next fidelity from DIR's history and appends the decision (old, new, inputs, reason) to DIR/fidelity.jsonl. */
export async function decideFidelity(dir: string, backtestFile: string | null, initial = INITIAL_FIDELITY, now = new Date()): Promise<LoggedDecision> {
  return logDecision(dir, await fidelityInputs(dir, backtestFile, initial), now);
}

/**
 * A plan made at `previous.new` that the budget refused: it is never written
 * to DIR (nothing runs), so the next decision would not see its drops and
 * would plan the same refused plan again. The refusal is decided at once
 * instead, from the same inputs with this plan's budget use and drops (rule
 * 1: the fidelity is lowered), and appended to DIR/fidelity.jsonl, where the
 * next turn starts from it.
 */
export async function decideAfterBudgetRefusal(dir: string, previous: FidelityRecord, plan: ShadowPlan, now = new Date()): Promise<LoggedDecision> {
  return logDecision(dir, { ...previous.inputs, current: previous.new, budgetUse: budgetUse(plan), dropped: removedByBudget(plan) }, now);
}
