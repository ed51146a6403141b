/**
 * The judgement of one candidate against the baseline, from the two runs'
 * summaries (same seed, same replications: pairs). Pure: no simulation here
 * (runs/mitigation/evaluate-run.ts runs them). Statistics: evaluate-stats.ts;
 * the per-replication figures: evaluate-figures.ts; the rules: docs/mitigation.md.
 */
import type { Twin } from '../definition/types.js';
import type { ChunkSummary } from '../flow/summary.js';
import { DEFAULT_PRICES, priceCost, type CostPrices } from './cost.js';
import { degradedRequests, failed, requestsFailed, runCost, sloViolationMinutes } from './evaluate-figures.js';
import { newcombeDifference, pairedMeanDifference, pairedTable, proportion, sideOfZero } from './evaluate-stats.js';
import type { EvaluationVerdict, NodeEffect, Strategy, StrategyEvaluation } from './types.js';

/** One run: the twin simulated (the baseline twin, or it with the strategy's deltas) and its summary. */
export interface RunOutcome {
  readonly twin: Twin;
  readonly summary: ChunkSummary;
}

export interface EvaluateOptions {
  readonly seed: number | string;
  /** Confidence level of every interval. */
  readonly level: number;
  /** Seconds left out of whole-run figures (cost is over horizon − warm-up). */
  readonly warmup: number;
  /** Nodes whose risk the strategy is meant to lower (those of its anomalies). */
  readonly addressedNodes: readonly string[];
  /** A mean latency change smaller than this share of the baseline's is not counted in the blast radius, even when its interval excludes 0; default 0.05. */
  readonly latencyTolerance?: number;
  /** More failed requests at the entries than this share of their arrivals, with an interval above 0, makes a strategy worse; default 0.001. */
  readonly failedRequestsTolerance?: number;
  /** Prices of the cost (the policy's `cost`); default DEFAULT_PRICES. */
  readonly prices?: CostPrices;
}

function checkPairs(b: ChunkSummary, c: ChunkSummary): void {
  if (b.first !== c.first || b.count !== c.count || b.horizon !== c.horizon || b.windows !== c.windows) {
    throw new RangeError(`evaluateStrategy: the runs are not paired (baseline replications ${b.first}..+${b.count} over ${b.horizon}s, candidate ${c.first}..+${c.count} over ${c.horizon}s)`);
  }
  const ids = (s: ChunkSummary) => s.nodes.map((n) => n.id).join(',') + '|' + s.entries.map((e) => e.id).join(',');
  if (ids(b) !== ids(c)) throw new RangeError('evaluateStrategy: the runs have different nodes or entries (a strategy may change parameters, not the graph)');
}

const fmt = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);

export function evaluateStrategy(strategy: Strategy, baseline: RunOutcome, candidate: RunOutcome, o: EvaluateOptions): StrategyEvaluation {
  const b = baseline.summary, c = candidate.summary;
  checkPairs(b, c);
  const n = b.count;
  const tolerance = o.latencyTolerance ?? 0.05;
  const nodes: NodeEffect[] = b.nodes.map((bn, i) => {
    const cn = c.nodes[i]!;
    const fb = failed(bn), fc = failed(cn);
    const kb = fb.filter(Boolean).length, kc = fc.filter(Boolean).length;
    return { node: bn.id, baseline: proportion(kb, n, o.level), candidate: proportion(kc, n, o.level), change: newcombeDifference(pairedTable(fb, fc), o.level) };
  });
  const latencyMoved = new Set<string>();
  b.nodes.forEach((bn, i) => {
    const d = pairedMeanDifference(bn.metrics.meanLatency, c.nodes[i]!.metrics.meanLatency, o.level);
    const col = bn.metrics.meanLatency.filter(Number.isFinite);
    const base = col.length ? col.reduce((x, y) => x + y, 0) / col.length : 0;
    if (sideOfZero(d) !== 0 && Math.abs(d.mean) > tolerance * base) latencyMoved.add(bn.id);
  });
  const blastRadius = nodes.filter((e) => sideOfZero(e.change) !== 0 || latencyMoved.has(e.node)).map((e) => e.node);

  const addressed = nodes.filter((e) => o.addressedNodes.includes(e.node));
  const worse = nodes.filter((e) => sideOfZero(e.change) > 0);
  const improved = addressed.length > 0 && addressed.every((e) => sideOfZero(e.change) < 0);
  // Failing users to spare a node is no fix (a rate limit that sheds, a deadline that gives up): more failed requests at
  // the entries than a small share of the arrivals, beyond the noise, is worse too.
  const failedChange = pairedMeanDifference(requestsFailed(b), requestsFailed(c), o.level);
  const arrivals = b.entries.reduce((sum, e) => sum + e.arrivals.reduce((x, y) => x + y, 0), 0) / Math.max(1, n);
  const failsUsers = sideOfZero(failedChange) > 0 && failedChange.mean > (o.failedRequestsTolerance ?? 0.001) * arrivals;
  const verdict: EvaluationVerdict = worse.length > 0 || failsUsers ? 'worse' : improved ? 'better' : 'inconclusive';

  const costB = runCost(b, baseline.twin, o.warmup), costC = runCost(c, candidate.twin, o.warmup);
  const addressedText = addressed.map((e) => `${e.node} P(fail) ${e.baseline.mean.toFixed(3)} → ${e.candidate.mean.toFixed(3)}, paired change ${fmt(e.change.mean)} [${fmt(e.change.lo)}, ${fmt(e.change.hi)}]`).join('; ');
  const failedText = `failed requests at the entries ${fmt(failedChange.mean)} [${fmt(failedChange.lo)}, ${fmt(failedChange.hi)}] per replication`;
  const explanation = verdict === 'worse'
    ? worse.length > 0
      ? `worse: P(fail) rose beyond the noise at ${worse.map((e) => `${e.node} (${fmt(e.change.mean)} [${fmt(e.change.lo)}, ${fmt(e.change.hi)}])`).join(', ')}${addressedText ? `; ${addressedText}` : ''}`
      : `worse: ${failedText}, more than ${(100 * (o.failedRequestsTolerance ?? 0.001)).toFixed(1)} % of the arrivals${addressedText ? `; ${addressedText}` : ''}`
    : verdict === 'better'
      ? `better: ${addressedText}; no node got worse beyond the noise (${n} paired replications)`
      : addressed.length === 0
        ? `inconclusive: the strategy addresses no node of this run`
        : `inconclusive: ${addressedText}; the paired interval of ${addressed.filter((e) => sideOfZero(e.change) >= 0).map((e) => e.node).join(', ')} does not exclude 0 (${n} paired replications)`;
  return {
    strategy,
    replications: n,
    seed: o.seed,
    nodes,
    sloViolationMinutes: pairedMeanDifference(sloViolationMinutes(b, baseline.twin), sloViolationMinutes(c, candidate.twin), o.level),
    requestsFailed: failedChange,
    cost: priceCost({
      replicaHours: costC.replicaHours - costB.replicaHours, coreHours: costC.coreHours - costB.coreHours,
      // Fewer failed requests are the strategy's benefit (the risk axis), not a saving: only an increase is priced.
      requestsShed: Math.max(0, failedChange.mean) + degradedRequests(c, candidate.twin, o.warmup) - degradedRequests(b, baseline.twin, o.warmup),
    }, o.prices ?? DEFAULT_PRICES),
    blastRadius,
    verdict,
    explanation,
  };
}
