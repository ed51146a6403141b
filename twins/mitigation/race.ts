/**
 * Racing the candidates (sequential elimination on common random numbers):
 * every candidate runs the same first batch of replications as the baseline;
 * after each batch ("look") a candidate stops when its decision can no longer
 * change the choice, and the others continue on the next batch, up to the
 * full count. Pure: which looks, and why a candidate stops; the runs are in
 * runs/mitigation/propose.ts. The rules (docs/mitigation.md, "Racing"):
 *
 *  - worse: some node's paired P(fail) change lies wholly above 0, or the
 *    entries' failed requests rose beyond the noise (the verdict `worse`);
 *    a worse strategy is never chosen.
 *  - cannotMeetTarget: an addressed node already failed in so many
 *    replications that, even with no failure in all the replications left,
 *    its Wilson upper bound at the full count would stay at or above the
 *    target (exact, not a guess: it could never be chosen); or its Wilson
 *    lower bound is already at or above the target (its P(fail) is above the
 *    target beyond the noise, at the same confidence as every interval).
 *  - metTarget: the verdict is better and every addressed node's upper bound
 *    is under the target at this look: its claim (bound and paired interval
 *    at these n replications) is already made.
 *  - dominated: costs more (priced, cost.ts; beyond a tolerance) than a strategy
 *    that already met the target; the objective takes the cheapest that
 *    meets it, so this one could not be chosen.
 *  - full: it ran every replication.
 */
import { wilsonInterval } from '../../engine/index.js';
import { zOf } from './evaluate-stats.js';
import type { RaceOutcome, StrategyEvaluation } from './types.js';

export interface RaceRules {
  readonly target: number;
  readonly level: number;
  /** The full count a candidate would run if nothing stopped it. */
  readonly replications: number;
  /** Priced cost (the evaluations' unit) under which a cost difference is noise (an autoscaler's replicas vary per replication); default 0. */
  readonly costTolerance?: number;
}

/** Pilot look: every candidate runs this many replications first; enough for "worse" and the lower-bound rule to bite on a clearly hopeless one, few enough that the many that cannot be chosen cost little. */
export const PILOT_LOOK = 10;

/**
 * The smallest n at which a node that never failed gets a Wilson upper bound
 * under the target: z²(1 − t)/t, rounded up (73 at 5 %, 95 %; 35 at 10 %).
 * No candidate can meet the target before it, so it is a look.
 */
export function targetLook(target: number, level: number): number {
  const z = zOf(level);
  let n = Math.max(1, Math.ceil((z * z * (1 - target)) / target) - 1);
  while (wilsonInterval(0, n, z).hi >= target) n++;
  return n;
}

/**
 * The replication counts at which candidates are judged: the pilot (10), 20,
 * 40, the target look n* (the first count at which a candidate can meet the
 * target: 73 at 5 %), then n* doubled while under the full count, then the
 * full count. Depends only on the full count, the target and the level, never
 * on workers: the same looks, the same decisions.
 */
export function raceLooks(replications: number, target = 0.05, level = 0.95): number[] {
  if (!(Number.isInteger(replications) && replications >= 1)) throw new RangeError(`raceLooks: replications must be a whole number >= 1, got ${replications}`);
  const star = targetLook(target, level);
  const looks = new Set<number>([PILOT_LOOK, 2 * PILOT_LOOK, 4 * PILOT_LOOK]);
  for (let n = star; n < replications; n *= 2) looks.add(n);
  return [...looks].filter((n) => n < replications).sort((a, b) => a - b).concat(replications);
}

/**
 * The first look after `n` at which the candidate could still meet the target,
 * were it never to fail again (Wilson upper bound of its addressed nodes'
 * failures so far under the target); null when none could, or when it has
 * not lowered every addressed node's failures below the baseline's yet. The leader of the
 * race runs ahead to it (runs/mitigation/propose.ts).
 */
export function nextLookToMeet(e: StrategyEvaluation, nodes: readonly string[], rules: RaceRules, looks: readonly number[]): number | null {
  const z = zOf(rules.level);
  const effects = addressedEffects(e, nodes);
  // Only one that has improved every addressed node so far (fewer failures than the baseline on the same replications):
  // on common random numbers a strategy that changes nothing fails where the baseline does, and is not worth a sprint.
  if (effects.length === 0 || !effects.every((x) => x.change.mean < 0)) return null;
  const failures = Math.max(...effects.map((x) => Math.round(x.candidate.mean * e.replications)));
  return looks.find((m) => m > e.replications && wilsonInterval(failures, m, z).hi < rules.target) ?? null;
}

/** The addressed nodes' effects in an evaluation. */
const addressedEffects = (e: StrategyEvaluation, nodes: readonly string[]) => e.nodes.filter((n) => nodes.includes(n.node));

/** Whether the evaluation meets the objective at its replications: better, every addressed node's upper bound under the target. */
export function meetsTarget(e: StrategyEvaluation, nodes: readonly string[], target: number): boolean {
  const effects = addressedEffects(e, nodes);
  return e.verdict === 'better' && effects.length > 0 && effects.every((n) => n.candidate.hi < target);
}

/**
 * Why the candidate stops at this look, or null when it continues.
 * `incumbent`: the cheapest strategy that met the target so far (at an
 * earlier look or earlier in this one), if any.
 */
export function raceDecision(e: StrategyEvaluation, nodes: readonly string[], rules: RaceRules, incumbent: { readonly id: string; readonly cost: number } | null): RaceOutcome | null {
  const n = e.replications;
  if (e.verdict === 'worse') return { stop: 'worse', reason: `worse after ${n} replications: ${e.explanation}` };
  const z = zOf(rules.level);
  for (const effect of addressedEffects(e, nodes)) {
    const failures = Math.round(effect.candidate.mean * n);
    const best = wilsonInterval(failures, rules.replications, z).hi;
    if (best >= rules.target) {
      return { stop: 'cannotMeetTarget', reason: `${effect.node} failed in ${failures} of ${n} replications: even with no failure in the other ${rules.replications - n}, its upper bound would be ${pct(best)}, not under ${pct(rules.target)}` };
    }
    if (effect.candidate.lo >= rules.target) {
      return { stop: 'cannotMeetTarget', reason: `${effect.node} failed in ${failures} of ${n} replications: its P(fail) is at least ${pct(effect.candidate.lo)} (lower bound), not under ${pct(rules.target)}` };
    }
  }
  if (meetsTarget(e, nodes, rules.target)) return { stop: 'metTarget', reason: `met the target after ${n} replications (upper bound ${pct(Math.max(...addressedEffects(e, nodes).map((x) => x.candidate.hi)))}, paired change below 0)` };
  const dominated = dominatedBy(e.cost.priced, e.strategy.id, incumbent, rules);
  if (dominated) return dominated;
  if (n >= rules.replications) return { stop: 'full', reason: `ran all ${n} replications: ${e.verdict}` };
  return null;
}

/** Stops a candidate that costs more than one that already met the target (checked before a look too, on the cost of the last). */
export function dominatedBy(cost: number, id: string, incumbent: { readonly id: string; readonly cost: number } | null, rules: RaceRules): RaceOutcome | null {
  if (incumbent === null || incumbent.id === id) return null;
  if (cost <= incumbent.cost + (rules.costTolerance ?? 0)) return null;
  return { stop: 'dominated', reason: `costs ${fmtCost(cost)}, more than ${incumbent.id} (${fmtCost(incumbent.cost)}), which already met the target` };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const fmtCost = (x: number) => Number(x.toPrecision(3)).toString();
