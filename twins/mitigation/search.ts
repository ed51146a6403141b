/**
 * Parameter search: the smallest scale-out of a node whose P(fail) upper
 * bound is under a target. P(fail) falls with replicas (more capacity, same
 * work: monotone in expectation), so a binary search over [from + 1, max]
 * needs about log2(max − from) evaluations; each is a re-simulation the
 * caller provides (with the baseline's seed, so they are paired).
 */
import type { StrategyEvaluation } from './types.js';

export interface ScaleOutSearch {
  /** The smallest replica count that met the target, or null when even `max` did not. */
  readonly replicas: number | null;
  readonly evaluation: StrategyEvaluation | null;
  /** Every evaluation run, in the order run. */
  readonly evaluations: readonly StrategyEvaluation[];
}

/** The node's P(fail) upper bound with the strategy. */
export function upperBound(e: StrategyEvaluation, node: string): number {
  const effect = e.nodes.find((n) => n.node === node);
  if (!effect) throw new RangeError(`upperBound: node ${JSON.stringify(node)} is not in the evaluation of ${e.strategy.id}`);
  return effect.candidate.hi;
}

/**
 * `evaluate(r)` re-simulates with the node at r replicas. Meets the target:
 * upper bound under it and verdict better (an improvement the paired interval
 * shows, not only a low count).
 */
export async function searchScaleOut(node: string, from: number, max: number, target: number, evaluate: (replicas: number) => Promise<StrategyEvaluation>): Promise<ScaleOutSearch> {
  const evaluations: StrategyEvaluation[] = [];
  const meets = (e: StrategyEvaluation) => e.verdict === 'better' && upperBound(e, node) < target;
  let lo = from + 1, hi = max;
  let best: { replicas: number; evaluation: StrategyEvaluation } | null = null;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const e = await evaluate(mid);
    evaluations.push(e);
    if (meets(e)) {
      best = { replicas: mid, evaluation: e };
      hi = mid - 1;
    } else lo = mid + 1;
  }
  return { replicas: best?.replicas ?? null, evaluation: best?.evaluation ?? null, evaluations };
}
