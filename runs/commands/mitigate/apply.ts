/**
 * `mitigate apply ID [--applier dry-run|shadow|command|kubernetes]` and
 * `mitigate rollback ID`. A real apply is verified by default when a metric
 * source is known (--shadow DIR, or --prometheus URL --query PROMQL): the
 * target's metric is watched for a window before and after the change, and
 * the change is rolled back automatically unless it holds (verify.ts).
 */
import { defineCommand, parseFlags, usageError, type CommandSpec, type FlagTable } from '../../flags.js';
import type { Applier } from '../../mitigation/appliers/applier.js';
import { commandApplier, readCommandTemplate } from '../../mitigation/appliers/command.js';
import { dryRunApplier } from '../../mitigation/appliers/dry-run.js';
import { kubernetesApplier } from '../../mitigation/appliers/kubernetes.js';
import { KUBECONFIG_FLAG, kubeconfigOption } from '../shadow/kubernetes.js';
import { shadowApplier } from '../../mitigation/appliers/shadow.js';
import { applyProposal, rollbackProposal } from '../../mitigation/workflow.js';
import { metricWatchFor, reportVerification, verifyAfterApply, VERIFY_FLAGS } from './verify-flags.js';
import { STATE_FLAGS, withState } from './shared.js';

export const APPLIERS = ['dry-run', 'shadow', 'command', 'kubernetes'] as const;

export const applierFlags = {
  ...STATE_FLAGS,
  as: { kind: 'string', value: 'NAME', default: 'shadowcast', help: 'who applies, for the audit log' },
  command: { kind: 'path', value: 'FILE', help: 'command applier: JSON {"apply": [argv], "rollback": [argv]} with placeholders {node} {replicas} ...' },
  namespace: { kind: 'string', value: 'NS', default: 'default', help: 'kubernetes applier: namespace of the Deployment named like the node (cluster from --kubeconfig or KUBECONFIG)' },
  ...KUBECONFIG_FLAG,
  shadow: { kind: 'path', value: 'DIR', help: "shadow applier: the running shadow ('shadowcast shadow up --dir DIR'); also where verification reads the metric" },
} as const;

export const MITIGATE_APPLY = defineCommand({
  command: 'mitigate apply',
  positionals: [{ name: 'ID', help: 'the proposal' }],
  flags: { ...applierFlags, ...VERIFY_FLAGS, applier: { kind: 'choice', choices: APPLIERS, default: 'dry-run', help: 'how the change is made (dry-run prints it and changes nothing)' } },
  notes: 'Refused (exit 5, audited) unless approved or auto-approved by the policy, unexpired, within the policy, and not yet applied. A real apply is verified (before/after windows, automatic rollback) when --shadow or --prometheus names a metric source, unless --verify off.',
});

export const MITIGATE_ROLLBACK = defineCommand({
  command: 'mitigate rollback',
  positionals: [{ name: 'ID', help: 'the proposal' }],
  flags: { ...applierFlags, applier: { kind: 'choice', choices: APPLIERS, default: 'dry-run', help: 'must be the applier that applied it' }, reason: { kind: 'string', value: 'TEXT', default: 'rollback requested', help: 'why, for the audit log' } },
});

export async function applierFor(spec: CommandSpec<FlagTable>, name: (typeof APPLIERS)[number], command: string | undefined, namespace: string, shadow: string | undefined, kubeconfig: string | undefined): Promise<Applier> {
  if (name === 'kubernetes') return kubernetesApplier({ namespace, ...kubeconfigOption(kubeconfig) });
  // A flag that is parsed and ignored is a bug: the cluster is only the kubernetes applier's.
  if (kubeconfig !== undefined) throw usageError(spec, `--kubeconfig names the cluster of the kubernetes applier, and the applier is ${name}`);
  if (name === 'dry-run') return dryRunApplier;
  if (name === 'shadow') {
    if (shadow === undefined) throw usageError(spec, '--applier shadow needs --shadow DIR');
    return shadowApplier(shadow);
  }
  if (command === undefined) throw usageError(spec, '--applier command needs --command FILE');
  return commandApplier(await readCommandTemplate(command));
}

/** Flags that only shape verification of a real change. */
const VERIFY_ONLY = ['verify', 'window', 'step', 'metric', 'predicted', 'traffic', 'prometheus', 'query'] as const;

export async function runApply(argv: string[]): Promise<number> {
  const parsed = parseFlags(MITIGATE_APPLY, argv);
  if (parsed === null) return -1;
  const v = parsed.values;
  const applier = await applierFor(MITIGATE_APPLY, v.applier, v.command, v.namespace, v.shadow, v.kubeconfig);
  if (!applier.changesSomething) {
    // A flag that is parsed and ignored is a bug: the dry-run applier changes nothing, so there is nothing to verify.
    const given = VERIFY_ONLY.filter((f) => argv.some((a) => a === `--${f}` || a.startsWith(`--${f}=`)));
    if (given.length > 0) throw usageError(MITIGATE_APPLY, `${given.map((f) => `--${f}`).join(', ')} verify a real change, and the ${v.applier} applier changes nothing: choose --applier shadow, command or kubernetes, or drop them`);
  }
  const watch = v.verify === 'off' || !applier.changesSomething ? null : metricWatchFor(MITIGATE_APPLY, v);
  return withState(v.state, async (store, audit) => {
    const id = parsed.positionals[0]!;
    if (watch === null) {
      const r = await applyProposal(store, audit, id, applier, { by: v.as });
      console.log(r.detail);
      if (applier.changesSomething) console.log(v.verify === 'off' ? 'not verified (--verify off)' : 'not verified: no metric source (give --shadow DIR or --prometheus URL --query PROMQL)');
      console.log(`${r.proposal.proposal.id}: state ${r.proposal.state}`);
      return 0;
    }
    return reportVerification(await verifyAfterApply(store, audit, id, applier, watch, v));
  });
}

export async function runRollback(argv: string[]): Promise<number> {
  const parsed = parseFlags(MITIGATE_ROLLBACK, argv);
  if (parsed === null) return -1;
  const v = parsed.values;
  const applier = await applierFor(MITIGATE_ROLLBACK, v.applier, v.command, v.namespace, v.shadow, v.kubeconfig);
  return withState(v.state, async (store, audit) => {
    const r = await rollbackProposal(store, audit, parsed.positionals[0]!, applier, { by: v.as, why: v.reason });
    console.log(r.detail);
    console.log(`${r.proposal.proposal.id}: state ${r.proposal.state}`);
    return 0;
  });
}
