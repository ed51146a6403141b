/**
 * The Kubernetes target of `shadow plan | up | down`: manifests beside the
 * plan, applied (server-side dry run first) only to a cluster named by
 * --kubeconfig or KUBECONFIG, the namespace recorded in DIR so `down` deletes
 * exactly it.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { kubernetesManifests, manifestsYaml, parseManifestsYaml, type KubeObject } from '../../../twins/shadow/manifests.js';
import type { Twin } from '../../../twins/definition/types.js';
import type { ShadowPlan } from '../../../twins/shadow/plan-types.js';
import { writeFileAtomically } from '../../report/atomic-file.js';
import { applyShadowManifests, deleteShadowNamespace, type ApplyReport, type KubernetesConnectionOptions } from '../../shadow/kubernetes.js';
import { KubernetesTargetError } from '../../shadow/kubernetes-client.js';
import { InputError } from '../../usage-error.js';

/** The cluster of the commands that talk to one (shadow up and down, mitigate's kubernetes applier): a kubeconfig named here or by KUBECONFIG, never guessed. */
export const KUBECONFIG_FLAG = {
  kubeconfig: { kind: 'path', value: 'FILE', absent: 'the KUBECONFIG environment variable', help: 'kubeconfig of the cluster to talk to (the Kubernetes target never falls back to ~/.kube/config)' },
} as const;

/** The adapter's connection options for a --kubeconfig value (absent: KUBECONFIG decides). */
export const kubeconfigOption = (file: string | undefined): KubernetesConnectionOptions => (file !== undefined ? { kubeconfig: file } : {});

/** Written beside plan.json by `shadow plan --target kubernetes`. */
export const MANIFESTS_FILE = 'manifests.yaml';
/** Written into DIR by `shadow up` on the Kubernetes target: what `down` deletes. */
export const KUBERNETES_RECORD = 'kubernetes.json';

export const manifestsBeside = (planFile: string): string => join(dirname(planFile), MANIFESTS_FILE);

export async function writeManifests(plan: ShadowPlan, twin: Twin, planFile: string, image: string, namespace: string | undefined): Promise<string> {
  const objects = kubernetesManifests(plan, twin, { image, ...(namespace !== undefined ? { namespace } : {}) });
  return writeFileAtomically(manifestsBeside(planFile), manifestsYaml(objects));
}

async function readManifests(file: string): Promise<KubeObject[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read the manifests (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); 'shadowcast shadow plan --target kubernetes' writes them beside the plan`, 'shadow up');
  }
  return parseManifestsYaml(text, file);
}

export async function upOnKubernetes(planFile: string, dir: string, dryRunOnly: boolean, kubeconfig?: string): Promise<ApplyReport> {
  const record = (namespace: string, server: string | null) => writeFileAtomically(join(dir, KUBERNETES_RECORD), JSON.stringify({ namespace, server }, null, 1) + '\n');
  let report: ApplyReport;
  try {
    report = await applyShadowManifests(await readManifests(manifestsBeside(planFile)), { dryRunOnly, ...kubeconfigOption(kubeconfig) });
  } catch (e) {
    // Objects applied before the failure stay on the cluster: recorded like a shadow that came up, so that
    // `shadow down --dir DIR` deletes their namespace (without the record it would find nothing to delete).
    if (e instanceof KubernetesTargetError && e.partialNamespace !== null) {
      await record(e.partialNamespace, null);
      throw new KubernetesTargetError(`${e.message}; recorded in ${join(dir, KUBERNETES_RECORD)}: 'shadowcast shadow down --dir ${dir}' deletes namespace ${e.partialNamespace} and them`, e.partialNamespace);
    }
    throw e;
  }
  if (!dryRunOnly) await record(report.namespace, report.server);
  return report;
}

/** Whether DIR holds a shadow `up` started on the Kubernetes target (its namespace record). */
export async function hasKubernetesRecord(dir: string): Promise<boolean> {
  return readFile(join(dir, KUBERNETES_RECORD), 'utf8').then(() => true, () => false);
}

/** Deletes the namespace `up` recorded in DIR; null when DIR holds no Kubernetes shadow. */
export async function downOnKubernetes(dir: string, kubeconfig?: string): Promise<{ namespace: string; deleted: boolean } | null> {
  let text: string;
  try {
    text = await readFile(join(dir, KUBERNETES_RECORD), 'utf8');
  } catch {
    return null;
  }
  const { namespace } = JSON.parse(text) as { namespace?: unknown };
  if (typeof namespace !== 'string') throw new InputError(`${join(dir, KUBERNETES_RECORD)}: namespace: expected a string`, 'shadow down');
  const r = await deleteShadowNamespace(namespace, kubeconfigOption(kubeconfig));
  return { namespace, deleted: r.deleted };
}

export function applyLines(r: ApplyReport, dryRunOnly: boolean): string {
  return [
    `cluster ${r.server}, namespace ${r.namespace}${r.namespaceCreated ? ' (created)' : ''}`,
    `server-side dry run accepted ${r.dryRun.length} object(s)${r.notChecked.length ? `; not checked until the namespace exists: ${r.notChecked.length}` : ''}`,
    dryRunOnly ? 'dry run only: nothing applied' : `applied: ${r.applied.join(', ')}`,
  ].join('\n');
}
