/**
 * The sim-to-real check, pure: per duplicated node, the figures measured in
 * the shadow (already mapped back to production units) against the twin's
 * prediction at the same load, with relative errors and a tri-state verdict.
 * A node whose emulator crashed or gave no data is `missing` and never passes.
 *
 * A short shadow run measures few responses, so a difference can be sampling
 * noise. Each figure carries an approximate relative standard error from the
 * number of responses n (documented in docs/shadow.md): throughput and
 * utilization 1/√n (Poisson counts), mean latency cv/√n with cv from a
 * lognormal through the measured p50 and p95, p50 and p95 1.45/√n (the
 * quantile's standard error under an exponential tail). Verdict: `ok` within
 * tolerance; `off` outside it AND outside twice the standard error;
 * `inconclusive` when the difference is within the noise but the tolerance
 * is not (more responses are needed to tell). Only `ok` passes.
 */

export const COMPARE_FORMAT = 'shadowcast-shadow-compare/1';

export const COMPARED_FIGURES = ['throughput', 'utilization', 'meanLatency', 'p50', 'p95'] as const;
export type ComparedFigure = (typeof COMPARED_FIGURES)[number];

/** What the shadow measured for one node, production units (requests/s, seconds). */
export type MeasuredNode =
  | {
      readonly id: string;
      readonly available: true;
      /** Production seconds the measurement covers (shadow seconds / k). */
      readonly productionSeconds: number;
      /** Answered requests (ok + error) in the window. */
      readonly responses: number;
      /** Responses per second (ok + error; rejected excluded, as the twin counts them as drops). */
      readonly throughput: number;
      /** Time-averaged busy workers (unchanged by dilation); null when the emulator did not expose them. */
      readonly busyWorkers: number | null;
      readonly meanLatency: number | null;
      readonly p50: number | null;
      readonly p95: number | null;
    }
  | { readonly id: string; readonly available: false; readonly reason: string };

/** The twin's prediction for one node at the injected load (production units); null = the twin has no value. */
export type PredictedNode = Readonly<Record<ComparedFigure, number | null>> & { readonly id: string };

/** Relative tolerance per figure. Throughput and mean latency are the issue's targets (5 %, 15 %). */
export const DEFAULT_TOLERANCES: Readonly<Record<ComparedFigure, number>> = {
  throughput: 0.05, utilization: 0.1, meanLatency: 0.15, p50: 0.2, p95: 0.2,
};

export type FigureVerdict = 'ok' | 'off' | 'inconclusive' | 'unchecked';

export interface FigureComparison {
  readonly measured: number | null;
  readonly predicted: number | null;
  /** (measured − predicted) / predicted; null when either is missing or the prediction is 0 with a non-zero measurement. */
  readonly relativeError: number | null;
  readonly tolerance: number;
  /** Twice the approximate relative standard error of the measurement (the noise band); null without responses. */
  readonly noise: number | null;
  readonly verdict: FigureVerdict;
  /** verdict === 'ok' (a missing or inconclusive value is never a pass). */
  readonly pass: boolean;
}

/** Relative standard error of a figure measured over n responses (module comment). */
export function relativeStandardError(figure: ComparedFigure, n: number, p50: number | null, p95: number | null): number | null {
  if (!(n > 0)) return null;
  switch (figure) {
    case 'throughput':
    case 'utilization':
      return 1 / Math.sqrt(n);
    case 'meanLatency': {
      const sigma = p50 !== null && p95 !== null && p50 > 0 && p95 > p50 ? Math.log(p95 / p50) / 1.6449 : 1;
      return Math.sqrt(Math.expm1(sigma * sigma)) / Math.sqrt(n);
    }
    case 'p50':
    case 'p95':
      return 1.45 / Math.sqrt(n);
  }
}

export function figureVerdict(rel: number | null, tolerance: number, noise: number | null): FigureVerdict {
  if (rel === null) return 'unchecked';
  if (Math.abs(rel) <= tolerance) return 'ok';
  return noise !== null && Math.abs(rel) <= noise ? 'inconclusive' : 'off';
}

export interface NodeComparison {
  readonly node: string;
  readonly status: 'compared' | 'missing';
  /** Why the node is missing, or which figures could not be checked. */
  readonly notes: readonly string[];
  readonly figures: Readonly<Record<ComparedFigure, FigureComparison>> | null;
  readonly pass: boolean;
}

export interface ShadowComparison {
  readonly format: typeof COMPARE_FORMAT;
  readonly k: number;
  readonly nodes: readonly NodeComparison[];
  /** Every duplicated node compared and every figure within tolerance. */
  readonly pass: boolean;
}

export interface CompareInput {
  /** Dilation the shadow ran at (recorded; figures are already in production units). */
  readonly k: number;
  /** Duplicated nodes with their workers in the shadow (replicas × workers per replica), for utilization. */
  readonly nodes: ReadonlyArray<{ readonly id: string; readonly workers: number }>;
  readonly measured: ReadonlyMap<string, MeasuredNode>;
  readonly predicted: ReadonlyMap<string, PredictedNode>;
  readonly tolerances?: Partial<Record<ComparedFigure, number>>;
}

export function relativeError(measured: number | null, predicted: number | null): number | null {
  if (measured === null || predicted === null || !Number.isFinite(measured) || !Number.isFinite(predicted)) return null;
  if (predicted === 0) return measured === 0 ? 0 : null;
  return (measured - predicted) / Math.abs(predicted);
}

export function compareShadow(input: CompareInput): ShadowComparison {
  const tol = { ...DEFAULT_TOLERANCES, ...input.tolerances };
  const nodes = input.nodes.map((n): NodeComparison => {
    const m = input.measured.get(n.id);
    if (!m) return { node: n.id, status: 'missing', notes: ['no measurement (no metrics URL or no scrape)'], figures: null, pass: false };
    if (!m.available) return { node: n.id, status: 'missing', notes: [m.reason], figures: null, pass: false };
    const p = input.predicted.get(n.id);
    const notes: string[] = [];
    if (!p) notes.push('the twin has no prediction for this node');
    const measured: Record<ComparedFigure, number | null> = {
      throughput: m.throughput,
      utilization: m.busyWorkers !== null && n.workers > 0 ? m.busyWorkers / n.workers : null,
      meanLatency: m.meanLatency, p50: m.p50, p95: m.p95,
    };
    const figures = Object.fromEntries(COMPARED_FIGURES.map((f) => {
      const predicted = p ? p[f] : null;
      const rel = relativeError(measured[f], predicted);
      if (rel === null) notes.push(`${f}: not checked (${measured[f] === null ? 'no measurement' : predicted === null ? 'no prediction' : 'prediction 0'})`);
      const se = relativeStandardError(f, m.responses, m.p50, m.p95);
      const noise = se === null ? null : 2 * se;
      const verdict = figureVerdict(rel, tol[f], noise);
      if (verdict === 'inconclusive') notes.push(`${f}: ${(rel! * 100).toFixed(1)} % is within the noise of ${m.responses} responses (±${(noise! * 100).toFixed(1)} %); about ${Math.ceil((2 * se! * Math.sqrt(m.responses) / tol[f]) ** 2)} responses would tell ±${(tol[f] * 100).toFixed(0)} %`);
      return [f, { measured: measured[f], predicted, relativeError: rel, tolerance: tol[f], noise, verdict, pass: verdict === 'ok' }];
    })) as Record<ComparedFigure, FigureComparison>;
    return { node: n.id, status: 'compared', notes, figures, pass: COMPARED_FIGURES.every((f) => figures[f].pass) };
  });
  return { format: COMPARE_FORMAT, k: input.k, nodes, pass: nodes.length > 0 && nodes.every((n) => n.pass) };
}

function num(v: number | null, unit: 's' | 'rate' | 'share'): string {
  if (v === null) return '-';
  if (unit === 's') return v >= 1 ? `${v.toFixed(2)} s` : `${(v * 1000).toFixed(1)} ms`;
  if (unit === 'share') return `${(v * 100).toFixed(1)} %`;
  return `${v.toFixed(2)}/s`;
}

const UNITS: Record<ComparedFigure, 's' | 'rate' | 'share'> = { throughput: 'rate', utilization: 'share', meanLatency: 's', p50: 's', p95: 's' };

/** One line per node and figure: measured, predicted, relative error, verdict (production units). */
export function comparisonTable(c: ShadowComparison): string {
  const rows: string[][] = [['node', 'figure', 'shadow', 'twin', 'rel. error', 'verdict']];
  for (const n of c.nodes) {
    if (!n.figures) {
      rows.push([n.node, '-', '-', '-', '-', `MISSING: ${n.notes.join('; ')}`]);
      continue;
    }
    for (const f of COMPARED_FIGURES) {
      const x = n.figures[f];
      const rel = x.relativeError === null ? '-' : `${x.relativeError >= 0 ? '+' : ''}${(x.relativeError * 100).toFixed(1)} %`;
      const noise = x.noise === null ? '' : ` (noise ±${(x.noise * 100).toFixed(0)} %)`;
      const verdict = x.verdict === 'off' ? `off (±${(x.tolerance * 100).toFixed(0)} %)${noise}` : x.verdict === 'inconclusive' ? `inconclusive${noise}` : x.verdict;
      rows.push([n.node, f, num(x.measured, UNITS[f]), num(x.predicted, UNITS[f]), rel, verdict]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i < 2 || i === 5 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  // A missing node or a figure off beyond the noise fails the check; differences within the noise only leave it open.
  const off = c.nodes.filter((n) => n.figures && COMPARED_FIGURES.some((f) => n.figures![f].verdict === 'off')).length;
  const missing = c.nodes.filter((n) => n.status === 'missing').length;
  const verdict = c.pass ? 'PASS' : off + missing > 0 ? 'FAIL' : 'INCONCLUSIVE';
  const detail = [off > 0 ? `${off} off beyond noise` : '', missing > 0 ? `${missing} missing` : ''].filter(Boolean).join(', ');
  lines.push(`dilation k = ${c.k}; figures in production units; ${verdict}: ${c.nodes.filter((n) => n.pass).length}/${c.nodes.length} nodes within tolerance${detail ? ` (${detail})` : ''}`);
  return lines.join('\n');
}

/**
 * The sim-to-real error the fidelity controller reads: the largest |relative
 * error| of throughput and mean latency over the compared nodes, leaving out
 * differences within the noise; null when nothing could be compared (a
 * missing node says nothing about the twin).
 */
export function simToRealError(c: ShadowComparison): number | null {
  let worst: number | null = null;
  for (const n of c.nodes) {
    for (const f of ['throughput', 'meanLatency'] as const) {
      const x = n.figures?.[f];
      // An inconclusive difference is noise of a short run, not evidence against the twin.
      if (x && x.relativeError !== null && x.verdict !== 'inconclusive') worst = Math.max(worst ?? 0, Math.abs(x.relativeError));
    }
  }
  return worst;
}
