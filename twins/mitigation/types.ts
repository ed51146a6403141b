/**
 * The mitigation engine's records, as plain JSON: what was detected
 * (Anomaly, with its evidence), what could be done about it (Strategy: data
 * that compiles to scenario deltas), how each candidate did when the twin was
 * re-simulated with common random numbers (StrategyEvaluation, every change
 * a paired interval), and what is put to people and policy (Proposal). The
 * spine, from the design: detect → generate → evaluate → choose → approve or
 * reject → apply → verify → roll back, every decision in the audit log.
 *
 * Pure decisions live in twins/mitigation/; the store, approvals, appliers
 * and the audit log in runs/mitigation/.
 */
import type { ScenarioDelta } from '../scenario/types.js';
import type { ShadowConfirmation } from './confirm.js';
import type { CostPrices, PricedCost } from './cost.js';

/** A share of replications with its Wilson interval. */
export interface Proportion {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

/** A paired difference (candidate − baseline over the same replications, same seeds): mean with its interval. */
export interface PairedDifference {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
  /** Replications (pairs) it is computed from. */
  readonly n: number;
}

/** A statistical judge's answer: too few points or a shift within the tolerance band is never a failure, and too few points is never a pass. */
export type JudgeVerdict = 'pass' | 'fail' | 'inconclusive';

/** Evidence of a comparison of two samples (shadow vs production, production vs twin). */
export interface JudgeEvidence {
  readonly verdict: JudgeVerdict;
  /** Points after outlier removal, and how many were removed (IQR rule). */
  readonly n: { readonly baseline: number; readonly candidate: number };
  readonly outliersRemoved: { readonly baseline: number; readonly candidate: number };
  /** Location shift candidate − baseline (Hodges–Lehmann) with its confidence interval (Mann–Whitney). */
  readonly shift: { readonly estimate: number; readonly lo: number; readonly hi: number; readonly level: number };
  /** Relative shift (shift / baseline median) that is tolerated. */
  readonly tolerance: number;
  readonly pValue: number | null;
  readonly reason: string;
}

export type AnomalySource = 'risk' | 'exhaustion' | 'shadow' | 'drift' | 'telemetry';

export type AnomalyEvidence =
  | {
      readonly source: 'risk';
      /** P(fail) of the node in the simulation, with its Wilson interval, against the threshold. */
      readonly pFail: Proportion;
      readonly threshold: number;
      readonly condition: string | null;
      /** Seconds from the simulation's start: p10/p50/p90 of the first failure. */
      readonly timeToFailure: { readonly p10: number; readonly p50: number; readonly p90: number } | null;
    }
  | {
      readonly source: 'exhaustion';
      readonly metric: string;
      readonly limit: number;
      /** Probability that the forecast crosses the limit within the horizon. */
      readonly probability: number;
      /** Seconds from the forecast's start to the first crossing, quantiles over paths; null when it never crosses. */
      readonly timeToLimit: { readonly p10: number; readonly p50: number; readonly p90: number } | null;
    }
  | ({ readonly source: 'shadow' | 'drift'; readonly metric: string } & JudgeEvidence)
  | {
      /** Production's own telemetry broke out of its recent range (detect-robust.ts): an incident of one service. */
      readonly source: 'telemetry';
      readonly metrics: readonly string[];
      /** Steps of the series' grid (e.g. minutes) of the incident's first and last alarm. */
      readonly firstStep: number;
      readonly lastStep: number;
      readonly alarms: number;
      /** The strongest alarm: its metric, direction, run, baseline and the bound on its chance under no change. */
      readonly strongest: {
        readonly metric: string;
        readonly direction: 'above' | 'below';
        readonly run: readonly number[];
        readonly baseline: { readonly n: number; readonly min: number; readonly median: number; readonly max: number };
        readonly pBound: number;
        readonly level: number;
      };
    };

export interface Anomaly {
  /** Stable: `${source}:${node}:${metric or condition}`. */
  readonly id: string;
  readonly source: AnomalySource;
  readonly node: string;
  readonly severity: 'warning' | 'critical';
  /** One line a person reads first. */
  readonly summary: string;
  readonly evidence: AnomalyEvidence;
}

export type StrategyAction =
  | 'scaleOut' // replicas
  | 'scaleUp' // workers, cores, memory limit
  | 'autoscale' // target / min / max
  | 'prewarm' // scale at time T ahead of a predicted peak
  | 'rateLimit' // token bucket at an entry
  | 'shedOptional' // drop optional calls
  | 'circuitBreaker' // on a call
  | 'timeoutRetry' // timeout and retry tuning
  | 'reroute'; // weights across parallel routes or links

/** A candidate fix, as data: what it does, to what, with which parameters, and the deltas it compiles to. */
export interface Strategy {
  /** Stable: `${action}:${target}:${params in a fixed order}`, so the same fix has the same id in every run. */
  readonly id: string;
  readonly action: StrategyAction;
  /** Node id, entry id or call key the strategy acts on. */
  readonly target: string;
  readonly params: Readonly<Record<string, number | string | boolean | null>>;
  readonly deltas: readonly ScenarioDelta[];
  /** One line: "scale recommendation out from 1 to 2 replicas". */
  readonly description: string;
  /** Whether undoing it is a change of the same kind (scale back in, restore the old value). */
  readonly reversible: boolean;
  /** The anomalies it answers. */
  readonly addresses: readonly string[];
}

/** Per node: P(fail) without and with the strategy on the same replications, and the paired change. */
export interface NodeEffect {
  readonly node: string;
  readonly baseline: Proportion;
  readonly candidate: Proportion;
  /** candidate − baseline, paired per replication. Negative is better. */
  readonly change: PairedDifference;
}

export type EvaluationVerdict = 'better' | 'worse' | 'inconclusive';

/** Why a candidate's evaluation stopped where it did (racing: twins/mitigation/race.ts). */
export type RaceStop = 'worse' | 'cannotMeetTarget' | 'metTarget' | 'dominated' | 'full';

export interface RaceOutcome {
  readonly stop: RaceStop;
  /** One line: why it stopped after these replications. */
  readonly reason: string;
}

export interface StrategyEvaluation {
  readonly strategy: Strategy;
  /** Paired replications it was judged on (racing stops some candidates before the full count). */
  readonly replications: number;
  readonly seed: number | string;
  readonly nodes: readonly NodeEffect[];
  /** Minutes in which some node breached its SLO, per replication: candidate − baseline. */
  readonly sloViolationMinutes: PairedDifference;
  /** Requests that failed or were shed at the entries, per replication: candidate − baseline. */
  readonly requestsFailed: PairedDifference;
  /** Extra cost over the horizon (candidate − baseline): replica-hours, core-hours, requests shed, and their price in the policy's unit (cost.ts). */
  readonly cost: PricedCost;
  /** Nodes whose P(fail) or latency changed beyond the noise. */
  readonly blastRadius: readonly string[];
  /** better: the addressed nodes' P(fail) change excludes 0 below it and no node got worse beyond the noise; worse: some node's change excludes 0 above it; else inconclusive. */
  readonly verdict: EvaluationVerdict;
  readonly explanation: string;
  /** Set when candidates were raced: why this one stopped after `replications`. */
  readonly race?: RaceOutcome;
}

export type ProposalState = 'proposed' | 'approved' | 'rejected' | 'applied' | 'verified' | 'rolledBack' | 'expired' | 'failed';

export interface Proposal {
  /** Short stable id (hash of twin, anomalies, strategy and creation time). */
  readonly id: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly twin: { readonly name: string; readonly hash: string };
  readonly anomalies: readonly Anomaly[];
  readonly strategy: Strategy;
  readonly evaluation: StrategyEvaluation;
  /** The other candidates, for the record: id, verdict, P(fail) change of the addressed nodes, priced cost (in `prices.unit`), on the Pareto front or not. */
  readonly alternatives: ReadonlyArray<{
    readonly id: string; readonly verdict: EvaluationVerdict; readonly riskChange: number; readonly cost: number; readonly pareto: boolean;
    /** Replications it was judged on and, when raced, why it stopped there. */
    readonly replications?: number; readonly race?: RaceOutcome;
  }>;
  /** Why this one: the policy's objective and how the others compared. */
  readonly choice: string;
  /** The prices every cost of this proposal is in (its evaluation's and its alternatives'), with their unit; absent in proposals made before costs were priced (core-hours). */
  readonly prices?: CostPrices;
  /** Set when the policy approves it without a person. */
  readonly autoApproved: { readonly rule: string } | null;
  /** The strategy tried on a running shadow before proposing (runs/mitigation/confirm-shadow.ts); absent when no shadow was up. */
  readonly shadowConfirmation?: ShadowConfirmation;
}
