/**
 * The `kubernetes` applier: scales the Deployment named like the node in one
 * namespace (scaleDeployment: a merge patch of the scale subresource) on the
 * cluster KUBECONFIG names; never a guessed cluster (runs/shadow/kubernetes-client.ts).
 * Only replica changes: workers per replica are not a Deployment field.
 */
import { KubernetesTargetError, scaleDeployment, type KubernetesConnectionOptions } from '../../shadow/kubernetes.js';
import { connect } from '../../shadow/kubernetes-client.js';
import { InputError } from '../../usage-error.js';
import { requireField, type Applier, type Change } from './applier.js';

export interface KubernetesApplierOptions extends KubernetesConnectionOptions {
  readonly namespace: string;
}

/**
 * The applier, once the kubeconfig is known to load: a missing or broken
 * kubeconfig is the command's input problem (exit 3), found before any
 * proposal is claimed, so it does not mark an approved proposal failed.
 */
export function kubernetesApplier(options: KubernetesApplierOptions): Applier {
  try {
    connect(options);
  } catch (e) {
    if (e instanceof KubernetesTargetError) throw new InputError(`--applier kubernetes: ${e.message}; nothing was changed and the proposal keeps its state`);
    throw e;
  }
  const scale = async (change: Change, direction: 'apply' | 'rollback'): Promise<string> => {
    const f = requireField('kubernetes', change, ['replicas']);
    const replicas = direction === 'apply' ? f.to : f.from;
    const got = await scaleDeployment(options.namespace, change.target, replicas, options);
    return `scaled Deployment ${options.namespace}/${change.target} to ${got} replicas`;
  };
  return {
    name: 'kubernetes',
    changesSomething: true,
    describe: (change, direction) => {
      const f = requireField('kubernetes', change, ['replicas']);
      return `scale Deployment ${options.namespace}/${change.target} to ${direction === 'apply' ? f.to : f.from} replicas`;
    },
    apply: (change) => scale(change, 'apply'),
    rollback: (change) => scale(change, 'rollback'),
  };
}
