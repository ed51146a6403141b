/**
 * Fidelity f in [0, 1] and what it decides (docs/shadow.md, "Fidelity"):
 *
 *   θ(f) = 0.5 · 0.02^f        P(fail) upper bound at or above which a node is critical
 *                              (0.5 at f = 0, 0.1 at f ≈ 0.41, 0.01 at f = 1: geometric)
 *   d(f) = floor(3f)           neighbourhood depth of the support set (0 below 1/3, 3 at f = 1)
 *   u(f) = 0.25 + 0.75 f       share of the core budget the shadow may plan to use before
 *                              it dilates time (a low-fidelity shadow runs slower on fewer cores)
 *
 * θ is decreasing and d and u non-decreasing, so a higher fidelity
 * duplicates a superset of the nodes and dilates time no more for the same
 * nodes: the design's "closer to production scale".
 */

export const THRESHOLD_AT_ZERO = 0.5;
export const THRESHOLD_AT_ONE = 0.01;
export const MAX_DEPTH = 3;
export const CORE_SHARE_AT_ZERO = 0.25;

function checkFidelity(f: number): void {
  if (!(Number.isFinite(f) && f >= 0 && f <= 1)) throw new RangeError(`fidelity must be a number in [0, 1], got ${f}`);
}

/** θ(f): geometric from 0.5 at f = 0 to 0.01 at f = 1. */
export function threshold(f: number): number {
  checkFidelity(f);
  return THRESHOLD_AT_ZERO * Math.pow(THRESHOLD_AT_ONE / THRESHOLD_AT_ZERO, f);
}

/** d(f): 0 for f < 1/3, 1 below 2/3, 2 below 1, 3 at 1. */
export function depth(f: number): number {
  checkFidelity(f);
  return Math.min(MAX_DEPTH, Math.floor(MAX_DEPTH * f + 1e-9));
}

/** u(f): share of the budget's cores the plan may use, 0.25 at f = 0 to 1 at f = 1. */
export function coreShare(f: number): number {
  checkFidelity(f);
  return CORE_SHARE_AT_ZERO + (1 - CORE_SHARE_AT_ZERO) * f;
}

// ---------------------------------------------------------------- controller

export interface FidelityInputs {
  /** Fidelity of the last plan. */
  readonly current: number;
  /** |observed − nominal| interval coverage of the forecast's backtest (e.g. nominal 0.9, observed 0.78: 0.12); null = unknown. */
  readonly coverageError: number | null;
  /** Relative error of the last sim-to-real comparison (largest over duplicated nodes, e.g. |measured − predicted| / predicted mean latency); null = none yet. */
  readonly simToRealError: number | null;
  /** Largest share of the budget the last plan used (processes, cores or memory: cost / budget); null = no plan yet. */
  readonly budgetUse: number | null;
  /** Nodes the last plan dropped for the budget (plan.dropped and plan.trimmed). */
  readonly dropped: readonly string[];
}

export interface FidelityPolicy {
  /** Coverage error above this is "forecast intervals off target". */
  readonly coverageTolerance: number;
  /** Sim-to-real error above this is "the shadow or the twin is off" (the issue's 15 % target). */
  readonly simToRealTolerance: number;
  /** Change of f per step. */
  readonly step: number;
  /** Budget use at or above which accuracy may not raise f (the next plan would not fit). */
  readonly budgetHeadroom: number;
}

export const DEFAULT_FIDELITY_POLICY: FidelityPolicy = { coverageTolerance: 0.05, simToRealTolerance: 0.15, step: 0.1, budgetHeadroom: 0.9 };

export interface FidelityDecision {
  readonly value: number;
  readonly reason: string;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/**
 * The rule, in order:
 *  1. budget exhausted (the last plan dropped nodes, or used more than the
 *     whole budget): f − step, naming the dropped nodes; a plan that does not
 *     fit cannot check anything, so this wins over accuracy;
 *  2. accuracy off target (coverage error or sim-to-real error above its
 *     tolerance): f + step for each of the two that is off, unless the
 *     budget is already used to `budgetHeadroom` (then kept, and said so);
 *  3. otherwise kept. An unknown error (null) counts as within tolerance;
 *     with both unknown the reason says nothing was measured yet.
 * The result is clamped to [0, 1] and rounded to 3 decimals.
 */
export function adjustFidelity(inputs: FidelityInputs, policy: FidelityPolicy = DEFAULT_FIDELITY_POLICY): FidelityDecision {
  checkFidelity(inputs.current);
  const f = inputs.current;
  const use = inputs.budgetUse;
  if (inputs.dropped.length > 0 || (use !== null && use > 1)) {
    const value = round3(Math.max(0, f - policy.step));
    const what = inputs.dropped.length > 0 ? `dropped ${inputs.dropped.join(', ')}` : 'nothing dropped';
    // At 0 there is nothing left to lower: only a larger budget helps, and the log must not claim otherwise.
    const outcome = value < f ? 'fidelity lowered' : 'fidelity already 0, only a larger budget helps';
    return { value, reason: `budget exhausted (${what}${use !== null ? `; used ${pct(use)} of the budget` : ''}): ${outcome}` };
  }
  const off: string[] = [];
  if (inputs.coverageError !== null && inputs.coverageError > policy.coverageTolerance) off.push(`backtest coverage off by ${pct(inputs.coverageError)} (tolerance ${pct(policy.coverageTolerance)})`);
  if (inputs.simToRealError !== null && inputs.simToRealError > policy.simToRealTolerance) off.push(`sim-to-real error ${pct(inputs.simToRealError)} (tolerance ${pct(policy.simToRealTolerance)})`);
  const unknown = [inputs.coverageError === null ? 'coverage unknown' : '', inputs.simToRealError === null ? 'no sim-to-real yet' : ''].filter(Boolean);
  const note = unknown.length > 0 ? `; ${unknown.join(', ')}` : '';
  if (off.length === 0) {
    // Nothing measured yet is not "within tolerance": say what is known, and that the fidelity is kept for lack of evidence.
    if (inputs.coverageError === null && inputs.simToRealError === null) return { value: f, reason: 'no accuracy measured yet (coverage unknown, no sim-to-real yet): kept' };
    return { value: f, reason: `accuracy within tolerance${note}: kept` };
  }
  if (use !== null && use >= policy.budgetHeadroom) return { value: f, reason: `${off.join('; ')}, but the budget is ${pct(use)} used: kept` };
  const value = round3(Math.min(1, f + policy.step * off.length));
  return { value, reason: `${off.join('; ')}${note}: fidelity raised` };
}

/** One line of DIR/fidelity.jsonl. */
export interface FidelityRecord {
  /** ISO-8601 time of the decision. */
  readonly at: string;
  readonly old: number;
  readonly new: number;
  readonly inputs: FidelityInputs;
  readonly policy: FidelityPolicy;
  readonly reason: string;
}

export function fidelityRecord(at: string, inputs: FidelityInputs, decision: FidelityDecision, policy: FidelityPolicy = DEFAULT_FIDELITY_POLICY): FidelityRecord {
  return { at, old: inputs.current, new: decision.value, inputs, policy, reason: decision.reason };
}

/** The record as one JSON line (with its newline), ready to append. */
export function fidelityLine(record: FidelityRecord): string {
  return JSON.stringify(record) + '\n';
}
