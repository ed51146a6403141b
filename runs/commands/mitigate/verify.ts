/**
 * `mitigate verify ID`: verifies an applied change later (runs/mitigation/
 * verify-later.ts): the target's metric is watched for a window (from the
 * shadow with --shadow DIR, or production with --prometheus URL --query
 * PROMQL), its median judged against the predicted interval and the value
 * before the change; outside the interval or worse rolls the change back with
 * the applier that applied it, no data is inconclusive and rolls back unless
 * the policy says hold. Every outcome is audited.
 *
 * Exit codes: 0 verified (kept); 1 not kept (rolled back, or held unverified
 * by the policy); 2 usage; 3 invalid input (unknown proposal, policy, audit
 * log); 4 the rollback's applier failed; 5 refused (the proposal is not
 * applied, or another applier than the one that applied it was named).
 */
import { defineCommand, parseFlags, usageError } from '../../flags.js';
import { verifyLater } from '../../mitigation/verify-later.js';
import { applierFlags, applierFor, APPLIERS } from './apply.js';
import { STATE_FLAGS, withState } from './shared.js';
import { metricWatchFor, reportVerification, VERIFY_FLAGS } from './verify-flags.js';

const { verify: _auto, ...watchFlags } = VERIFY_FLAGS;

export const MITIGATE_VERIFY = defineCommand({
  command: 'mitigate verify',
  positionals: [{ name: 'ID', help: 'the applied proposal' }],
  flags: {
    ...STATE_FLAGS, ...applierFlags, ...watchFlags,
    applier: { kind: 'choice', choices: APPLIERS, absent: 'the one that applied it', help: 'rolls the change back if it does not hold; must be the one that applied it' },
    before: { kind: 'custom', value: 'X', absent: "the source's history before the apply (Prometheus), else an earlier verification's before-window, else none (inconclusive)", parse: parseNumber, help: "the metric's value before the change" },
  },
  notes: 'Needs a metric source: --shadow DIR or --prometheus URL --query PROMQL. Exit 0 verified, 1 rolled back or held unverified, 5 refused (not applied).',
});

function parseNumber(raw: string): number {
  const x = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(x)) throw new Error(`expected a number in the metric's unit, got '${raw}'`);
  return x;
}

export async function runVerify(argv: string[]): Promise<number> {
  const parsed = parseFlags(MITIGATE_VERIFY, argv);
  if (parsed === null) return -1;
  const v = parsed.values;
  const makeWatch = metricWatchFor(MITIGATE_VERIFY, v);
  if (makeWatch === null) throw usageError(MITIGATE_VERIFY, 'name the metric source: --shadow DIR (a running shadow) or --prometheus URL --query PROMQL');
  const id = parsed.positionals[0]!;
  return withState(v.state, async (store, audit) => {
    // The applier that applied it rolls it back. A proposal never applied has none; verifyLater refuses it before any
    // applier is used, so the dry-run stand-in is never called.
    const recorded = store.applications(id).filter((a) => a.kind === 'apply').at(-1)?.applier;
    const name = v.applier ?? (recorded as (typeof APPLIERS)[number] | undefined) ?? 'dry-run';
    const applier = await applierFor(MITIGATE_VERIFY, name, v.command, v.namespace, v.shadow, v.kubeconfig);
    const window = v.window ?? store.require(id).policy.verify.windowSeconds;
    const watch = makeWatch(v.step ?? window / 60);
    const r = await verifyLater(store, audit, id, applier, watch, {
      metric: v.metric, windowSeconds: window, by: v.as,
      ...(v.predicted !== undefined ? { predicted: v.predicted } : {}), ...(v.before !== undefined ? { before: v.before } : {}),
    });
    return reportVerification(r);
  });
}
