/**
 * Parameter search: the smallest scale-out of a node whose P(fail) upper
 * bound is under a target. The race (race.ts) runs every scale-out size of
 * the catalogue on the same replications and stops the sizes that cannot be
 * chosen, so the search reads its answer off the race's evaluations: the
 * fewest replicas that met the target (better, upper bound under it). P(fail)
 * falls with replicas (more capacity, same work: monotone in expectation), so
 * that is also the cheapest scale-out that meets it.
 */
import { meetsTarget } from './race.js';
import type { StrategyEvaluation } from './types.js';

export interface ScaleOutSearch {
  /** The smallest replica count that met the target, or null when none did. */
  readonly replicas: number | null;
  readonly evaluation: StrategyEvaluation | null;
  /** The scale-outs of the node that were evaluated, fewest replicas first. */
  readonly evaluations: readonly StrategyEvaluation[];
}

/** The node's P(fail) upper bound with the strategy. */
export function upperBound(e: StrategyEvaluation, node: string): number {
  const effect = e.nodes.find((n) => n.node === node);
  if (!effect) throw new RangeError(`upperBound: node ${JSON.stringify(node)} is not in the evaluation of ${e.strategy.id}`);
  return effect.candidate.hi;
}

/** Meets the target: upper bound under it and verdict better (an improvement the paired interval shows, not only a low count). */
export function smallestScaleOut(node: string, evaluations: readonly StrategyEvaluation[], target: number): ScaleOutSearch {
  const replicasOf = (e: StrategyEvaluation): number => (typeof e.strategy.params.replicas === 'number' ? e.strategy.params.replicas : NaN);
  const outs = evaluations
    .filter((e) => e.strategy.action === 'scaleOut' && e.strategy.target === node && Number.isFinite(replicasOf(e)))
    .sort((a, b) => replicasOf(a) - replicasOf(b));
  const best = outs.find((e) => meetsTarget(e, [node], target)) ?? null;
  return { replicas: best ? replicasOf(best) : null, evaluation: best, evaluations: outs };
}
