/**
 * A fake Kubernetes API server for the tests of the Kubernetes target
 * (runs/shadow/kubernetes.test.ts): node:http on 127.0.0.1, port 0, speaking
 * the parts of the API the client library uses, with response bodies shaped
 * like a real API server's (1.30): discovery (/api, /apis, /api/v1,
 * /apis/apps/v1, /apis/autoscaling/v2 as APIVersions, APIGroupList and
 * APIResourceList), server-side apply (PATCH application/apply-patch+yaml,
 * with fieldManager required, dryRun=All not persisted, 201 on create),
 * merge patches of deployments/scale, GET, POST and DELETE, and Status
 * objects for every error. Like a real server it refuses any write, dry run
 * included, into a namespace that does not exist (NamespaceLifecycle). It
 * records every request so a test can check what the client really sent.
 *
 * A test double, not a cluster: no controllers, no pods, no defaulting
 * beyond the server-set metadata. Not used outside tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType: string | null;
  readonly authorization: string | null;
  /** Parsed JSON body, or null. */
  readonly body: unknown;
}

/** An error answer the test wants for one request (a Status object is built from it). */
export interface FakeRejection {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface FakeKubeApiOptions {
  /** Called for every write before it is handled; a rejection is answered as a Status. */
  readonly reject?: (request: RecordedRequest) => FakeRejection | undefined;
}

interface ResourceInfo {
  readonly name: string;
  readonly singularName: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly group?: string;
  readonly version?: string;
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SUB = ['get', 'patch', 'update'];

/** APIResourceList contents per group version, as a 1.30 API server lists them (abridged to the kinds used). */
const DISCOVERY: Readonly<Record<string, readonly ResourceInfo[]>> = {
  v1: [
    { name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: RW, shortNames: ['cm'] },
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'] },
    { name: 'namespaces/finalize', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['update'] },
    { name: 'namespaces/status', singularName: '', namespaced: false, kind: 'Namespace', verbs: SUB },
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: RW, shortNames: ['po'], categories: ['all'] },
    { name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['svc'], categories: ['all'] },
    { name: 'services/status', singularName: '', namespaced: true, kind: 'Service', verbs: SUB },
  ],
  'apps/v1': [
    { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: RW, shortNames: ['deploy'], categories: ['all'] },
    { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUB },
    { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: SUB },
    { name: 'replicasets', singularName: 'replicaset', namespaced: true, kind: 'ReplicaSet', verbs: RW, shortNames: ['rs'], categories: ['all'] },
  ],
  'autoscaling/v2': [
    { name: 'horizontalpodautoscalers', singularName: 'horizontalpodautoscaler', namespaced: true, kind: 'HorizontalPodAutoscaler', verbs: RW, shortNames: ['hpa'], categories: ['all'] },
    { name: 'horizontalpodautoscalers/status', singularName: '', namespaced: true, kind: 'HorizontalPodAutoscaler', verbs: SUB },
  ],
};

const GROUPS = [
  { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } },
  {
    name: 'autoscaling',
    versions: [{ groupVersion: 'autoscaling/v2', version: 'v2' }, { groupVersion: 'autoscaling/v1', version: 'v1' }],
    preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' },
  },
];

type Json = Record<string, unknown>;

interface Target {
  readonly groupVersion: string;
  readonly resource: ResourceInfo;
  readonly namespace: string | null;
  readonly name: string | null;
  readonly subresource: string | null;
}

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  /** Stored objects by resource path (`/apis/apps/v1/namespaces/ns/deployments/x`). */
  readonly objects = new Map<string, Json>();
  private version = 1000;
  private constructor(private readonly server: Server, readonly url: string, private readonly options: FakeKubeApiOptions) {}

  static async start(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
    let api: FakeKubeApi | null = null;
    const server = createServer((req, res) => {
      void api!.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    api = new FakeKubeApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
    return api;
  }

  /** Writes a kubeconfig naming this server (plain HTTP needs insecure-skip-tls-verify in the client) and returns its path. */
  async writeKubeconfig(dir: string, server = this.url): Promise<string> {
    const file = join(dir, 'kubeconfig.yaml');
    await writeFile(file, [
      'apiVersion: v1', 'kind: Config', 'current-context: fake',
      'clusters:', '- name: fake', '  cluster:', `    server: ${server}`, '    insecure-skip-tls-verify: true',
      'contexts:', '- name: fake', '  context:', '    cluster: fake', '    user: fake',
      'users:', '- name: fake', '  user:', '    token: fake-token', '',
    ].join('\n'));
    return file;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Requests other than discovery (GET /api..., /apis...). */
  get calls(): RecordedRequest[] {
    return this.requests.filter((r) => !(r.method === 'GET' && /^\/apis?(\/[^/]+)?(\/v[0-9a-z]+)?$/.test(r.path)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
      }
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'] ?? null, authorization: req.headers.authorization ?? null, body,
    };
    this.requests.push(recorded);
    const [code, answer] = this.answer(recorded);
    const out = JSON.stringify(answer);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out), 'audit-id': `fake-${this.requests.length}` });
    res.end(out);
  }

  private answer(r: RecordedRequest): [number, unknown] {
    if (r.method === 'GET' && r.path === '/api') return [200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] }];
    if (r.method === 'GET' && r.path === '/apis') return [200, { kind: 'APIGroupList', apiVersion: 'v1', groups: GROUPS }];
    const gv = r.path === '/api/v1' ? 'v1' : /^\/apis\/([^/]+\/[^/]+)$/.exec(r.path)?.[1];
    if (r.method === 'GET' && gv !== undefined) {
      const resources = DISCOVERY[gv];
      if (resources === undefined) return notFound('the server could not find the requested resource');
      return [200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: resources.map((x) => ({ storageVersionHash: 'fake', ...x })) }];
    }
    const target = parseTarget(r.path);
    if (target === null) return notFound('the server could not find the requested resource');
    if (r.method !== 'GET') {
      const rejection = this.options.reject?.(r);
      if (rejection !== undefined) return status(rejection.code, rejection.reason, rejection.message, rejection.details);
    }
    switch (r.method) {
      case 'GET': return this.get(target);
      case 'PATCH': return this.patch(target, r);
      case 'POST': return this.create(target, r);
      case 'DELETE': return this.remove(target, r);
      default: return status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
  }

  private key(t: Target, name: string): string {
    const root = t.groupVersion === 'v1' ? '/api/v1' : `/apis/${t.groupVersion}`;
    return t.namespace === null ? `${root}/${t.resource.name}/${name}` : `${root}/namespaces/${t.namespace}/${t.resource.name}/${name}`;
  }

  private namespaceExists(name: string): boolean {
    return this.objects.has(`/api/v1/namespaces/${name}`);
  }

  private get(t: Target): [number, unknown] {
    if (t.name === null) return status(405, 'MethodNotAllowed', 'list is not supported by the fake');
    const o = this.objects.get(this.key(t, t.name));
    if (o === undefined) return notFoundObject(t, t.name);
    return [200, t.subresource === 'scale' ? scaleOf(o) : o];
  }

  /** Checks common to writes: namespace exists, body's kind and name match the path. */
  private checkWrite(t: Target, body: unknown, name: string | null): [number, unknown] | Json {
    if (t.namespace !== null && !this.namespaceExists(t.namespace)) return notFoundObject({ ...t, resource: DISCOVERY.v1!.find((x) => x.name === 'namespaces')!, namespace: null }, t.namespace);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return status(400, 'BadRequest', 'the body of the request was in an unknown format');
    const o = body as Json;
    if (o.kind !== t.resource.kind || o.apiVersion !== t.groupVersion) return status(400, 'BadRequest', `the API version in the data (${String(o.apiVersion)}) does not match the expected API version (${t.groupVersion}) or kind (${String(o.kind)} vs ${t.resource.kind})`);
    const meta = (o.metadata ?? {}) as Json;
    if (name !== null && meta.name !== name) return status(400, 'BadRequest', `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    if (t.namespace !== null && meta.namespace !== undefined && meta.namespace !== t.namespace) return status(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    return o;
  }

  private stamp(t: Target, o: Json, previous: Json | undefined, manager: string, operation: string): Json {
    const meta = (o.metadata ?? {}) as Json;
    const prev = (previous?.metadata ?? {}) as Json;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      ...o,
      metadata: {
        ...meta,
        ...(t.namespace !== null ? { namespace: t.namespace } : {}),
        uid: prev.uid ?? `00000000-0000-4000-8000-${String(this.version).padStart(12, '0')}`,
        resourceVersion: String(++this.version),
        generation: ((prev.generation as number | undefined) ?? 0) + 1,
        creationTimestamp: prev.creationTimestamp ?? now,
        managedFields: [{ manager, operation, apiVersion: t.groupVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: {} }],
      },
      ...(t.resource.kind === 'Namespace' ? { spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } } : {}),
      ...(t.resource.kind === 'Deployment' ? { status: previous?.status ?? {} } : {}),
    };
  }

  private patch(t: Target, r: RecordedRequest): [number, unknown] {
    if (t.name === null) return status(405, 'MethodNotAllowed', 'PATCH needs a named resource');
    const key = this.key(t, t.name);
    const previous = this.objects.get(key);
    const dryRun = r.query.dryRun === 'All';
    if (r.query.dryRun !== undefined && !dryRun) return status(400, 'BadRequest', `Invalid dry run value: ${r.query.dryRun}`);
    if (t.subresource === 'scale') {
      if (r.contentType !== 'application/merge-patch+json' && r.contentType !== 'application/strategic-merge-patch+json') return status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json`);
      if (previous === undefined) return notFoundObject(t, t.name);
      const replicas = ((r.body as Json | null)?.spec as Json | undefined)?.replicas;
      if (!Number.isInteger(replicas) || (replicas as number) < 0) return status(422, 'Invalid', `Scale.autoscaling "${t.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
      const updated = { ...previous, spec: { ...(previous.spec as Json), replicas } };
      const stamped = this.stamp(t, updated, previous, r.query.fieldManager ?? 'unknown', 'Update');
      if (!dryRun) this.objects.set(key, stamped);
      return [200, scaleOf(stamped)];
    }
    if (t.subresource !== null) return notFound('the server could not find the requested resource');
    if (r.contentType !== 'application/apply-patch+yaml') return status(415, 'UnsupportedMediaType', 'the fake API server only implements server-side apply (application/apply-patch+yaml) for PATCH');
    if (!r.query.fieldManager) return status(400, 'BadRequest', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const checked = this.checkWrite(t, r.body, t.name);
    if (Array.isArray(checked)) return checked as [number, unknown];
    const stamped = this.stamp(t, checked as Json, previous, r.query.fieldManager, 'Apply');
    if (!dryRun) this.objects.set(key, stamped);
    return [previous === undefined ? 201 : 200, stamped];
  }

  private create(t: Target, r: RecordedRequest): [number, unknown] {
    if (t.name !== null) return status(405, 'MethodNotAllowed', 'POST goes to a collection');
    const checked = this.checkWrite(t, r.body, null);
    if (Array.isArray(checked)) return checked as [number, unknown];
    const name = ((checked as Json).metadata as Json | undefined)?.name;
    if (typeof name !== 'string') return status(422, 'Invalid', `${t.resource.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
    const key = this.key(t, name);
    if (this.objects.has(key)) return status(409, 'AlreadyExists', `${t.resource.name} "${name}" already exists`, { name, kind: t.resource.name });
    const stamped = this.stamp(t, checked as Json, undefined, r.query.fieldManager ?? 'unknown', 'Update');
    if (r.query.dryRun !== 'All') this.objects.set(key, stamped);
    return [201, stamped];
  }

  private remove(t: Target, r: RecordedRequest): [number, unknown] {
    if (t.name === null || t.subresource !== null) return status(405, 'MethodNotAllowed', 'DELETE needs a named resource');
    const key = this.key(t, t.name);
    const o = this.objects.get(key);
    if (o === undefined) return notFoundObject(t, t.name);
    if (r.query.dryRun === 'All') return [200, o];
    this.objects.delete(key);
    if (t.resource.kind === 'Namespace') {
      // A real server deletes the contents asynchronously and answers with the Terminating namespace.
      for (const k of [...this.objects.keys()]) if (k.includes(`/namespaces/${t.name}/`)) this.objects.delete(k);
      return [200, { ...o, metadata: { ...(o.metadata as Json), deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }, status: { phase: 'Terminating' } }];
    }
    return [200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: t.name, kind: t.resource.name, uid: (o.metadata as Json).uid } }];
  }
}

function parseTarget(path: string): Target | null {
  const core = /^\/api\/v1\/(.*)$/.exec(path);
  const grouped = /^\/apis\/([^/]+\/[^/]+)\/(.*)$/.exec(path);
  const groupVersion = core ? 'v1' : grouped?.[1];
  const rest = core ? core[1]! : grouped?.[2];
  if (groupVersion === undefined || rest === undefined) return null;
  const resources = DISCOVERY[groupVersion];
  if (resources === undefined) return null;
  const parts = rest.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const find = (name: string | undefined) => resources.find((x) => x.name === name);
  // Cluster-scoped resource (namespaces): /api/v1/namespaces[/name[/sub]] unless a namespaced resource follows.
  if (parts[0] === 'namespaces' && parts.length >= 3 && find(parts[2])?.namespaced) {
    const resource = find(parts[2])!;
    return { groupVersion, resource, namespace: parts[1]!, name: parts[3] ?? null, subresource: parts[4] ?? null };
  }
  const resource = find(parts[0]);
  if (resource === undefined || resource.namespaced) return null;
  return { groupVersion, resource, namespace: null, name: parts[1] ?? null, subresource: parts[2] ?? null };
}

function status(code: number, reason: string, message: string, details?: Readonly<Record<string, unknown>>): [number, Json] {
  return [code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code }];
}

function notFound(message: string): [number, Json] {
  return status(404, 'NotFound', message, {});
}

function notFoundObject(t: Target, name: string): [number, Json] {
  const group = t.groupVersion.includes('/') ? t.groupVersion.split('/')[0]! : '';
  return status(404, 'NotFound', `${t.resource.name}${group ? `.${group}` : ''} "${name}" not found`, { name, ...(group ? { group } : {}), kind: t.resource.name });
}

function scaleOf(deployment: Json): Json {
  const meta = deployment.metadata as Json;
  const spec = deployment.spec as Json;
  const selector = (spec.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
    spec: { replicas: spec.replicas },
    status: { replicas: spec.replicas, selector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',') },
  };
}
