/**
 * A distribution-free online detector for many telemetry series at once
 * (production against its own recent past), with its false-alarm rate
 * bounded by construction rather than tuned.
 *
 * Test, per series and step t: the last k points (t−k+1 … t) all lie beyond
 * the range of the `baseline` points just before them (above their maximum
 * by more than `floor`, or below their minimum by more than `floor`). If the
 * n + k values are exchangeable (no change), the k newest being the k largest
 * has probability exactly 1 / C(n + k, k), whatever the distribution — the
 * quantised, heavy-tailed, often-flat per-minute latencies of a quiet service
 * included, where a median/MAD z-score is miscalibrated (MAD is 0 on a flat
 * series and normal tails understate the real ones). The floor only makes an
 * alarm rarer, so the bound stays valid.
 *
 * Multiple testing (Bonferroni): a budget of `alphaPerHour` expected false
 * alarms per hour over all `series` series, each tested once per step, gives a
 * per-test level α = alphaPerHour / (series · stepsPerHour), halved for a
 * series watched in both directions. At each step the persistence k is the
 * smallest with 1 / C(n + k, k) ≤ α for the n finite baseline points there
 * (so an idle window with fewer points asks for a longer run). The expected
 * number of false alarms (steps, hence also incidents) is then at most
 * alphaPerHour per hour, by linearity of expectation — no independence
 * between series is assumed. Autocorrelation and drift break exchangeability
 * and raise the real rate; the Nezha bench measures it.
 *
 * Missing values (NaN: the latency of an idle minute) are not points: they
 * are dropped from the baseline and break a run (a run must be seen).
 * Pure: arrays in, alarms and incidents out.
 */
import type { BadDirection } from './detect.js';
import type { Anomaly } from './types.js';

export interface RobustParams {
  /** Steps in the trailing baseline window. */
  readonly baseline: number;
  /** Fewest finite baseline points for a test (fewer: the step is not judged). */
  readonly minBaseline: number;
  /** Expected false alarms per hour over all series (the Bonferroni budget). */
  readonly alphaPerHour: number;
  /** Samples per hour of one series (60 for one-minute steps). */
  readonly stepsPerHour: number;
  /** Longest run tested; a step needing a longer one is not judged. Default 10. */
  readonly maxRun?: number;
}

/** One watched series: its values on a regular grid, what direction is bad, and the smallest change worth an alarm in its unit. */
export interface WatchedSeries {
  readonly node: string;
  readonly metric: string;
  readonly values: ArrayLike<number>;
  readonly bad: BadDirection;
  /** Band beyond the baseline's range that a point must clear (≥ 0, the metric's unit). */
  readonly floor: number;
}

/** Evidence of one alarm: the run, the baseline it beat, and the bound on its chance under no change. */
export interface RobustAlarm {
  readonly node: string;
  readonly metric: string;
  /** Step of the run's last point. */
  readonly step: number;
  readonly direction: 'above' | 'below';
  /** The run's values (k of them, oldest first). */
  readonly run: readonly number[];
  readonly baseline: { readonly n: number; readonly min: number; readonly median: number; readonly max: number };
  readonly floor: number;
  /** 1 / C(n + k, k): chance of such a run under exchangeability. */
  readonly pBound: number;
  /** The per-test level it was compared with. */
  readonly level: number;
}

/** A service's alarms merged: alarms less than `mergeGap` steps apart are one incident. */
export interface RobustIncident {
  readonly node: string;
  readonly firstStep: number;
  readonly lastStep: number;
  readonly metrics: readonly string[];
  readonly alarms: number;
  /** The alarm with the smallest bound (the strongest evidence). */
  readonly strongest: RobustAlarm;
}

/** 1 / C(n + k, k), computed as a product to stay finite. */
export function runPBound(n: number, k: number): number {
  let p = 1;
  for (let i = 1; i <= k; i++) p *= i / (n + i);
  return p;
}

/** Per-test level from the Bonferroni budget (one side). */
export function perTestLevel(params: RobustParams, series: number): number {
  if (!(params.alphaPerHour > 0) || !(params.stepsPerHour > 0) || !(series >= 1)) throw new RangeError('perTestLevel: alphaPerHour, stepsPerHour must be > 0 and series >= 1');
  return params.alphaPerHour / (series * params.stepsPerHour);
}

/** Smallest run whose bound reaches the level with n baseline points, or null above maxRun. */
export function persistenceFor(n: number, level: number, maxRun = 10): number | null {
  for (let k = 1; k <= maxRun; k++) if (runPBound(n, k) <= level) return k;
  return null;
}

function median(sorted: readonly number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/**
 * Alarms of one series on steps [from, to), at the given per-test level
 * (already split across directions by the caller when needed).
 */
export function seriesAlarms(s: WatchedSeries, params: RobustParams, level: number, from = 0, to = s.values.length): RobustAlarm[] {
  const { baseline: B, minBaseline } = params;
  const maxRun = params.maxRun ?? 10;
  if (!(B >= 1 && minBaseline >= 1 && minBaseline <= B)) throw new RangeError('seriesAlarms: need 1 <= minBaseline <= baseline');
  if (!(s.floor >= 0)) throw new RangeError(`seriesAlarms: floor of ${s.node} ${s.metric} must be >= 0`);
  const v = s.values;
  const sides: Array<'above' | 'below'> = s.bad === 'either' ? ['above', 'below'] : [s.bad === 'increase' ? 'above' : 'below'];
  const sideLevel = level / sides.length;
  const out: RobustAlarm[] = [];
  for (let t = Math.max(from, 1); t < Math.min(to, v.length); t++) {
    if (!Number.isFinite(v[t]!)) continue;
    for (const side of sides) {
      for (let k = 1; k <= maxRun && t - k + 1 >= 1; k++) {
        const runStart = t - k + 1;
        const base: number[] = [];
        for (let i = Math.max(0, runStart - B); i < runStart; i++) if (Number.isFinite(v[i]!)) base.push(v[i]!);
        if (base.length < minBaseline) break;
        const p = runPBound(base.length, k);
        if (p > sideLevel) continue;
        // k is the persistence this step asks for: test it, once.
        let lo = Infinity, hi = -Infinity;
        for (const x of base) { if (x < lo) lo = x; if (x > hi) hi = x; }
        const run: number[] = [];
        for (let i = runStart; i <= t; i++) run.push(v[i]!);
        const beyond = run.every((x) => Number.isFinite(x) && (side === 'above' ? x > hi + s.floor : x < lo - s.floor));
        if (beyond) {
          base.sort((a, b) => a - b);
          out.push({ node: s.node, metric: s.metric, step: t, direction: side, run, baseline: { n: base.length, min: lo, median: median(base), max: hi }, floor: s.floor, pBound: p, level: sideLevel });
        }
        break;
      }
    }
  }
  return out;
}

/** Alarms of every series on steps [from, to), the Bonferroni level set by the number of series; sorted by step then node. */
export function robustAlarms(series: readonly WatchedSeries[], params: RobustParams, from = 0, to = Infinity): RobustAlarm[] {
  if (series.length === 0) return [];
  const level = perTestLevel(params, series.length);
  const out = series.flatMap((s) => seriesAlarms(s, params, level, from, Math.min(to, s.values.length)));
  return out.sort((a, b) => a.step - b.step || a.node.localeCompare(b.node) || a.metric.localeCompare(b.metric));
}

/** Something raised on a node at a step (an alarm of any detector). */
export interface NodeStep {
  readonly node: string;
  readonly step: number;
}

/** Groups each node's items into runs: a gap of `mergeGap` steps or more starts a new one. Sorted by first step, then node. */
export function groupByNode<A extends NodeStep>(items: readonly A[], mergeGap: number): Array<{ readonly node: string; readonly members: readonly A[] }> {
  if (!(mergeGap >= 1)) throw new RangeError('groupByNode: mergeGap must be >= 1');
  const byNode = new Map<string, A[]>();
  for (const a of items) {
    if (!byNode.has(a.node)) byNode.set(a.node, []);
    byNode.get(a.node)!.push(a);
  }
  const out: Array<{ node: string; members: A[] }> = [];
  for (const [node, list] of byNode) {
    list.sort((a, b) => a.step - b.step);
    let cur: A[] = [];
    for (const a of list) {
      if (cur.length > 0 && a.step - cur[cur.length - 1]!.step >= mergeGap) { out.push({ node, members: cur }); cur = []; }
      cur.push(a);
    }
    if (cur.length > 0) out.push({ node, members: cur });
  }
  return out.sort((a, b) => a.members[0]!.step - b.members[0]!.step || a.node.localeCompare(b.node));
}

/** A node's alarms less than `mergeGap` steps apart form one incident, whose evidence is its strongest alarm. */
export function mergeIncidents(alarms: readonly RobustAlarm[], mergeGap: number): RobustIncident[] {
  return groupByNode(alarms, mergeGap).map(({ node, members }) => ({
    node,
    firstStep: members[0]!.step,
    lastStep: members[members.length - 1]!.step,
    metrics: [...new Set(members.map((a) => a.metric))].sort(),
    alarms: members.length,
    strongest: members.reduce((m, a) => (a.pBound < m.pBound ? a : m)),
  }));
}

/**
 * Incidents as the mitigation engine's typed anomaly records (source
 * `telemetry`), with their evidence: critical when the strongest alarm's
 * chance under no change is ten times below the per-test level, or when
 * several metrics of the service broke out together.
 */
export function telemetryAnomalies(incidents: readonly RobustIncident[]): Anomaly[] {
  return incidents.map((i) => {
    const a = i.strongest;
    const critical = a.pBound * 10 <= a.level || i.metrics.length > 1;
    return {
      id: `telemetry:${i.node}:${i.metrics.join('+')}:${i.firstStep}`,
      source: 'telemetry',
      node: i.node,
      severity: critical ? 'critical' : 'warning',
      summary: `${i.node}: ${a.metric} ${a.direction} its recent range (${a.baseline.min}..${a.baseline.max}) for ${a.run.length} points in a row from step ${i.firstStep} (chance under no change ≤ ${a.pBound.toPrecision(2)})${i.metrics.length > 1 ? `; also ${i.metrics.filter((m) => m !== a.metric).join(', ')}` : ''}`,
      evidence: {
        source: 'telemetry', metrics: [...i.metrics], firstStep: i.firstStep, lastStep: i.lastStep, alarms: i.alarms,
        strongest: { metric: a.metric, direction: a.direction, run: [...a.run], baseline: { ...a.baseline }, pBound: a.pBound, level: a.level },
      },
    };
  });
}
