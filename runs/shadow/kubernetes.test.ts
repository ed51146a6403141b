/**
 * The Kubernetes adapter against a fake API server on loopback
 * (kubernetes-fake-api.ts): @kubernetes/client-node really talks HTTP to it,
 * and the test checks every request it sent.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubernetesManifests, manifestsYaml, type KubeObject } from '../../twins/shadow/manifests.js';
import { IMAGE, NS, smallPlan, smallTwin } from '../../twins/shadow/manifests-test-fixture.js';
import { FakeKubeApi, type FakeKubeApiOptions, type RecordedRequest } from './kubernetes-fake-api.js';
import { applyShadowManifests, deleteShadowNamespace, scaleDeployment } from './kubernetes.js';
import { downOnKubernetes, KUBERNETES_RECORD, MANIFESTS_FILE, upOnKubernetes } from '../commands/shadow/kubernetes.js';

const objects = (): KubeObject[] => {
  const twin = smallTwin();
  return kubernetesManifests(smallPlan(twin), twin, { image: IMAGE });
};

/** The resource path the API server has for an object. */
function pathOf(o: KubeObject): string {
  const plural: Record<KubeObject['kind'], string> = { Namespace: 'namespaces', ConfigMap: 'configmaps', Service: 'services', Deployment: 'deployments', HorizontalPodAutoscaler: 'horizontalpodautoscalers' };
  const root = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
  return o.kind === 'Namespace' ? `${root}/namespaces/${o.metadata.name}` : `${root}/namespaces/${o.metadata.namespace}/${plural[o.kind]}/${o.metadata.name}`;
}

const patches = (fake: FakeKubeApi): RecordedRequest[] => fake.requests.filter((r) => r.method === 'PATCH');
const step = (r: RecordedRequest): string => `${r.method} ${r.path}${r.query.dryRun ? ' dry-run' : ''}`;

async function withFake(body: (fake: FakeKubeApi, kubeconfig: string) => Promise<void>, options: FakeKubeApiOptions = {}): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'shadowcast-k8s-'));
  const fake = await FakeKubeApi.start(options);
  try {
    await body(fake, await fake.writeKubeconfig(dir));
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('apply into an empty cluster: discovery, the namespace dry-run then created, every object dry-run, then every object applied', async () => {
  await withFake(async (fake, kubeconfig) => {
    const objs = objects();
    const [ns, ...rest] = objs;
    const report = await applyShadowManifests(objs, { kubeconfig });
    assert.equal(fake.calls.map(step), [
      `GET /api/v1/namespaces/${NS}`,
      `PATCH ${pathOf(ns!)} dry-run`,
      `PATCH ${pathOf(ns!)}`,
      ...rest.map((o) => `PATCH ${pathOf(o)} dry-run`),
      ...rest.map((o) => `PATCH ${pathOf(o)}`),
    ]);
    // The client discovered each group version it writes to (KubernetesObjectApi resolves kinds to resources).
    for (const gv of ['/api/v1', '/apis/apps/v1', '/apis/autoscaling/v2']) assert.ok(fake.requests.some((r) => r.method === 'GET' && r.path === gv), `discovery of ${gv}`);
    for (const r of patches(fake)) {
      assert.is(r.contentType, 'application/apply-patch+yaml');
      assert.is(r.query.fieldManager, 'shadowcast');
      assert.is(r.query.force, 'true');
      assert.is(r.authorization, 'Bearer fake-token');
    }
    // What went over the wire is the object, field for field (the client's serializer dropped nothing).
    for (const o of objs) {
      const sent = patches(fake).filter((r) => r.path === pathOf(o));
      assert.ok(sent.length >= 2);
      for (const r of sent) assert.equal(r.body, JSON.parse(JSON.stringify(o)), `body of ${r.path}`);
      assert.ok(fake.objects.has(pathOf(o)), `${pathOf(o)} stored`);
    }
    assert.is(report.namespaceCreated, true);
    assert.is(report.namespace, NS);
    assert.is(report.applied.length, objs.length);
    assert.is(report.dryRun.length, objs.length);
    assert.equal(report.applied.slice(0, 2), [`Namespace ${NS}`, `ConfigMap ${NS}/shadowcast-stub`]);
    assert.match(report.server, /^http:\/\/127\.0\.0\.1:\d+ \(context fake, kubeconfig /);

    // Again, with the namespace there: every object (namespace included) dry-run before any is applied.
    fake.requests.length = 0;
    const again = await applyShadowManifests(objs, { kubeconfig });
    assert.equal(fake.calls.map(step), [
      `GET /api/v1/namespaces/${NS}`,
      ...objs.map((o) => `PATCH ${pathOf(o)} dry-run`),
      ...objs.map((o) => `PATCH ${pathOf(o)}`),
    ]);
    assert.is(again.namespaceCreated, false);
  });
});

test('a dry-run failure stops before any real apply, names the object, and removes the namespace it created', async () => {
  const reject: FakeKubeApiOptions['reject'] = (r) => (r.method === 'PATCH' && r.query.dryRun === 'All' && r.path.endsWith('/deployments/cart')
    ? {
        code: 422, reason: 'Invalid',
        message: 'Deployment.apps "cart" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "10m": must be less than or equal to cpu limit of 5m',
        details: { name: 'cart', group: 'apps', kind: 'Deployment', causes: [{ reason: 'FieldValueInvalid', field: 'spec.template.spec.containers[0].resources.requests' }] },
      }
    : undefined);
  await withFake(async (fake, kubeconfig) => {
    const objs = objects();
    const err = await applyShadowManifests(objs, { kubeconfig }).then(() => null, (e: Error) => e);
    assert.ok(err, 'apply must fail');
    assert.match(err!.message, new RegExp(`dry run of Deployment ${NS}/cart: the API server answered 422 Invalid: Deployment.apps "cart" is invalid`));
    assert.match(err!.message, /nothing was applied; the namespace .* created for the dry run was deleted again/);
    const realWrites = patches(fake).filter((r) => r.query.dryRun === undefined);
    assert.equal(realWrites.map((r) => r.path), [pathOf(objs[0]!)], 'only the namespace (needed for the dry run) was written');
    // The other objects were still dry-run, so every problem is reported at once.
    assert.is(patches(fake).filter((r) => r.query.dryRun === 'All').length, objs.length);
    assert.ok(fake.requests.some((r) => r.method === 'DELETE' && r.path === `/api/v1/namespaces/${NS}`));
    assert.is(fake.objects.size, 0, 'nothing is left in the cluster');

    // With the namespace already there, nothing at all is written.
    fake.objects.set(`/api/v1/namespaces/${NS}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'app.kubernetes.io/managed-by': 'shadowcast' } } });
    fake.requests.length = 0;
    await applyShadowManifests(objs, { kubeconfig }).then(() => assert.unreachable('apply must fail'), (e: Error) => assert.match(e.message, /Deployment shadowcast-shadow-shop-test\/cart/));
    assert.equal(patches(fake).filter((r) => r.query.dryRun === undefined), []);
    assert.ok(!fake.requests.some((r) => r.method === 'DELETE'), 'an existing namespace is not deleted');
  }, { reject });
});

test('dryRunOnly writes nothing; with the namespace missing the namespaced objects are reported as not checked', async () => {
  await withFake(async (fake, kubeconfig) => {
    const objs = objects();
    const missing = await applyShadowManifests(objs, { kubeconfig, dryRunOnly: true });
    assert.equal(fake.calls.map(step), [`GET /api/v1/namespaces/${NS}`, `PATCH ${pathOf(objs[0]!)} dry-run`]);
    assert.equal(missing.dryRun, [`Namespace ${NS}`]);
    assert.is(missing.notChecked.length, objs.length - 1);
    assert.equal(missing.applied, []);
    assert.is(fake.objects.size, 0);

    fake.objects.set(`/api/v1/namespaces/${NS}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'app.kubernetes.io/managed-by': 'shadowcast' } } });
    fake.requests.length = 0;
    const present = await applyShadowManifests(objs, { kubeconfig, dryRunOnly: true });
    assert.ok(patches(fake).every((r) => r.query.dryRun === 'All'));
    assert.is(patches(fake).length, objs.length);
    assert.is(present.dryRun.length, objs.length);
    assert.is(fake.objects.size, 1);
  });
});

test('refused: no KUBECONFIG, a namespace shadowcast does not manage; KUBECONFIG from the environment is used', async () => {
  const saved = process.env.KUBECONFIG;
  try {
    delete process.env.KUBECONFIG;
    await applyShadowManifests(objects()).then(() => assert.unreachable('must refuse'), (e: Error) => assert.match(e.message, /KUBECONFIG is not set/));
    await deleteShadowNamespace(NS).then(() => assert.unreachable('must refuse'), (e: Error) => assert.match(e.message, /KUBECONFIG is not set/));
    await withFake(async (fake, kubeconfig) => {
      process.env.KUBECONFIG = kubeconfig;
      const report = await applyShadowManifests(objects(), { dryRunOnly: true });
      assert.match(report.server, new RegExp(`kubeconfig ${kubeconfig.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`));
      assert.ok(fake.requests.length > 0);

      fake.objects.set(`/api/v1/namespaces/${NS}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { team: 'payments' } } });
      fake.requests.length = 0;
      await applyShadowManifests(objects()).then(() => assert.unreachable('must refuse'), (e: Error) => assert.match(e.message, /Namespace shadowcast-shadow-shop-test exists and is not managed by shadowcast/));
      await deleteShadowNamespace(NS).then(() => assert.unreachable('must refuse'), (e: Error) => assert.match(e.message, /not managed by shadowcast/));
      assert.equal(fake.calls.map(step), [`GET /api/v1/namespaces/${NS}`, `GET /api/v1/namespaces/${NS}`], 'only reads');
    });
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
});

test('an unreachable server and a server that never answers give clear errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shadowcast-k8s-'));
  const silent = createServer(() => { /* never answers */ });
  try {
    // A port that was just free: nothing listens there.
    const fake = await FakeKubeApi.start();
    const closedUrl = fake.url;
    await fake.close();
    const kubeconfig = await fake.writeKubeconfig(dir, closedUrl);
    await applyShadowManifests(objects(), { kubeconfig }).then(() => assert.unreachable('must fail'), (e: Error) => {
      assert.match(e.message, new RegExp(`read Namespace ${NS}: cannot reach the Kubernetes API server at ${closedUrl.replace(/\./g, '\\.')} \\(context fake`));
      assert.match(e.message, /ECONNREFUSED/);
    });
    await scaleDeployment(NS, 'cart', 2, { kubeconfig }).then(() => assert.unreachable('must fail'), (e: Error) => assert.match(e.message, /scale Deployment .*cannot reach the Kubernetes API server/));

    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const silentConfig = await fake.writeKubeconfig(dir, `http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
    await deleteShadowNamespace(NS, { kubeconfig: silentConfig, requestTimeoutMs: 200 }).then(() => assert.unreachable('must fail'), (e: Error) => assert.match(e.message, /read Namespace shadowcast-shadow-shop-test: no answer from the Kubernetes API server at .* within 200 ms/));
  } finally {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
});

test('scaleDeployment merge-patches the scale subresource; a missing Deployment is named', async () => {
  await withFake(async (fake, kubeconfig) => {
    await applyShadowManifests(objects(), { kubeconfig });
    fake.requests.length = 0;
    assert.is(await scaleDeployment(NS, 'front-end', 5, { kubeconfig }), 5);
    assert.equal(fake.requests.map((r) => ({ method: r.method, path: r.path, query: r.query, contentType: r.contentType, body: r.body })), [{
      method: 'PATCH', path: `/apis/apps/v1/namespaces/${NS}/deployments/front-end/scale`, query: { fieldManager: 'shadowcast' },
      contentType: 'application/merge-patch+json', body: { spec: { replicas: 5 } },
    }]);
    const stored = fake.objects.get(`/apis/apps/v1/namespaces/${NS}/deployments/front-end`) as { spec: { replicas: number } };
    assert.is(stored.spec.replicas, 5);
    await scaleDeployment(NS, 'nope', 1, { kubeconfig }).then(() => assert.unreachable('must fail'), (e: Error) => assert.match(e.message, /scale Deployment shadowcast-shadow-shop-test\/nope to 1: the API server answered 404 NotFound: deployments\.apps "nope" not found/));
    await scaleDeployment(NS, 'front-end', -1, { kubeconfig }).then(() => assert.unreachable('must fail'), (e: Error) => assert.match(e.message, /replicas must be an integer >= 0/));
  });
});

test('deleteShadowNamespace deletes the namespace and everything in it, and is idempotent', async () => {
  await withFake(async (fake, kubeconfig) => {
    await applyShadowManifests(objects(), { kubeconfig });
    fake.requests.length = 0;
    assert.is((await deleteShadowNamespace(NS, { kubeconfig })).deleted, true);
    assert.equal(fake.calls.map(step), [`GET /api/v1/namespaces/${NS}`, `DELETE /api/v1/namespaces/${NS}`]);
    assert.is(fake.objects.size, 0);
    fake.requests.length = 0;
    assert.is((await deleteShadowNamespace(NS, { kubeconfig })).deleted, false);
    assert.equal(fake.calls.map(step), [`GET /api/v1/namespaces/${NS}`]);
  });
});

test('an apply that fails after some objects: the namespace holding them is recorded in DIR, so shadow down deletes it', async () => {
  // The dry run passes; the real apply of one Deployment is refused (a quota, say) after the objects before it were applied.
  const reject: FakeKubeApiOptions['reject'] = (r) => (r.method === 'PATCH' && r.query.dryRun === undefined && r.path.endsWith('/deployments/cart')
    ? { code: 403, reason: 'Forbidden', message: 'exceeded quota: compute-resources', details: { name: 'cart', group: 'apps', kind: 'Deployment' } }
    : undefined);
  await withFake(async (fake, kubeconfig) => {
    const dir = await mkdtemp(join(tmpdir(), 'shadowcast-k8s-up-'));
    try {
      await writeFile(join(dir, MANIFESTS_FILE), manifestsYaml(objects()));
      const err = await upOnKubernetes(join(dir, 'plan.json'), dir, false, kubeconfig).then(() => null, (e: Error) => e);
      assert.ok(err, 'up must fail');
      assert.match(err!.message, /exceeded quota/);
      assert.match(err!.message, new RegExp(`applied before it: Namespace ${NS}`));
      assert.match(err!.message, new RegExp(`'shadowcast shadow down --dir ${dir}' deletes namespace ${NS}`));
      assert.not.match(err!.message, /--target kubernetes/);
      assert.is((JSON.parse(await readFile(join(dir, KUBERNETES_RECORD), 'utf8')) as { namespace: string }).namespace, NS);
      assert.ok(fake.objects.size > 0, 'the objects applied before the failure are on the cluster');
      assert.equal(await downOnKubernetes(dir, kubeconfig), { namespace: NS, deleted: true });
      assert.is(fake.objects.size, 0, 'shadow down removed them');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, { reject });
});

test('manifests with no Namespace, or objects outside it, are refused before any request', async () => {
  const objs = objects();
  await applyShadowManifests(objs.slice(1), { kubeconfig: '/nonexistent' }).then(() => assert.unreachable('must refuse'), (e: Error) => assert.match(e.message, /exactly one Namespace/));
  const moved = objs.map((o) => (o.kind === 'Service' ? { ...o, metadata: { ...o.metadata, namespace: 'default' } } : o));
  await applyShadowManifests(moved, { kubeconfig: '/nonexistent' }).then(() => assert.unreachable('must refuse'), (e: Error) => assert.match(e.message, /objects outside the shadow's namespace .*Service default\/shadowcast-stub/));
  await applyShadowManifests(objs, { kubeconfig: '/nonexistent/kubeconfig' }).then(() => assert.unreachable('must refuse'), (e: Error) => assert.match(e.message, /cannot read kubeconfig \/nonexistent\/kubeconfig/));
});

test.run();
