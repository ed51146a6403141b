/**
 * Multi-fidelity Monte Carlo (docs/fidelity.md): the analytic screen, a short
 * full-fidelity pilot, the reduced twin (screened subtrees as delay stations
 * drawing from the pilot's response times), the main run on it (with
 * sequential stopping when asked), and the merged figures, screened nodes
 * marked and taken from the pilot.
 */
import { LogHistogram } from '../../engine/index.js';
import { collapseTwin, RESPONSE_SAMPLE_SIZE } from '../../twins/fidelity/collapse.js';
import { mergeScreened } from '../../twins/fidelity/merge.js';
import { closedSafe, DEFAULT_SCREEN, screenTwin, type NodeScreen, type ScreenOptions } from '../../twins/fidelity/screen.js';
import type { Twin } from '../../twins/definition/types.js';
import { assessRisk, type RiskReport } from '../../twins/risk.js';
import type { ChunkSummary } from '../../twins/flow/summary.js';
import { runMonteCarlo, type MonteCarloOptions, type MonteCarloResult } from './runner.js';

export interface ScreenedOptions extends MonteCarloOptions {
  /** Per entry, the high rate the screen judges at (twins/fidelity/load.ts). */
  readonly entryRates: readonly number[];
  /** Full-fidelity pilot replications (the first ones of the run's seed). */
  readonly pilotReplications: number;
  readonly screen?: ScreenOptions;
  /** Level of the intervals of the merged report. */
  readonly level: number;
}

/** What the summary says about a screened node. */
export interface ScreenedNode {
  readonly id: string;
  readonly utilization: number;
  readonly pWait: number;
  readonly lambda: number;
  readonly response99: number;
  /** The screen's reason (its figures at the high load). */
  readonly reason: string;
  /** A delay station in the reduced twin (the others are no longer visited: inlined into their callers, or inside a screened subtree). */
  readonly delayStation: boolean;
}

export interface FidelityReport {
  readonly mode: 'screened';
  readonly pilotReplications: number;
  readonly screened: readonly ScreenedNode[];
  /** Safe on the screen but failed in the pilot: simulated in full. */
  readonly vetoed: readonly string[];
  readonly events: { readonly pilot: number; readonly reduced: number };
  readonly seconds: { readonly pilot: number; readonly reduced: number };
}

export interface ScreenedResult {
  readonly risk: RiskReport;
  /** The reduced run (its summary has the delay stations' figures, not the merged ones). */
  readonly main: MonteCarloResult;
  readonly pilot: MonteCarloResult | null;
  readonly fidelity: FidelityReport;
  readonly screen: readonly NodeScreen[];
  readonly reducedTwin: Twin;
}

const failures = (s: ChunkSummary, i: number) => s.nodes[i]!.failTime.filter((t) => t !== null).length;

/** Response-time sample of a node from its pooled histogram: RESPONSE_SAMPLE_SIZE mid-quantiles; null without traffic. */
export function responseSample(s: ChunkSummary, i: number): number[] | null {
  const h = LogHistogram.fromJSON(s.nodes[i]!.hist);
  if (h.count === 0) return null;
  return Array.from({ length: RESPONSE_SAMPLE_SIZE }, (_, k) => Math.max(0, h.quantile((k + 0.5) / RESPONSE_SAMPLE_SIZE)));
}

export async function runScreened(twin: Twin, options: ScreenedOptions): Promise<ScreenedResult> {
  const { entryRates, pilotReplications, level, screen: screenOptions, ...mc } = options;
  const screen = screenTwin(twin, entryRates, screenOptions ?? DEFAULT_SCREEN);
  const empty = (main: MonteCarloResult, pilot: MonteCarloResult | null, vetoed: string[]): ScreenedResult => ({
    risk: assessRisk(main.summary, level), main, pilot, screen: screen.nodes, reducedTwin: twin,
    fidelity: { mode: 'screened', pilotReplications: pilot?.replications ?? 0, screened: [], vetoed, events: { pilot: pilot?.summary.events ?? 0, reduced: main.summary.events }, seconds: { pilot: pilot?.seconds ?? 0, reduced: main.seconds } },
  });
  if (!screen.closedSafe.some(Boolean)) return empty(await runMonteCarlo(twin, mc), null, []);

  // The pilot: the run's first replications at full fidelity, without checkpoints or stopping.
  const pilot = await runMonteCarlo(twin, { ...mc, replications: pilotReplications, stopping: null, checkpointDir: null, onProgress: undefined });
  const vetoed = screen.nodes.filter((n, i) => screen.closedSafe[i] && failures(pilot.summary, i) > 0).map((n) => n.id);
  const screened = closedSafe(twin, screen.nodes.map((n, i) => n.safe && failures(pilot.summary, i) === 0));
  if (!screened.some(Boolean)) return empty(await runMonteCarlo(twin, mc), pilot, vetoed);
  const responses = new Map<number, number[]>();
  screened.forEach((s, i) => {
    const sample = s ? responseSample(pilot.summary, i) : null;
    if (sample) responses.set(i, sample);
  });
  const reducedTwin = collapseTwin(twin, screened, responses, { seed: mc.settings.seed });
  // Screened nodes take the pilot's figures, so stopping waits only for the others.
  const skip = screen.nodes.flatMap((n, i) => (screened[i] ? [n.id] : []));
  const main = await runMonteCarlo(reducedTwin, { ...mc, stopping: mc.stopping ? { ...mc.stopping, skip } : null });
  const risk = mergeScreened(assessRisk(main.summary, level), assessRisk(pilot.summary, level), screened);
  const list: ScreenedNode[] = screen.nodes.flatMap((n, i) => screened[i] ? [{
    id: n.id, utilization: n.rho, pWait: n.pWait, lambda: n.lambda, response99: n.response99, reason: n.reason,
    delayStation: reducedTwin.nodes[i]!.servers !== twin.nodes[i]!.servers || reducedTwin.nodes[i]!.service !== twin.nodes[i]!.service,
  }] : []);
  return {
    risk, main, pilot, screen: screen.nodes, reducedTwin,
    fidelity: { mode: 'screened', pilotReplications: pilot.replications, screened: list, vetoed, events: { pilot: pilot.summary.events, reduced: main.summary.events }, seconds: { pilot: pilot.seconds, reduced: main.seconds } },
  };
}
