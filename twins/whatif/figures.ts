/**
 * The figures of a cell, per node, from its Monte Carlo summary: P(fail)
 * with its Wilson interval (twins/risk.ts), utilization and p99 as means
 * with t intervals, the cost in replica-hours and core-hours, and the
 * change against the base cell on the same replications (common random
 * numbers: replication i of both ran on the same streams), P(fail) with
 * Newcombe's paired interval and the means with paired t intervals
 * (twins/mitigation/evaluate-stats.ts).
 *
 * With sequential stopping a cell and the base may stop at different
 * counts; replication i of both still ran on the same streams, so the
 * paired figures use the first min(n_cell, n_base) replications of each
 * (`pairedReplications`), and the cell's own figures all of its own.
 */
import type { Twin } from '../definition/types.js';
import type { ChunkSummary } from '../flow/summary.js';
import { coresPerReplica, failed } from '../mitigation/evaluate-figures.js';
import { newcombeDifference, pairedMeanDifference, pairedTable } from '../mitigation/evaluate-stats.js';
import type { PairedDifference } from '../mitigation/types.js';
import { assessRisk, type Estimate } from '../risk.js';
import type { Cell, CellStopping } from './types.js';

export interface NodeFigures {
  readonly node: string;
  readonly pFail: { readonly mean: number; readonly lo: number; readonly hi: number };
  readonly failures: number;
  /** The condition most often first to fail, or null. */
  readonly condition: string | null;
  readonly utilization: Estimate;
  /** Mean over replications of each replication's p99 response time, seconds. */
  readonly p99: Estimate;
  /** Mean over replications of the time-averaged replicas × the measured span. */
  readonly replicaHours: number;
  readonly coreHours: number;
  /** This cell minus the base cell, paired replication by replication. */
  readonly vsBase: { readonly pFail: PairedDifference; readonly utilization: PairedDifference; readonly p99: PairedDifference };
}

export interface CellFigures {
  readonly index: number;
  readonly id: string;
  readonly values: Readonly<Record<string, string>>;
  /** Replications the cell's figures are over. */
  readonly replications: number;
  /** Why the cell stopped where it did; null without a stopping rule. */
  readonly stopping: CellStopping | null;
  /** Replications paired with the base cell for `vsBase`: the first min(cell's, base's). */
  readonly pairedReplications: number;
  readonly replicaHours: number;
  readonly coreHours: number;
  /** The node with the highest P(fail) upper bound (first in twin order on ties). */
  readonly worst: { readonly node: string; readonly hi: number };
  readonly nodes: readonly NodeFigures[];
}

/** A run of one cell: what ran and its summary. */
export interface CellRun {
  readonly cell: Cell;
  readonly twin: Twin;
  readonly summary: ChunkSummary;
  readonly stopping: CellStopping | null;
}

const mean = (xs: readonly number[]): number => {
  const finite = xs.filter(Number.isFinite);
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : 0;
};

export function cellFigures(run: CellRun, base: CellRun, level: number, warmup: number): CellFigures {
  const { summary: s, twin } = run;
  // Without stopping both ran every replication; with it, the common first ones pair up.
  if (s.count !== base.summary.count && !(run.stopping && base.stopping)) throw new RangeError(`cell ${run.cell.id}: ${s.count} replications against the base's ${base.summary.count}`);
  const paired = Math.min(s.count, base.summary.count);
  const sameRun = s === base.summary;
  const firstOf = <T>(xs: readonly T[]): readonly T[] => (xs.length === paired ? xs : xs.slice(0, paired));
  const risk = assessRisk(s, level);
  const hours = (s.horizon - warmup) / 3600;
  const nodes = s.nodes.map((n, i): NodeFigures => {
    const r = risk.nodes[i]!;
    const b = base.summary.nodes[i]!;
    if (b.id !== n.id) throw new RangeError(`cell ${run.cell.id}: node ${i} is ${n.id}, ${b.id} in the base`);
    const replicaHours = mean(n.metrics.meanReplicas) * hours;
    // A cell whose twin and settings equal the base's shares its run (runs/whatif/run-cells.ts): its change against
    // the base is exactly none, not an interval around 0 (Newcombe's gives ±14.5 points at n = 16 for identical outcomes).
    const none = (): PairedDifference => ({ mean: 0, lo: 0, hi: 0, n: paired });
    return {
      node: n.id, pFail: r.pFail, failures: r.failures, condition: r.mainCondition,
      utilization: r.figures.utilization, p99: r.figures.p99,
      replicaHours, coreHours: replicaHours * coresPerReplica(twin, i),
      vsBase: sameRun ? { pFail: none(), utilization: none(), p99: none() } : {
        pFail: newcombeDifference(pairedTable(firstOf(failed(b)), firstOf(failed(n))), level),
        utilization: pairedMeanDifference(firstOf(b.metrics.utilization), firstOf(n.metrics.utilization), level),
        p99: pairedMeanDifference(firstOf(b.metrics.p99), firstOf(n.metrics.p99), level),
      },
    };
  });
  // Ties on the upper bound (few replications, no failures anywhere) go to the busiest node: the one nearest to trouble.
  const busy = (n: NodeFigures) => n.utilization.mean ?? -1;
  const worst = nodes.reduce((w, n) => (n.pFail.hi > w.pFail.hi || (n.pFail.hi === w.pFail.hi && busy(n) > busy(w)) ? n : w), nodes[0]!);
  return {
    index: run.cell.index, id: run.cell.id, values: run.cell.values,
    replications: s.count, stopping: run.stopping, pairedReplications: paired,
    replicaHours: nodes.reduce((a, n) => a + n.replicaHours, 0),
    coreHours: nodes.reduce((a, n) => a + n.coreHours, 0),
    worst: { node: worst.node, hi: worst.pFail.hi },
    nodes,
  };
}
