/**
 * Sequential stopping (pure): after each group of chunks, stop adding
 * replications once every node's P(fail) is settled — its interval clear of
 * the decision threshold (wholly above or below it), or narrower than the
 * precision asked. The decision is a function of the failures per node in
 * the groups run so far, and groups are fixed by the replication count alone, so
 * the replications run (and every figure) are the same for any worker count
 * and executor.
 *
 * Looking after every group and stopping at the first settled look would
 * make the intervals optimistic; the looks use intervals at level
 * 1 − (1 − level) / looks (Bonferroni over the most looks the run can take),
 * so the chance that any look settles a node on a wrong side stays within
 * 1 − level. The reported intervals are the usual ones, at `level`.
 */
import { normalQuantile, wilsonInterval } from '../../engine/index.js';
import type { ChunkSummary } from '../../twins/flow/summary.js';
import type { ChunkRange } from './chunks.js';

export interface StoppingRule {
  /** Settled when the interval's half-width is at most this (a share, 0.01 = ±1 point); null: not a criterion. */
  readonly precision: number | null;
  /** Settled when the interval lies wholly above or below this P(fail); null: not a criterion. */
  readonly threshold: number | null;
  /** Level of the run's intervals (e.g. 0.95). */
  readonly level: number;
  /**
   * With a threshold: settled as soon as one node's interval lies wholly above
   * it, whatever the others (a what-if cell then misses its target however
   * many more replications run). Absent or false: every node must settle.
   */
  readonly settleWhenAnyAbove?: boolean;
  /**
   * Nodes the rule does not wait for: at `--fidelity screened` the screened
   * nodes, whose figures come from the pilot and the screen, not from this
   * run (in the reduced twin they see little or no traffic and would only
   * settle as never-failing after many replications).
   */
  readonly skip?: readonly string[];
}

/** Most looks a run takes: the replications are cut into this many groups of whole chunks. */
export const STOPPING_GROUPS = 8;

export interface StoppingDecision {
  readonly stop: boolean;
  /** Why it stopped, or what is still open (for the console and summary.json). */
  readonly reason: string;
  /** Nodes not yet settled, in the summary's order. */
  readonly open: readonly string[];
}

/** What a run reports about its stopping. */
export interface StoppingReport {
  readonly rule: StoppingRule;
  readonly maxReplications: number;
  readonly replications: number;
  /** Looks taken (groups run). */
  readonly looks: number;
  readonly stoppedEarly: boolean;
  readonly reason: string;
}

/** Consecutive chunks in at most STOPPING_GROUPS groups of equal chunk counts (the last may be shorter). */
export function chunkGroups(ranges: readonly ChunkRange[]): ChunkRange[][] {
  const per = Math.ceil(ranges.length / STOPPING_GROUPS);
  const groups: ChunkRange[][] = [];
  for (let i = 0; i < ranges.length; i += per) groups.push(ranges.slice(i, i + per));
  return groups;
}

export function checkStoppingRule(rule: StoppingRule): void {
  if (rule.precision === null && rule.threshold === null) throw new RangeError('a stopping rule needs a precision, a threshold or both');
  for (const [name, v] of [['precision', rule.precision], ['threshold', rule.threshold]] as const) {
    if (v !== null && !(v > 0 && v < 1)) throw new RangeError(`stopping ${name} must be between 0 and 1, got ${v}`);
  }
}

const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 2 : 1)} %`;

function criteria(rule: StoppingRule): string {
  return [rule.threshold !== null ? `clear of ${pct(rule.threshold)}` : null, rule.precision !== null ? `within ±${pct(rule.precision)}` : null].filter(Boolean).join(' or ');
}

/** What a look needs of the replications run so far: per node, how many of them failed. */
export interface FailureTally {
  readonly count: number;
  readonly nodes: ReadonlyArray<{ readonly id: string; readonly failures: number }>;
}

/**
 * Failures per node over chunks (in order), without merging them: a look
 * needs only these counts, and merging every chunk's histograms at every look
 * cost the nightly ~45 s of main-thread CPU while the workers waited.
 */
export function tallyFailures(chunks: readonly ChunkSummary[]): FailureTally {
  const first = chunks[0];
  if (first === undefined) return { count: 0, nodes: [] };
  const failures = new Array<number>(first.nodes.length).fill(0);
  let count = 0;
  for (const chunk of chunks) {
    count += chunk.count;
    chunk.nodes.forEach((node, i) => {
      for (const t of node.failTime) if (t !== null) failures[i]!++;
    });
  }
  return { count, nodes: first.nodes.map((n, i) => ({ id: n.id, failures: failures[i]! })) };
}

export function stoppingDecision(summary: FailureTally, rule: StoppingRule, looks: number): StoppingDecision {
  const z = normalQuantile(1 - (1 - rule.level) / (2 * Math.max(1, looks)));
  const open: string[] = [];
  const above: string[] = [];
  const skip = new Set(rule.skip ?? []);
  for (const node of summary.nodes) {
    if (skip.has(node.id)) continue;
    const w = wilsonInterval(node.failures, summary.count, z);
    if (rule.threshold !== null && w.lo > rule.threshold) above.push(node.id);
    const clear = rule.threshold !== null && (w.lo > rule.threshold || w.hi < rule.threshold);
    const narrow = rule.precision !== null && (w.hi - w.lo) / 2 <= rule.precision;
    if (!clear && !narrow) open.push(node.id);
  }
  const level = `${pct(1 - (1 - rule.level) / Math.max(1, looks))} intervals`;
  if (rule.settleWhenAnyAbove && above.length > 0 && open.length > 0) {
    return { stop: true, reason: `${above.slice(0, 5).join(', ')}${above.length > 5 ? ', ...' : ''}: P(fail) clearly above ${pct(rule.threshold!)} after ${summary.count} replications (${level}); ${open.length} other node(s) not settled`, open };
  }
  const judged = skip.size > 0 ? `every node's P(fail) but the ${skip.size} screened` : "every node's P(fail)";
  return open.length === 0
    ? { stop: true, reason: `${judged} is ${criteria(rule)} after ${summary.count} replications (${level})`, open }
    : { stop: false, reason: `${open.length} node(s) not yet ${criteria(rule)} after ${summary.count} replications (${level}): ${open.slice(0, 5).join(', ')}${open.length > 5 ? ', ...' : ''}`, open };
}
