/**
 * The choice among evaluated strategies: the Pareto front on (risk, cost),
 * where risk is the largest P(fail) upper bound of the addressed nodes with
 * the strategy and cost its priced extra cost (cost.ts: replica-hours,
 * core-hours and requests shed at the policy's prices); then the objective: the
 * cheapest strategy whose verdict is better and whose risk is under the
 * target; ties (equal cost) go to the reversible one, then the smaller blast
 * radius, then the id. The reasons are spelt out in one paragraph.
 */
import { formatCost } from './cost.js';
import type { Anomaly, Strategy, StrategyEvaluation } from './types.js';

export interface ChoiceObjective {
  /** The addressed nodes' P(fail) upper bound must be under this. */
  readonly target: number;
}

export interface RankedEvaluation {
  readonly evaluation: StrategyEvaluation;
  /** Largest candidate P(fail) upper bound of the addressed nodes. */
  readonly risk: number;
  /** The addressed nodes' paired P(fail) change, the least improving one. */
  readonly riskChange: number;
  /** Priced extra cost over the horizon, in the evaluation's `cost.unit`. */
  readonly cost: number;
  readonly pareto: boolean;
}

export interface Choice {
  readonly chosen: RankedEvaluation | null;
  readonly ranked: readonly RankedEvaluation[];
  /** One paragraph: the objective, what met it, why this one. */
  readonly explanation: string;
}

/** Node ids a strategy addresses: the nodes of the anomalies it answers (ids are not parsed: node ids may hold colons). */
export const addressedNodes = (s: Strategy, anomalies: readonly Anomaly[]): string[] => [...new Set(anomalies.filter((a) => s.addresses.includes(a.id)).map((a) => a.node))];

function rank(e: StrategyEvaluation, anomalies: readonly Anomaly[]): Omit<RankedEvaluation, 'pareto'> {
  const nodes = addressedNodes(e.strategy, anomalies);
  const effects = e.nodes.filter((n) => nodes.includes(n.node));
  return {
    evaluation: e,
    risk: effects.length ? Math.max(...effects.map((n) => n.candidate.hi)) : 1,
    riskChange: effects.length ? Math.max(...effects.map((n) => n.change.mean)) : 0,
    cost: e.cost.priced,
  };
}

/** Not dominated (strategies judged worse are left out of the front): no other is at most as risky and as costly, and strictly better in one. */
export function paretoFront<T extends { readonly risk: number; readonly cost: number }>(items: readonly T[]): boolean[] {
  return items.map((a) => !items.some((b) => b !== a && b.risk <= a.risk && b.cost <= a.cost && (b.risk < a.risk || b.cost < a.cost)));
}

const EPS = 1e-9;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function byObjective(a: RankedEvaluation, b: RankedEvaluation): number {
  if (Math.abs(a.cost - b.cost) > EPS) return a.cost - b.cost;
  const ra = a.evaluation.strategy.reversible ? 0 : 1, rb = b.evaluation.strategy.reversible ? 0 : 1;
  if (ra !== rb) return ra - rb;
  if (a.evaluation.blastRadius.length !== b.evaluation.blastRadius.length) return a.evaluation.blastRadius.length - b.evaluation.blastRadius.length;
  return a.evaluation.strategy.id < b.evaluation.strategy.id ? -1 : a.evaluation.strategy.id > b.evaluation.strategy.id ? 1 : 0;
}

/** `anomalies`: those the strategies address (to know their nodes). */
export function chooseStrategy(evaluations: readonly StrategyEvaluation[], anomalies: readonly Anomaly[], objective: ChoiceObjective): Choice {
  const base = evaluations.map((e) => rank(e, anomalies));
  // A strategy that makes some node worse is no option, so it neither joins nor shapes the front.
  const options = base.filter((r) => r.evaluation.verdict !== 'worse');
  const front = paretoFront(options);
  const ranked: RankedEvaluation[] = base.map((r) => ({ ...r, pareto: front[options.indexOf(r)] ?? false }));
  const better = ranked.filter((r) => r.evaluation.verdict === 'better');
  const eligible = better.filter((r) => r.risk < objective.target).sort(byObjective);
  const unit = evaluations[0]?.cost.unit ?? '';
  const goal = `the cheapest strategy (priced extra cost, ${unit}) whose verdict is better and whose addressed nodes' P(fail) upper bound is under ${pct(objective.target)}; ties to the reversible one, then the smaller blast radius`;
  const counts = `${evaluations.length} candidate(s) evaluated: ${better.length} better, ${ranked.filter((r) => r.evaluation.verdict === 'worse').length} worse, ${ranked.filter((r) => r.evaluation.verdict === 'inconclusive').length} inconclusive; ${ranked.filter((r) => r.pareto).length} on the Pareto front of (risk, cost)`;
  const chosen = eligible[0] ?? null;
  if (!chosen) {
    const closest = [...better].sort((a, b) => a.risk - b.risk)[0];
    return {
      chosen: null, ranked,
      explanation: `Objective: ${goal}. ${counts}. None met it${closest ? `: the best better one, ${closest.evaluation.strategy.id}, leaves the upper bound at ${pct(closest.risk)}` : ''}; nothing is proposed.`,
    };
  }
  const s = chosen.evaluation.strategy;
  const cheaperOthers = better.filter((r) => r !== chosen && r.cost < chosen.cost - EPS);
  const tied = eligible.filter((r) => r !== chosen && Math.abs(r.cost - chosen.cost) <= EPS);
  return {
    chosen, ranked,
    explanation: `Objective: ${goal}. ${counts}. ${eligible.length} met the objective; ${s.id} (${s.description}) is the cheapest of them at ${formatCost(chosen.cost, unit)} (${chosen.evaluation.cost.coreHours.toFixed(2)} extra core-hours, ${Math.round(chosen.evaluation.cost.requestsShed)} requests shed), bringing the upper bound to ${pct(chosen.risk)} (paired change ${chosen.riskChange.toFixed(3)}), ${chosen.pareto ? 'on' : 'off'} the Pareto front, blast radius ${chosen.evaluation.blastRadius.length ? chosen.evaluation.blastRadius.join(', ') : 'none'}` +
      (cheaperOthers.length ? `; cheaper better strategies (${cheaperOthers.map((r) => `${r.evaluation.strategy.id} at ${formatCost(r.cost, unit)}, ${pct(r.risk)}`).join(', ')}) left the upper bound at or above the target` : '') +
      (tied.length ? `; tied on cost with ${tied.map((r) => r.evaluation.strategy.id).join(', ')}, chosen for ${s.reversible ? 'reversibility, then ' : ''}its blast radius and id` : '') + '.',
  };
}
