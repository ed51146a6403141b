/**
 * `shadow up|down --target kubernetes`: applies the objects of
 * twins/shadow/manifests.ts to the cluster of the kubeconfig, with
 * @kubernetes/client-node 1.4 (docs/shadow.md, "Kubernetes target").
 *
 * Apply is server-side apply (PATCH, application/apply-patch+yaml, field
 * manager `shadowcast`, force: the shadow's objects are shadowcast's, and a
 * re-apply restores the planned state, replicas included). Every object is
 * first sent with dryRun=All: the API server validates and admits it without
 * storing anything, and nothing is applied unless every object passes.
 *
 * One exception is forced by the API server: it refuses even a dry run of an
 * object in a namespace that does not exist (NamespaceLifecycle admission).
 * So when the shadow's namespace is missing, the Namespace itself is dry-run,
 * then created, then the other objects are dry-run; if one fails, the
 * namespace just created (empty) is deleted again. With `dryRunOnly` nothing
 * is created: the namespaced objects are reported as not checked.
 *
 * The namespace must carry `app.kubernetes.io/managed-by: shadowcast` when it
 * exists already: applying into, or deleting, somebody else's namespace is
 * refused.
 */
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubernetesObject, type V1Namespace } from '@kubernetes/client-node';
import { MANAGED_BY, describeObject, type KubeObject, type NamespaceObject } from '../../twins/shadow/manifests.js';
import { KubernetesTargetError, connect, describeFailure, httpCode, withDeadline, type Connection, type KubernetesConnectionOptions } from './kubernetes-client.js';

export { KubernetesTargetError, type KubernetesConnectionOptions } from './kubernetes-client.js';

export const FIELD_MANAGER = 'shadowcast';

export interface ApplyOptions extends KubernetesConnectionOptions {
  /** Only the server-side dry run; nothing is created or changed. */
  readonly dryRunOnly?: boolean;
}

export interface ApplyReport {
  readonly server: string;
  readonly namespace: string;
  /** The namespace did not exist and was created by this apply. */
  readonly namespaceCreated: boolean;
  /** Objects the API server accepted in the dry run, in order (`Kind ns/name`). */
  readonly dryRun: readonly string[];
  /** Objects not dry-run because their namespace does not exist yet (dryRunOnly only). */
  readonly notChecked: readonly string[];
  /** Objects applied, in order (empty with dryRunOnly). */
  readonly applied: readonly string[];
}

const isManaged = (ns: V1Namespace | KubernetesObject | null): boolean =>
  ns?.metadata?.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY['app.kubernetes.io/managed-by'];

/** The one Namespace of the objects; every other object must be in it. */
function shadowNamespaceOf(objects: readonly KubeObject[]): NamespaceObject {
  const namespaces = objects.filter((o): o is NamespaceObject => o.kind === 'Namespace');
  if (namespaces.length !== 1) throw new KubernetesTargetError(`the manifests must hold exactly one Namespace (the shadow's), found ${namespaces.length}`);
  const ns = namespaces[0]!;
  const outside = objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== ns.metadata.name);
  if (outside.length > 0) throw new KubernetesTargetError(`objects outside the shadow's namespace ${ns.metadata.name}: ${outside.map(describeObject).join(', ')}`);
  if (!isManaged(ns)) throw new KubernetesTargetError(`Namespace ${ns.metadata.name} lacks the label app.kubernetes.io/managed-by: shadowcast; apply manifests made by shadowcast shadow plan`);
  return ns;
}

/** The namespace as the server has it, or null when it does not exist. */
async function readNamespace(conn: Connection, core: CoreV1Api, name: string): Promise<V1Namespace | null> {
  try {
    return await withDeadline(conn, `read Namespace ${name}`, core.readNamespace({ name }));
  } catch (e) {
    if (httpCode(e) === 404) return null;
    if (e instanceof KubernetesTargetError) throw e;
    throw new KubernetesTargetError(describeFailure(conn, `read Namespace ${name}`, e));
  }
}

function refuseForeign(ns: V1Namespace, name: string): void {
  if (!isManaged(ns)) throw new KubernetesTargetError(`Namespace ${name} exists and is not managed by shadowcast (no label app.kubernetes.io/managed-by: shadowcast); choose another namespace for the shadow`);
}

/** Server-side apply of one object (dry run or real). Throws with the object and the server's answer. */
async function apply(conn: Connection, api: KubernetesObjectApi, o: KubeObject, dryRun: boolean): Promise<void> {
  const what = `${dryRun ? 'dry run of ' : 'apply of '}${describeObject(o)}`;
  // The client fills in missing metadata on the object it is given: give it a copy.
  const body = structuredClone(o) as KubernetesObject;
  try {
    await withDeadline(conn, what, api.patch(body, undefined, dryRun ? 'All' : undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply));
  } catch (e) {
    if (e instanceof KubernetesTargetError) throw e;
    throw new KubernetesTargetError(describeFailure(conn, what, e));
  }
}

/** Dry-runs every object, then (unless dryRunOnly) applies them in order. */
export async function applyShadowManifests(objects: readonly KubeObject[], options: ApplyOptions = {}): Promise<ApplyReport> {
  const ns = shadowNamespaceOf(objects);
  const name = ns.metadata.name;
  const conn = connect(options);
  const api = KubernetesObjectApi.makeApiClient(conn.kc);
  const core = conn.kc.makeApiClient(CoreV1Api);
  const inNamespace = objects.filter((o) => o !== ns);

  const existing = await readNamespace(conn, core, name);
  if (existing !== null) refuseForeign(existing, name);
  const dryRun: string[] = [];
  await apply(conn, api, ns, true);
  dryRun.push(describeObject(ns));

  let namespaceCreated = false;
  if (existing === null) {
    if (options.dryRunOnly) return { server: conn.where, namespace: name, namespaceCreated, dryRun, notChecked: inNamespace.map(describeObject), applied: [] };
    await apply(conn, api, ns, false);
    namespaceCreated = true;
  }

  const failures: string[] = [];
  for (const o of inNamespace) {
    try {
      await apply(conn, api, o, true);
      dryRun.push(describeObject(o));
    } catch (e) {
      failures.push((e as Error).message);
      // An unreachable server fails every object the same way: say it once.
      if (/cannot reach|no answer from/.test((e as Error).message)) break;
    }
  }
  if (failures.length > 0) {
    let cleanup = '';
    if (namespaceCreated) {
      cleanup = await deleteNamespace(conn, core, name).then(
        () => `; the namespace ${name} created for the dry run was deleted again`,
        (e: unknown) => `; the namespace ${name} created for the dry run could not be deleted (${(e as Error).message}): delete it with kubectl delete namespace ${name}`,
      );
    }
    throw new KubernetesTargetError(`the server-side dry run refused ${failures.length} object(s), nothing was applied${cleanup}: ${failures.join('; ')}`);
  }
  if (options.dryRunOnly) return { server: conn.where, namespace: name, namespaceCreated, dryRun, notChecked: [], applied: [] };

  const applied: string[] = namespaceCreated ? [describeObject(ns)] : [];
  for (const o of namespaceCreated ? inNamespace : objects) {
    try {
      await apply(conn, api, o, false);
    } catch (e) {
      throw new KubernetesTargetError(`${(e as Error).message}; applied before it: ${applied.join(', ') || 'nothing'}`, applied.length > 0 ? name : null);
    }
    applied.push(describeObject(o));
  }
  return { server: conn.where, namespace: name, namespaceCreated, dryRun, notChecked: [], applied };
}

async function deleteNamespace(conn: Connection, core: CoreV1Api, name: string): Promise<void> {
  try {
    await withDeadline(conn, `delete Namespace ${name}`, core.deleteNamespace({ name }));
  } catch (e) {
    if (httpCode(e) === 404) return;
    if (e instanceof KubernetesTargetError) throw e;
    throw new KubernetesTargetError(describeFailure(conn, `delete Namespace ${name}`, e));
  }
}

/**
 * `shadow down --target kubernetes`: deletes the shadow's namespace and with
 * it everything in it (the API server finishes asynchronously: the namespace
 * is Terminating for a while). Idempotent: a missing namespace is not an
 * error. Refuses a namespace not managed by shadowcast.
 */
export async function deleteShadowNamespace(namespace: string, options: KubernetesConnectionOptions = {}): Promise<{ readonly deleted: boolean; readonly server: string }> {
  const conn = connect(options);
  const core = conn.kc.makeApiClient(CoreV1Api);
  const existing = await readNamespace(conn, core, namespace);
  if (existing === null) return { deleted: false, server: conn.where };
  refuseForeign(existing, namespace);
  await deleteNamespace(conn, core, namespace);
  return { deleted: true, server: conn.where };
}

/**
 * Sets a Deployment's replicas through its scale subresource (a JSON merge
 * patch of spec.replicas, as `kubectl scale` does), so an HPA on the
 * Deployment keeps working from the new count. Returns the replicas the
 * server recorded.
 */
export async function scaleDeployment(namespace: string, name: string, replicas: number, options: KubernetesConnectionOptions = {}): Promise<number> {
  if (!(Number.isInteger(replicas) && replicas >= 0)) throw new RangeError(`replicas must be an integer >= 0, got ${replicas}`);
  const conn = connect(options);
  const apps = conn.kc.makeApiClient(AppsV1Api);
  const what = `scale Deployment ${namespace}/${name} to ${replicas}`;
  try {
    const scale = await withDeadline(conn, what, apps.patchNamespacedDeploymentScale(
      { name, namespace, body: { spec: { replicas } }, fieldManager: FIELD_MANAGER },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ));
    return scale.spec?.replicas ?? replicas;
  } catch (e) {
    if (e instanceof KubernetesTargetError) throw e;
    throw new KubernetesTargetError(describeFailure(conn, what, e));
  }
}
