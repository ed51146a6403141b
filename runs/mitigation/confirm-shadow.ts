/**
 * Confirm a chosen strategy on a running shadow before it is proposed
 * (the process work; the verdict is twins/mitigation/confirm.ts):
 *
 *  1. the nodes the strategy changes are restarted as they are, so the
 *     baseline starts from the plan's predicted state like the candidate;
 *  2. baseline window: the shadow is driven with its plan's forecast-shaped
 *     traffic (seeded) while the target node's metric is read every step;
 *  3. the strategy is applied with the shadow applier;
 *  4. candidate window: the same arrivals (same seed: common random numbers);
 *  5. the shadow is rolled back to the specs it had, whatever happened;
 *  6. the judge compares the two samples: confirmed, not confirmed, or
 *     inconclusive, with its evidence.
 * A strategy the emulators cannot express, or a shadow that is not up, gives
 * an inconclusive confirmation naming why, never a failure of the proposal.
 */
import { confirmOnSamples, unusableShadow, type ShadowConfirmation } from '../../twins/mitigation/confirm.js';
import type { Proposal } from '../../twins/mitigation/types.js';
import { ApplierRefusal, changeOf, type Change } from './appliers/applier.js';
import { planShadowChange, shadowApplier } from './appliers/shadow.js';
import { shadowMetricWatch } from './metric-watch.js';
import { restartEmulators } from './shadow-restart.js';

export interface ConfirmOnShadowOptions {
  readonly dir: string;
  /** Wall-clock seconds of each of the two windows. */
  readonly windowSeconds: number;
  /** Seconds per point (default: window / 100: enough points for the judge to pass or fail even when some scrapes are lost or removed as outliers). */
  readonly stepSeconds?: number;
  /** The target node's metric, higher is worse (default latency_p95_s). */
  readonly metric?: string;
  /** The judge's relative tolerance band (default 0.1). */
  readonly tolerance?: number;
  /** Seed of the arrivals of both windows (default: the shadow plan's). */
  readonly seed?: number | string;
}

export const DEFAULT_CONFIRM_METRIC = 'latency_p95_s';

export async function confirmOnShadow(proposal: Proposal, o: ConfirmOnShadowOptions): Promise<ShadowConfirmation> {
  const metric = o.metric ?? DEFAULT_CONFIRM_METRIC;
  const stepSeconds = o.stepSeconds ?? o.windowSeconds / 100;
  const window = { windowSeconds: o.windowSeconds, stepSeconds };
  let change: Change;
  try {
    change = changeOf(proposal);
  } catch (e) {
    // A scale strategy without its current value: nothing to set, nothing to roll back to.
    return unusableShadow(proposal.strategy.target, metric, window, (e as Error).message);
  }
  let plan: ReturnType<typeof planShadowChange>;
  try {
    plan = planShadowChange(o.dir, change);
  } catch (e) {
    if (!(e instanceof ApplierRefusal)) throw e;
    return unusableShadow(change.target, metric, window, e.message);
  }
  const node = change.target;
  const watch = shadowMetricWatch({ dir: o.dir, stepSeconds, traffic: 'plan', ...(o.seed !== undefined ? { seed: o.seed } : {}) });
  await restartEmulators(plan.shadow, new Map(plan.changes.map((c) => [c.node, c.before])));
  const baseline = await watch.watch(node, metric, o.windowSeconds * 1000);
  const applier = shadowApplier(o.dir);
  let candidate: readonly number[] = [];
  let failure: Error | null = null;
  try {
    await applier.apply(change);
    candidate = await watch.watch(node, metric, o.windowSeconds * 1000);
  } catch (e) {
    failure = e as Error;
  }
  // Rolled back whatever happened; a failed rollback is reported with what caused it.
  try {
    await applier.rollback(change);
  } catch (e) {
    throw new Error(`${failure !== null ? `confirmation on the shadow failed (${failure.message}), and ` : ''}the shadow could not be rolled back: ${(e as Error).message}`, { cause: e });
  }
  if (failure !== null) throw failure;
  return confirmOnSamples(node, metric, baseline, candidate, window, o.tolerance);
}

/** The proposal with its shadow confirmation recorded (the hook `mitigate propose --shadow DIR` calls). */
export async function withShadowConfirmation(proposal: Proposal, o: ConfirmOnShadowOptions): Promise<Proposal> {
  return { ...proposal, shadowConfirmation: await confirmOnShadow(proposal, o) };
}
