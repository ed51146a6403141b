/**
 * The mitigation spine up to the proposal: simulate the twin (baseline),
 * take its risk anomalies (or those given), generate candidate strategies,
 * search the smallest scale-out of each node at risk, re-simulate every
 * candidate against the baseline with common random numbers, choose by the
 * objective, and write the choice up as a Proposal. A library function: the
 * CLI command (`mitigate propose`) and policy (auto-approval) are wired
 * elsewhere, so `autoApproved` is left null here.
 */
import type { Twin } from '../../twins/definition/types.js';
import { contentHash, twinContentHash } from '../../twins/definition/content-hash.js';
import type { SimulationSettings } from '../../twins/flow/simulate.js';
import { addressedNodes, chooseStrategy, type Choice } from '../../twins/mitigation/choose.js';
import { DEFAULT_LIMITS, type GenerateLimits } from '../../twins/mitigation/generate-actions.js';
import { riskAnomalies } from '../../twins/mitigation/detect.js';
import { generateStrategies, type GeneratedStrategies } from '../../twins/mitigation/generate.js';
import { searchScaleOut, type ScaleOutSearch } from '../../twins/mitigation/search.js';
import type { Anomaly, Proposal, Strategy, StrategyEvaluation } from '../../twins/mitigation/types.js';
import { assessRisk } from '../../twins/risk.js';
import type { Executor } from '../executors/executor.js';
import { evaluateAgainst, simulateRun, withExecutor, type PairedRunOptions } from './evaluate-run.js';

export interface ProposeInput {
  readonly twin: Twin;
  /** Seed, horizon, report window, warm-up, forecast and state: shared by the baseline and every candidate. */
  readonly settings: SimulationSettings;
  readonly replications: number;
  /** Confidence level of every interval; default 0.95. */
  readonly level?: number;
  /** A node is at risk when its P(fail) upper bound reaches this; default 0.05. */
  readonly threshold?: number;
  /** The chosen strategy must bring the addressed nodes' P(fail) upper bound under this; default 0.05. */
  readonly target?: number;
  /** Anomalies to answer; default: the risk anomalies of the baseline run. */
  readonly anomalies?: readonly Anomaly[];
  readonly limits?: GenerateLimits;
  /** Most candidates evaluated (the search's first, then the generator's order); default all. */
  readonly maxCandidates?: number;
  /** Most replicas the scale-out search tries above the current count; default limits.maxScaleOut. */
  readonly searchSpan?: number;
  readonly workers?: number;
  readonly executor?: Executor;
  /** Creation time of the proposal; default now. */
  readonly now?: Date;
  /** Seconds a proposal stays valid; default 3600. */
  readonly ttlSeconds?: number;
  readonly onEvaluation?: (e: StrategyEvaluation, done: number) => void;
}

export interface ProposeResult {
  readonly anomalies: readonly Anomaly[];
  readonly generated: GeneratedStrategies;
  readonly searches: ReadonlyArray<{ readonly node: string } & ScaleOutSearch>;
  /** Every candidate evaluated, in the order run. */
  readonly evaluations: readonly StrategyEvaluation[];
  readonly choice: Choice | null;
  readonly proposal: Proposal | null;
  /** Simulated runs (baseline included), their wall time and kernel events. */
  readonly runs: { readonly count: number; readonly seconds: number; readonly events: number };
}

export async function proposeMitigations(input: ProposeInput): Promise<ProposeResult> {
  const level = input.level ?? 0.95, threshold = input.threshold ?? 0.05, target = input.target ?? 0.05;
  const limits = input.limits ?? DEFAULT_LIMITS;
  return withExecutor(input.workers, input.executor, async (executor) => {
    const o: PairedRunOptions = { settings: input.settings, replications: input.replications, level, executor };
    const baseline = await simulateRun(input.twin, o);
    let runs = 1, seconds = baseline.seconds, events = baseline.events;
    const anomalies = input.anomalies ?? riskAnomalies(assessRisk(baseline.summary, level).nodes, { threshold });
    // The riskiest nodes first (search and candidates), so a candidate budget goes where failures were seen, not to nodes
    // that are anomalies only because few replications cannot rule out a failure rate at the threshold.
    const ordered = [...anomalies].sort((a, b) => observedRisk(b) - observedRisk(a));
    const generated = generateStrategies(input.twin, ordered, limits);
    const budget = input.maxCandidates ?? Infinity;
    const cache = new Map<string, StrategyEvaluation>();
    const evaluations: StrategyEvaluation[] = [];
    const evaluate = async (s: Strategy): Promise<StrategyEvaluation> => {
      const seen = cache.get(s.id);
      if (seen) return seen;
      const e = await evaluateAgainst(baseline, s, addressedNodes(s, anomalies), o);
      runs++; seconds += e.seconds; events += e.events;
      const { seconds: _s, events: _e, ...evaluation } = e;
      cache.set(s.id, evaluation);
      evaluations.push(evaluation);
      input.onEvaluation?.(evaluation, evaluations.length);
      return evaluation;
    };

    // The search first: it finds the cheapest scale-out in a few runs, which then count among the candidates.
    const searches: Array<{ node: string } & ScaleOutSearch> = [];
    for (const node of [...new Set(ordered.map((a) => a.node))]) {
      const twinNode = input.twin.nodes[input.twin.indexOf.get(node) ?? -1];
      if (!twinNode) continue;
      const span = input.searchSpan ?? limits.maxScaleOut;
      const max = twinNode.autoscale ? Math.min(twinNode.autoscale.max, twinNode.replicas + span) : twinNode.replicas + span;
      const wide = generateStrategies(input.twin, anomalies.filter((a) => a.node === node), { ...limits, maxScaleOut: span }).strategies;
      const byReplicas = (r: number) => wide.find((s) => s.action === 'scaleOut' && s.target === node && s.params.replicas === r);
      if (evaluations.length >= budget) break;
      const found = await searchScaleOut(node, twinNode.replicas, max, target, async (r) => {
        const s = byReplicas(r);
        if (!s) throw new RangeError(`no scale-out strategy of ${node} to ${r} replicas (refused by the twin)`);
        return evaluate(s);
      });
      searches.push({ node, ...found });
    }
    for (const s of generated.strategies) {
      if (evaluations.length >= budget) break;
      await evaluate(s);
    }

    const choice = evaluations.length ? chooseStrategy(evaluations, anomalies, { target }) : null;
    const proposal = choice?.chosen ? writeProposal(input, anomalies, choice) : null;
    return { anomalies, generated, searches, evaluations, choice, proposal, runs: { count: runs, seconds, events } };
  });
}

/** The observed P(fail) of a risk anomaly (0 for other sources, which keep their order). */
const observedRisk = (a: Anomaly): number => (a.evidence.source === 'risk' ? a.evidence.pFail.mean : 0);

function writeProposal(input: ProposeInput, anomalies: readonly Anomaly[], choice: Choice): Proposal {
  const chosen = choice.chosen!;
  const strategy = chosen.evaluation.strategy;
  const now = input.now ?? new Date();
  const createdAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + (input.ttlSeconds ?? 3600) * 1000).toISOString();
  const twinHash = twinContentHash(input.twin);
  const answered = anomalies.filter((a) => strategy.addresses.includes(a.id));
  return {
    id: contentHash({ twin: twinHash, anomalies: answered.map((a) => a.id), strategy: strategy.id, createdAt }).slice(0, 12),
    createdAt, expiresAt,
    twin: { name: input.twin.name, hash: twinHash },
    anomalies: answered,
    strategy,
    evaluation: chosen.evaluation,
    alternatives: choice.ranked.filter((r) => r !== chosen).map((r) => ({ id: r.evaluation.strategy.id, verdict: r.evaluation.verdict, riskChange: r.riskChange, cost: r.cost, pareto: r.pareto })),
    choice: choice.explanation,
    autoApproved: null,
  };
}
