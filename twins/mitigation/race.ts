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
 *  - dominated: costs more (core-hours, beyond a tolerance) than a strategy
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
  /** Extra core-hours under which a cost difference is noise (an autoscaler's replicas vary per replication); default 0.05. */
  readonly costTolerance?: number;
}

/** First look: enough replications for the exact and the paired rules to bite, few enough to drop hopeless candidates cheaply. */
export const FIRST_LOOK = 20;

/**
 * The replication counts at which candidates are judged: 20, 40, 80, 160
 * (doubling, so a look costs as much as all before it), then the full count.
 * 80 is the first look at which no failure gives a 95 % upper bound under 5 %
 * (z²/(n + z²) < 0.05 needs n ≥ 73). Depends only on the full count, never on
 * workers: the same looks, the same decisions.
 */
export function raceLooks(replications: number, first = FIRST_LOOK): number[] {
  if (!(Number.isInteger(replications) && replications >= 1)) throw new RangeError(`raceLooks: replications must be a whole number >= 1, got ${replications}`);
  const looks: number[] = [];
  for (let n = first; n < replications; n *= 2) looks.push(n);
  looks.push(replications);
  return looks;
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
  const dominated = dominatedBy(e.cost.coreHours, e.strategy.id, incumbent, rules);
  if (dominated) return dominated;
  if (n >= rules.replications) return { stop: 'full', reason: `ran all ${n} replications: ${e.verdict}` };
  return null;
}

/** Stops a candidate that costs more than one that already met the target (checked before a look too, on the cost of the last). */
export function dominatedBy(cost: number, id: string, incumbent: { readonly id: string; readonly cost: number } | null, rules: RaceRules): RaceOutcome | null {
  if (incumbent === null || incumbent.id === id) return null;
  if (cost <= incumbent.cost + (rules.costTolerance ?? 0.05)) return null;
  return { stop: 'dominated', reason: `costs ${cost.toFixed(2)} extra core-hours, more than ${incumbent.id} (${incumbent.cost.toFixed(2)}), which already met the target` };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
