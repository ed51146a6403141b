/**
 * The mitigation spine up to the proposal: the baseline, its risk anomalies
 * (or those given), candidate strategies, each re-simulated against the
 * baseline with common random numbers, the choice by the objective, and the
 * proposal. Candidates are raced (twins/mitigation/race.ts): all run the
 * same first batch of replications as the baseline, and after each look the
 * ones whose decision is made stop (worse, unable to meet the target, met it,
 * dearer than one that met it) while the others run the next batch, up to
 * the full count. Every decision depends on the replications alone, never
 * on the workers or the executor, so the result is the same on any.
 * A library function: the CLI command (`mitigate propose`) and the policy
 * (auto-approval) are wired elsewhere, so `autoApproved` is left null here.
 */
import { byLikelyCause, interleaveByNode } from '../../twins/mitigation/priority.js';
import { PROPOSAL_LIFETIME_SECONDS } from '../../twins/mitigation/policy-read.js';
import type { Twin } from '../../twins/definition/types.js';
import { contentHash, twinContentHash } from '../../twins/definition/content-hash.js';
import type { SimulationSettings } from '../../twins/flow/simulate.js';
import { mergeChunks, type ChunkSummary } from '../../twins/flow/summary.js';
import { addressedNodes, chooseStrategy, type Choice } from '../../twins/mitigation/choose.js';
import { riskAnomalies } from '../../twins/mitigation/detect.js';
import { evaluateStrategy } from '../../twins/mitigation/evaluate.js';
import { DEFAULT_LIMITS, type GenerateLimits } from '../../twins/mitigation/generate-actions.js';
import { generateStrategies, type GeneratedStrategies } from '../../twins/mitigation/generate.js';
import { dominatedBy, nextLookToMeet, raceDecision, raceLooks, targetLook, type RaceRules } from '../../twins/mitigation/race.js';
import { DEFAULT_PRICES, type CostPrices } from '../../twins/mitigation/cost.js';
import { smallestScaleOut, type ScaleOutSearch } from '../../twins/mitigation/search.js';
import type { Anomaly, Proposal, RaceOutcome, Strategy, StrategyEvaluation } from '../../twins/mitigation/types.js';
import { applyScenarioDetailed } from '../../twins/scenario/index.js';
import { rescaleSnapshot } from '../../twins/state.js';
import { assessRisk } from '../../twins/risk.js';
import type { Executor } from '../executors/executor.js';
import { simulateRange, withExecutor } from './evaluate-run.js';

export interface ProposeInput {
  readonly twin: Twin;
  /** Seed, horizon, report window, warm-up, forecast and state: shared by the baseline and every candidate. */
  readonly settings: SimulationSettings;
  /** Replications of the baseline and the most any candidate runs. */
  readonly replications: number;
  /** Race the candidates (default), or run every one to the full count (false). */
  readonly race?: boolean;
  /** Confidence level of every interval; default 0.95. */
  readonly level?: number;
  /** A node is at risk when its P(fail) upper bound reaches this; default 0.05. */
  readonly threshold?: number;
  /** The chosen strategy must bring the addressed nodes' P(fail) upper bound under this; default 0.05. */
  readonly target?: number;
  /** Anomalies to answer; default: the risk anomalies of the baseline run (which then runs in full first). */
  readonly anomalies?: readonly Anomaly[];
  readonly limits?: GenerateLimits;
  /** Most candidates evaluated, in the generator's order (scale-outs of the riskiest node first); default all. */
  readonly maxCandidates?: number;
  /** Strategies the caller's policy would refuse (why), or null when allowed; refused ones are listed, never run. */
  readonly refuse?: (s: Strategy) => string | null;
  readonly workers?: number;
  readonly executor?: Executor;
  /** Creation time of the proposal; default now. */
  readonly now?: Date;
  /** Seconds a proposal stays valid; default 3600. */
  readonly ttlSeconds?: number;
  /** Prices of the cost the choice minimises (the policy's `cost`); default DEFAULT_PRICES (twins/mitigation/cost.ts). */
  readonly prices?: CostPrices;
  /** Called when a candidate stops (its final evaluation), in the order they stop. */
  readonly onEvaluation?: (e: StrategyEvaluation, done: number) => void;
}

export interface ProposeResult {
  readonly anomalies: readonly Anomaly[];
  /**
   * Risk anomalies left unanswered: the node's P(fail) is not above the
   * threshold beyond the noise (its Wilson lower bound is under it; at 40
   * replications every node that never failed is "at risk" at 5 %). A fix
   * for them could rarely be shown to help, and each would cost a race.
   */
  readonly unconfirmed: readonly Anomaly[];
  readonly generated: GeneratedStrategies;
  /** Generated candidates the policy refuses (not run), and those left over the candidate budget. */
  readonly skipped: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  /** Per node at risk, the smallest scale-out that met the target (read off the race). */
  readonly searches: ReadonlyArray<{ readonly node: string } & ScaleOutSearch>;
  /** Every candidate evaluated, in generator order, each judged on the replications it ran (`race` says why it stopped there). */
  readonly evaluations: readonly StrategyEvaluation[];
  readonly choice: Choice | null;
  readonly proposal: Proposal | null;
  /** Simulated twins (baseline included), replications run in all, wall time and kernel events; looks: the race's replication counts. */
  readonly runs: { readonly count: number; readonly replications: number; readonly seconds: number; readonly events: number; readonly looks: readonly number[] };
}

/** A twin run grown look by look: replications 0 .. n − 1 in consecutive parts, its summary kept at every look. */
class GrowingRun {
  private readonly parts: ChunkSummary[] = [];
  private readonly atLook = new Map<number, ChunkSummary>();
  n = 0;
  events = 0;
  /** `state`: this run's own snapshot (a candidate that sets replicas rescales the shared one), else the settings'. */
  constructor(readonly twin: Twin, private readonly state?: SimulationSettings['state']) {}
  /** Replications 0 .. to − 1 (run now where not yet run); `to` is a look, so every earlier one was a look too. */
  async upTo(to: number, settings: SimulationSettings, executor: Executor): Promise<ChunkSummary> {
    if (to > this.n) {
      const own = this.state === undefined ? settings : { ...settings, state: this.state };
      const part = await simulateRange(this.twin, own, this.n, to - this.n, executor);
      this.parts.push(part);
      this.events += part.events;
      this.n = to;
      this.atLook.set(to, mergeChunks(this.parts));
    }
    const summary = this.atLook.get(to);
    if (!summary) throw new RangeError(`replications 0..${to - 1} were not a look of this run (looks: ${[...this.atLook.keys()].join(', ')})`);
    return summary;
  }
}

export async function proposeMitigations(input: ProposeInput): Promise<ProposeResult> {
  const t0 = performance.now();
  const level = input.level ?? 0.95, threshold = input.threshold ?? 0.05, target = input.target ?? 0.05;
  const limits = input.limits ?? DEFAULT_LIMITS;
  const settings = input.settings, full = input.replications;
  return withExecutor(input.workers, input.executor, async (executor) => {
    const baseline = new GrowingRun(input.twin);
    const prices = input.prices ?? DEFAULT_PRICES;
    // A cost difference under 0.05 core-hours is noise (an autoscaler's replicas vary per replication).
    const rules: RaceRules = { target, level, replications: full, costTolerance: 0.05 * prices.coreHour };
    const looks = input.race === false ? [full] : raceLooks(full, target, level);
    let detected = input.anomalies;
    if (!detected) {
      // Without anomalies given, they come from the whole baseline (a shorter one would see other risks), run look by look for the race.
      for (const n of looks) await baseline.upTo(n, settings, executor);
      detected = riskAnomalies(assessRisk(await baseline.upTo(full, settings, executor), level).nodes, { threshold });
    }
    const anomalies = detected.filter((a) => confirmed(a));
    const unconfirmed = detected.filter((a) => !confirmed(a));
    // The riskiest nodes first, the likely cause before its symptoms, and a candidate budget spread over them (priority.ts).
    const ordered = byLikelyCause(input.twin, anomalies);
    const generated = generateStrategies(input.twin, ordered, limits);
    const skipped: Array<{ id: string; reason: string }> = [];
    const racing: Strategy[] = [];
    for (const s of interleaveByNode(generated.strategies, ordered)) {
      const refused = input.refuse?.(s) ?? null;
      if (refused !== null) skipped.push({ id: s.id, reason: refused });
      else if (racing.length >= (input.maxCandidates ?? Infinity)) skipped.push({ id: s.id, reason: `over the budget of ${input.maxCandidates} candidates` });
      else racing.push(s);
    }

    interface Runner { readonly strategy: Strategy; readonly nodes: string[]; readonly run: GrowingRun; last: StrategyEvaluation | null; final: StrategyEvaluation | null }
    // A scale-out sets replicas from the start: with a snapshot, the candidate's own snapshot takes its count.
    const candidateRun = (s: Strategy) => {
      const { twin, startReplicas } = applyScenarioDetailed(input.twin, s.deltas);
      return new GrowingRun(twin, settings.state ? rescaleSnapshot(settings.state, twin, startReplicas) : undefined);
    };
    const runners: Runner[] = racing.map((s) => ({ strategy: s, nodes: addressedNodes(s, anomalies), run: candidateRun(s), last: null, final: null }));
    let incumbent: { id: string; cost: number } | null = null;
    let stopped = 0;
    const stop = (r: Runner, e: StrategyEvaluation, outcome: RaceOutcome) => {
      r.final = { ...e, race: outcome };
      input.onEvaluation?.(r.final, ++stopped);
      if (outcome.stop === 'metTarget' && (incumbent === null || e.cost.priced < incumbent.cost)) incumbent = { id: e.strategy.id, cost: e.cost.priced };
    };
    const evaluateOpts = { seed: settings.seed, level, warmup: settings.warmup ?? 0, prices };
    /** Judges a runner whose run has reached look n (replications 0..n − 1) against the baseline's same replications. */
    const judge = async (r: Runner, n: number) => {
      // The baseline's batch (when this is the furthest look yet) and the candidate's go to the workers together.
      const [base, summary] = await Promise.all([baseline.upTo(n, settings, executor), r.run.upTo(n, settings, executor)]);
      const e = evaluateStrategy(r.strategy, { twin: input.twin, summary: base }, { twin: r.run.twin, summary }, { ...evaluateOpts, addressedNodes: r.nodes });
      r.last = e;
      const outcome = input.race === false ? { stop: 'full' as const, reason: `ran all ${n} replications: ${e.verdict}` } : raceDecision(e, r.nodes, rules, incumbent);
      if (outcome) stop(r, e, outcome);
    };
    const star = targetLook(target, level);
    for (const n of looks) {
      const alive = runners.filter((r) => r.final === null && r.run.n < n);
      if (alive.length === 0 && runners.every((r) => r.final !== null)) break;
      // Cheapest first (on the last look's cost), so one that meets the target spares the dearer ones their batch.
      alive.sort((a, b) => (a.last?.cost.priced ?? 0) - (b.last?.cost.priced ?? 0) || runners.indexOf(a) - runners.indexOf(b));
      const due: Runner[] = [];
      for (const r of alive) {
        const before = r.last ? dominatedBy(r.last.cost.priced, r.strategy.id, incumbent, rules) : null;
        if (before && r.last) stop(r, r.last, before);
        else due.push(r);
      }
      if (n < star) {
        // Before the target look no candidate can meet the target, so none can stop another within this look:
        // the batches run side by side (the workers stay busy), and are judged in the same order as one by one.
        await Promise.all([baseline.upTo(n, settings, executor), ...due.map((r) => r.run.upTo(n, settings, executor))]);
      }
      for (const r of due) {
        const before = r.last && r.run.n < n ? dominatedBy(r.last.cost.priced, r.strategy.id, incumbent, rules) : null;
        if (before && r.last) { stop(r, r.last, before); continue; }
        await judge(r, n);
      }
      if (input.race === false) continue;
      // The leader: the cheapest candidate still running that could meet the target were it never to fail again. It runs
      // ahead, look by look, to the first look at which it could meet it; if it does, every dearer one is dominated before
      // it spends replications, and the baseline grows only as far as the leader needs.
      // When a leader's sprint ends without meeting it (a failure on the way), the next cheapest capable one sprints at once,
      // before the others spend a look; each runs ahead at most once per look.
      const sprinted = new Set<Runner>();
      for (;;) {
        const leader = runners.filter((r) => r.final === null && r.last !== null && !sprinted.has(r) && dominatedBy(r.last.cost.priced, r.strategy.id, incumbent, rules) === null)
          .sort((a, b) => a.last!.cost.priced - b.last!.cost.priced || runners.indexOf(a) - runners.indexOf(b))
          .find((r) => nextLookToMeet(r.last!, r.nodes, rules, looks) !== null);
        if (!leader) break;
        sprinted.add(leader);
        const goal = nextLookToMeet(leader.last!, leader.nodes, rules, looks)!;
        for (const m of looks.filter((k) => k > leader.run.n && k <= goal)) {
          await judge(leader, m);
          // It stopped, or a failure on the way means it can no longer meet the target at the goal: back to the pack.
          const still = leader.final === null ? nextLookToMeet(leader.last!, leader.nodes, rules, looks) : null;
          if (still === null || still > goal) break;
        }
        if (leader.final?.race?.stop === 'metTarget') break;
      }
    }
    // Every runner stops by the last look (raceDecision stops it at the full count), so each has its final evaluation.
    const evaluations = runners.map((r) => r.final).filter((e): e is StrategyEvaluation => e !== null);

    const searches = [...new Set(ordered.map((a) => a.node))].map((node) => ({ node, ...smallestScaleOut(node, evaluations, target) }));
    const choice = evaluations.length ? chooseStrategy(evaluations, anomalies, { target }) : null;
    const proposal = choice?.chosen ? writeProposal(input, anomalies, choice) : null;
    const replications = baseline.n + runners.reduce((sum, r) => sum + r.run.n, 0);
    const events = baseline.events + runners.reduce((sum, r) => sum + r.run.events, 0);
    return {
      anomalies, unconfirmed, generated, skipped, searches, evaluations, choice, proposal,
      runs: { count: 1 + runners.length, replications, seconds: (performance.now() - t0) / 1000, events, looks },
    };
  });
}

/** A risk anomaly whose P(fail) lower bound reaches its threshold; anomalies of other sources always count. */
const confirmed = (a: Anomaly): boolean => a.evidence.source !== 'risk' || a.evidence.pFail.lo >= a.evidence.threshold;

function writeProposal(input: ProposeInput, anomalies: readonly Anomaly[], choice: Choice): Proposal {
  const chosen = choice.chosen!;
  const strategy = chosen.evaluation.strategy;
  const now = input.now ?? new Date();
  const createdAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + (input.ttlSeconds ?? PROPOSAL_LIFETIME_SECONDS) * 1000).toISOString();
  const twinHash = twinContentHash(input.twin);
  const answered = anomalies.filter((a) => strategy.addresses.includes(a.id));
  return {
    id: contentHash({ twin: twinHash, anomalies: answered.map((a) => a.id), strategy: strategy.id, createdAt }).slice(0, 12),
    createdAt, expiresAt,
    twin: { name: input.twin.name, hash: twinHash },
    anomalies: answered,
    strategy,
    evaluation: chosen.evaluation,
    alternatives: choice.ranked.filter((r) => r !== chosen).map((r) => ({
      id: r.evaluation.strategy.id, verdict: r.evaluation.verdict, riskChange: r.riskChange, cost: r.cost, pareto: r.pareto,
      replications: r.evaluation.replications, ...(r.evaluation.race ? { race: r.evaluation.race } : {}),
    })),
    choice: choice.explanation,
    prices: input.prices ?? DEFAULT_PRICES,
    autoApproved: null,
  };
}
