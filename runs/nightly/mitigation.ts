/**
 * The nightly's mitigation step: the mitigation engine's proposal spine
 * (runs/mitigation/propose.ts) on tonight's twin, forecast and state, for the
 * nodes tonight's run put above the risk threshold, bounded by the config
 * (replications, horizon, most candidates). Its candidates become points of
 * the report's risk/cost plane.
 */
import type { Twin } from '../../twins/definition/types.js';
import type { SimulationSettings } from '../../twins/flow/simulate.js';
import { riskAnomalies } from '../../twins/mitigation/detect.js';
import type { NodeRisk } from '../../twins/risk.js';
import { proposeMitigations } from '../mitigation/propose.js';
import { addressedNodes } from '../../twins/mitigation/choose.js';
import type { NodeEffect } from '../../twins/mitigation/types.js';
import { targetLook } from '../../twins/mitigation/race.js';
import { openExecutor, type ExecutorChoice } from '../executors/choose.js';
import type { NightlyConfig } from './config.js';
import type { ReportMitigation, ReportMitigationSummary } from './report-data.js';

export interface NightlyMitigation {
  readonly candidates: readonly ReportMitigation[];
  /** The proposal's id and its explanation, or why there is none. */
  readonly proposal: { readonly id: string; readonly strategy: string } | null;
  readonly explanation: string;
  readonly runs: number;
}

export async function mitigateNight(twin: Twin, settings: SimulationSettings, atRisk: readonly NodeRisk[], config: NightlyConfig, where: ExecutorChoice): Promise<NightlyMitigation> {
  const m = config.mitigation;
  const anomalies = riskAnomalies(atRisk, { threshold: config.risk.threshold });
  const executor = await openExecutor(where);
  const r = await proposeMitigations({
    twin, settings: { ...settings, horizon: m.horizon }, replications: m.replications, level: config.risk.level,
    threshold: config.risk.threshold, target: m.target, anomalies, maxCandidates: m.maxCandidates, executor,
  }).finally(() => executor.close());
  const ranked = r.choice?.ranked ?? [];
  const chosenId = r.choice?.chosen?.evaluation.strategy.id ?? null;
  const candidates = r.evaluations.map((e): ReportMitigation => {
    const rank = ranked.find((x) => x.evaluation === e);
    const addressed = addressedNodes(e.strategy, r.anomalies);
    // The least improving addressed node: the one the choice's risk figure is about.
    const effect = e.nodes.filter((n) => addressed.includes(n.node)).reduce<NodeEffect | null>((a, b) => (a === null || b.change.mean > a.change.mean ? b : a), null);
    return {
      id: e.strategy.id, description: e.strategy.description,
      riskHi: e.nodes.length ? Math.max(...e.nodes.map((n) => n.candidate.hi)) : 0,
      cost: e.cost.priced, costUnit: e.cost.unit, verdict: e.verdict, pareto: rank?.pareto ?? false, chosen: e.strategy.id === chosenId,
      change: effect ? { node: effect.node, mean: effect.change.mean, lo: effect.change.lo, hi: effect.change.hi } : null,
      replications: e.replications, ...(e.race ? { reason: e.race.reason } : {}),
    };
  });
  return {
    candidates,
    proposal: r.proposal ? { id: r.proposal.id, strategy: r.proposal.strategy.description } : null,
    explanation: r.choice?.explanation ?? (r.anomalies.length === 0 && r.unconfirmed.length > 0
      // propose answers only risk whose lower bound reaches the threshold (docs/mitigation.md): with few replications none does.
      ? `nothing confirmed to mitigate: ${r.unconfirmed.length} node(s) are at risk by their P(fail) upper bound only (the lower bound is under the threshold); run more replications to confirm them`
      : 'no candidate strategy could be generated for the nodes at risk'),
    runs: r.runs.count,
  };
}

/** The report's mitigation summary: the explanation, the horizon and count the candidates ran, and whether that count can meet the target at all. */
export function mitigationSummary(m: Pick<NightlyMitigation, 'explanation'>, config: Pick<NightlyConfig, 'mitigation' | 'risk'>): ReportMitigationSummary {
  const { replications, horizon, target } = config.mitigation;
  // The first count at which a candidate that never fails gets its upper bound under the target.
  const needed = targetLook(target, config.risk.level);
  return { explanation: m.explanation, horizonSeconds: horizon, replications, target, replicationsNeeded: needed > replications ? needed : null };
}
