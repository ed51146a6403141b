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
import { openExecutor, type ExecutorChoice } from '../executors/choose.js';
import type { NightlyConfig } from './config.js';
import type { ReportMitigation } from './report-data.js';

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
    return {
      id: e.strategy.id, description: e.strategy.description,
      riskHi: e.nodes.length ? Math.max(...e.nodes.map((n) => n.candidate.hi)) : 0,
      cost: e.cost.priced, costUnit: e.cost.unit, verdict: e.verdict, pareto: rank?.pareto ?? false, chosen: e.strategy.id === chosenId,
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
