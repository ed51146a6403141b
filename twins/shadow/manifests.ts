/**
 * The Kubernetes target of a shadow plan (docs/shadow.md, "Kubernetes
 * target"): the plan as Kubernetes objects. Pure: a plan and its twin in,
 * objects out; runs/shadow/kubernetes.ts applies them.
 *
 * Objects, in apply order: the shadow's Namespace; the stub's ConfigMap,
 * Service and Deployment (one pod serves every stubbed node); per duplicated
 * node, in plan order, its ConfigMap (the emulator's configuration), Service,
 * Deployment (one pod per replica) and, where the twin gives the node an
 * autoscaler, a HorizontalPodAutoscaler. The plan carries no autoscaler, so
 * it is read from the twin, which must be the plan's (content hash).
 *
 * Unlike the local materialiser, no start order is needed: every address is
 * a Service DNS name known before anything runs.
 */
import type { V1ConfigMap, V1Container, V1Deployment, V1Namespace, V1ObjectMeta, V1Service, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { parseAllDocuments, stringify } from 'yaml';
import { twinContentHash } from '../definition/content-hash.js';
import type { Autoscale, Twin } from '../definition/types.js';
import { SHADOW_PLAN_FORMAT, type EmulatorSpec, type ShadowPlan, type StubSpec } from './plan-types.js';
import { CONFIG_DIR, CONTAINER_PORT, EMULATOR_CONFIG_FILE, STUB_CONFIG_FILE, configText, emulatorPodConfig, inClusterUrl, stubPodConfig } from './manifests-config.js';
import { emulatorPodResources, stubPodResources, type PodResources } from './manifests-resources.js';
import { STUB_NAME, nodeLabelValue, nodeResourceNames, shadowNamespace } from './manifests-names.js';

type Named<T, A extends string, K extends string> = Omit<T, 'apiVersion' | 'kind' | 'metadata'> & {
  apiVersion: A;
  kind: K;
  metadata: V1ObjectMeta & { name: string };
};
export type NamespaceObject = Named<V1Namespace, 'v1', 'Namespace'>;
export type ConfigMapObject = Named<V1ConfigMap, 'v1', 'ConfigMap'>;
export type ServiceObject = Named<V1Service, 'v1', 'Service'>;
export type DeploymentObject = Named<V1Deployment, 'apps/v1', 'Deployment'>;
export type HpaObject = Named<V2HorizontalPodAutoscaler, 'autoscaling/v2', 'HorizontalPodAutoscaler'>;
/** One object of a shadow's manifests. */
export type KubeObject = NamespaceObject | ConfigMapObject | ServiceObject | DeploymentObject | HpaObject;

/** The kinds a shadow is made of, with their API versions. */
export const SHADOW_KINDS: Readonly<Record<KubeObject['kind'], KubeObject['apiVersion']>> = {
  Namespace: 'v1', ConfigMap: 'v1', Service: 'v1', Deployment: 'apps/v1', HorizontalPodAutoscaler: 'autoscaling/v2',
};

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'shadowcast' } as const;
export const NODE_LABEL = 'shadowcast.dev/node';
export const ROLE_LABEL = 'shadowcast.dev/role';
const NAME_LABEL = 'app.kubernetes.io/name';

/** Working directory of the image is the project root (where dist/ is). */
export const DEFAULT_EMULATOR_COMMAND: readonly string[] = ['node', 'dist/runs/shadow/emulator-main.js'];
export const DEFAULT_STUB_COMMAND: readonly string[] = ['node', 'dist/runs/shadow/stub-main.js'];

export interface ManifestOptions {
  /** Container image holding the built project (dist/) and node. */
  readonly image: string;
  /** Default `shadowcast-shadow-<twin name>` (made a DNS label). */
  readonly namespace?: string;
  /** Command of the emulator container, before the configuration file's path (default DEFAULT_EMULATOR_COMMAND). */
  readonly emulatorCommand?: readonly string[];
  /** Command of the stub container, before the configuration file's path (default DEFAULT_STUB_COMMAND). */
  readonly stubCommand?: readonly string[];
}

export class ShadowManifestError extends Error {
  override readonly name = 'ShadowManifestError';
}

interface Layout {
  readonly emulators: ReadonlyMap<string, EmulatorSpec>;
  readonly stubs: ReadonlyMap<string, StubSpec>;
  readonly autoscale: ReadonlyMap<string, Autoscale>;
}

/** Checks the plan against its target and its twin; collects every problem before throwing. */
function layoutOf(plan: ShadowPlan, twin: Twin): Layout {
  const problems: string[] = [];
  if (plan.format !== SHADOW_PLAN_FORMAT) throw new ShadowManifestError(`not a shadow plan: format ${String(plan.format)}, expected ${SHADOW_PLAN_FORMAT}`);
  if (plan.target !== 'kubernetes') problems.push(`the plan targets ${plan.target}; make it with --target kubernetes`);
  if (!(Number.isFinite(plan.dilation?.k) && plan.dilation.k >= 1)) problems.push(`dilation.k must be a finite number >= 1, got ${String(plan.dilation?.k)}`);
  const hash = twinContentHash(twin);
  if (plan.twin.hash !== hash) problems.push(`the plan was made from another twin (hash ${plan.twin.hash.slice(0, 12)}…, twin ${twin.name} has ${hash.slice(0, 12)}…)`);
  const twinNodes = new Map(twin.nodes.map((n) => [n.id, n]));
  const emulators = new Map<string, EmulatorSpec>();
  const stubs = new Map<string, StubSpec>();
  const autoscale = new Map<string, Autoscale>();
  const seen = new Set<string>();
  for (const n of plan.nodes) {
    if (seen.has(n.id)) problems.push(`node ${n.id} appears twice in the plan`);
    seen.add(n.id);
    if (n.action === 'duplicate') {
      if (n.emulator === null) problems.push(`node ${n.id} is duplicated but has no emulator spec`);
      else emulators.set(n.id, n.emulator);
      const t = twinNodes.get(n.id);
      if (t === undefined) problems.push(`node ${n.id} is not in twin ${twin.name}`);
      else if (t.autoscale !== null) autoscale.set(n.id, t.autoscale);
    } else if (n.action === 'stub') {
      if (n.stub === null) problems.push(`node ${n.id} is stubbed but has no stub spec`);
      else stubs.set(n.id, n.stub);
    }
  }
  for (const [id, spec] of emulators) {
    for (const g of spec.callGroups) {
      for (const c of g.calls) {
        if (!emulators.has(c.to) && !stubs.has(c.to)) problems.push(`node ${id} calls ${c.to}, which the plan ${seen.has(c.to) ? 'omits' : 'does not name'}`);
      }
    }
  }
  if (problems.length > 0) throw new ShadowManifestError(`plan ${plan.createdAt} of twin ${plan.twin.name}: ${problems.join('; ')}`);
  return { emulators, stubs, autoscale };
}

function checkCommand(what: string, argv: readonly string[]): readonly string[] {
  if (argv.length === 0 || argv.some((a) => typeof a !== 'string' || a.length === 0)) throw new ShadowManifestError(`${what} must be a non-empty list of non-empty strings, got ${JSON.stringify(argv)}`);
  return argv;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

interface Workload {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly replicas: number;
  readonly image: string;
  readonly command: readonly string[];
  readonly configFile: string;
  readonly configText: string;
  readonly resources: PodResources;
}

/** ConfigMap, Service and Deployment of one shadow process. */
function workloadObjects(w: Workload): [ConfigMapObject, ServiceObject, DeploymentObject] {
  // A fresh metadata object per resource: shared objects would become YAML aliases.
  const meta = () => ({ name: w.name, namespace: w.namespace, labels: { ...w.labels }, annotations: { ...w.annotations } });
  const selector = { [NAME_LABEL]: w.name };
  const probe = (period: number, failures: number) => ({
    httpGet: { path: '/healthz', port: 'http' }, periodSeconds: period, timeoutSeconds: 5, failureThreshold: failures,
  });
  const container: V1Container = {
    name: 'shadow',
    image: w.image,
    command: [...w.command, `${CONFIG_DIR}/${w.configFile}`],
    ports: [{ name: 'http', containerPort: CONTAINER_PORT, protocol: 'TCP' }],
    resources: { requests: { ...w.resources.requests }, limits: { ...w.resources.limits } },
    readinessProbe: probe(5, 3),
    livenessProbe: { ...probe(10, 3), initialDelaySeconds: 10 },
    volumeMounts: [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }],
  };
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(), data: { [w.configFile]: w.configText } },
    {
      apiVersion: 'v1', kind: 'Service', metadata: meta(),
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: CONTAINER_PORT, targetPort: 'http', protocol: 'TCP' }] },
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(),
      spec: {
        replicas: w.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...w.labels, ...selector },
            annotations: {
              'prometheus.io/scrape': 'true', 'prometheus.io/port': String(CONTAINER_PORT), 'prometheus.io/path': '/metrics',
              // A changed configuration changes the template, so re-applying rolls the pods.
              'shadowcast.dev/config-sha256': sha256(w.configText),
            },
          },
          spec: {
            containers: [container],
            volumes: [{ name: 'config', configMap: { name: w.name } }],
          },
        },
      },
    },
  ];
}

/**
 * HPA of a duplicated node from the twin's autoscaler: target worker
 * utilization as average CPU utilization (of the request), min and max
 * replicas. The maximum is raised to the plan's replicas when `remediate`
 * sized the node above the twin's maximum, or the HPA would undo it.
 */
function hpaObject(name: string, namespace: string, labels: Readonly<Record<string, string>>, a: Autoscale, replicas: number): HpaObject {
  const minReplicas = Math.max(1, a.min);
  return {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
    metadata: {
      name, namespace, labels: { ...labels },
      annotations: { 'shadowcast.dev/twin-autoscale': JSON.stringify(a) },
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas,
      maxReplicas: Math.max(a.max, replicas, minReplicas),
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: Math.max(1, Math.round(a.target * 100)) } } }],
    },
  };
}

/** The shadow of `plan` as Kubernetes objects, in apply order. Throws ShadowManifestError or ShadowNameError. */
export function kubernetesManifests(plan: ShadowPlan, twin: Twin, options: ManifestOptions): KubeObject[] {
  const layout = layoutOf(plan, twin);
  if (typeof options.image !== 'string' || options.image.trim() === '' || /\s/.test(options.image)) throw new ShadowManifestError(`image must be a container image reference without spaces, got ${JSON.stringify(options.image)}`);
  const emulatorCommand = checkCommand('emulatorCommand', options.emulatorCommand ?? DEFAULT_EMULATOR_COMMAND);
  const stubCommand = checkCommand('stubCommand', options.stubCommand ?? DEFAULT_STUB_COMMAND);
  const namespace = shadowNamespace(twin.name, options.namespace);
  const names = nodeResourceNames([...layout.emulators.keys()]);
  const k = plan.dilation.k;
  const seed = plan.result.seed;
  const address = (id: string): string => inClusterUrl(layout.stubs.has(id) ? STUB_NAME : names.get(id)!, namespace);

  const objects: KubeObject[] = [{
    apiVersion: 'v1', kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: { ...MANAGED_BY, 'shadowcast.dev/twin': nodeLabelValue(twin.name, namespace) },
      annotations: { 'shadowcast.dev/twin-name': twin.name, 'shadowcast.dev/twin-hash': plan.twin.hash, 'shadowcast.dev/plan-created-at': plan.createdAt, 'shadowcast.dev/dilation': String(k) },
    },
  }];
  if (layout.stubs.size > 0) {
    const config = configText(stubPodConfig(Object.fromEntries(layout.stubs), k, seed));
    objects.push(...workloadObjects({
      name: STUB_NAME, namespace, labels: { ...MANAGED_BY, [ROLE_LABEL]: 'stub' },
      annotations: { 'shadowcast.dev/node-ids': JSON.stringify([...layout.stubs.keys()]) },
      replicas: 1, image: options.image, command: stubCommand, configFile: STUB_CONFIG_FILE, configText: config, resources: stubPodResources(),
    }));
  }
  for (const [id, spec] of layout.emulators) {
    const name = names.get(id)!;
    const labels = { ...MANAGED_BY, [ROLE_LABEL]: 'emulator', [NODE_LABEL]: nodeLabelValue(id, name) };
    const callees = Object.fromEntries(spec.callGroups.flatMap((g) => g.calls.map((c) => [c.to, address(c.to)])));
    objects.push(...workloadObjects({
      name, namespace, labels, annotations: { 'shadowcast.dev/node-id': id },
      replicas: spec.replicas, image: options.image, command: emulatorCommand, configFile: EMULATOR_CONFIG_FILE,
      configText: configText(emulatorPodConfig(id, spec, k, seed, callees)), resources: emulatorPodResources(spec),
    }));
    const a = layout.autoscale.get(id);
    if (a !== undefined) objects.push(hpaObject(name, namespace, labels, a, spec.replicas));
  }
  return objects;
}

/** `Kind namespace/name` (or `Kind name` for a Namespace), for messages. */
export function describeObject(o: KubeObject): string {
  return o.metadata.namespace ? `${o.kind} ${o.metadata.namespace}/${o.metadata.name}` : `${o.kind} ${o.metadata.name}`;
}

/** The objects as multi-document YAML (DIR/manifests.yaml of `shadow plan --target kubernetes`). */
export function manifestsYaml(objects: readonly KubeObject[]): string {
  // lineWidth 0: no folding, so the JSON configurations stay byte-identical block scalars.
  // kubectl reads YAML 1.1: a label value such as "no" or "on" must be quoted, or it is a boolean there.
  return objects.map((o) => stringify(o, { lineWidth: 0, version: '1.1' })).join('---\n');
}

/** Reads manifests.yaml back; every document must be one of the kinds a shadow is made of, with a name. */
export function parseManifestsYaml(text: string, source: string): KubeObject[] {
  const problems: string[] = [];
  const objects: KubeObject[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const where = `${source}: document ${i + 1}`;
    if ('errors' in doc && doc.errors.length > 0) {
      problems.push(`${where}: ${doc.errors[0]!.message}`);
      return;
    }
    const value = doc.toJS() as unknown;
    if (value === null) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${where}: expected a Kubernetes object, got ${JSON.stringify(value)}`);
      return;
    }
    const o = value as Record<string, unknown>;
    const kind = o.kind as KubeObject['kind'];
    const meta = o.metadata as Record<string, unknown> | undefined;
    if (typeof kind !== 'string' || !Object.hasOwn(SHADOW_KINDS, kind)) problems.push(`${where}: kind must be one of ${Object.keys(SHADOW_KINDS).join(', ')}, got ${JSON.stringify(o.kind)}`);
    else if (o.apiVersion !== SHADOW_KINDS[kind]) problems.push(`${where}: apiVersion of a ${kind} must be ${SHADOW_KINDS[kind]}, got ${JSON.stringify(o.apiVersion)}`);
    else if (typeof meta?.name !== 'string' || meta.name === '') problems.push(`${where}: metadata.name is required`);
    else objects.push(o as unknown as KubeObject);
  });
  if (problems.length > 0) throw new ShadowManifestError(problems.join('; '));
  return objects;
}
