import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinFromObject } from '../definition/load.js';
import { twinContentHash } from '../definition/content-hash.js';
import { kubernetesManifests, manifestsYaml, parseManifestsYaml, type ConfigMapObject, type DeploymentObject, type HpaObject, type KubeObject, type ServiceObject } from './manifests.js';
import { dnsLabel, isDnsLabel, isLabelValue, nodeResourceNames } from './manifests-names.js';
import { IMAGE, NS, smallPlan, smallTwin } from './manifests-test-fixture.js';
// The pods run the real emulator and stub: their own parsers must accept what the ConfigMaps hold.
import { parseEmulatorConfig, type EmulatorRuntimeConfig } from './emulator-config.js';
import { parseStubConfig } from './stub-config.js';

const find = <T extends KubeObject>(objects: readonly KubeObject[], kind: T['kind'], name: string): T => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind} ${name} is missing`);
  return o as T;
};

test('objects: namespace, one stub workload, per duplicated node ConfigMap/Service/Deployment, an HPA only where the twin autoscales', () => {
  const twin = smallTwin();
  const objects = kubernetesManifests(smallPlan(twin), twin, { image: IMAGE });
  assert.equal(objects.map((o) => `${o.kind}/${o.metadata.name}`), [
    `Namespace/${NS}`,
    'ConfigMap/shadowcast-stub', 'Service/shadowcast-stub', 'Deployment/shadowcast-stub',
    'ConfigMap/front-end', 'Service/front-end', 'Deployment/front-end', 'HorizontalPodAutoscaler/front-end',
    'ConfigMap/cart', 'Service/cart', 'Deployment/cart',
  ]);
  for (const o of objects) {
    assert.is(o.metadata.labels?.['app.kubernetes.io/managed-by'], 'shadowcast', `${o.kind} ${o.metadata.name} is labelled`);
    if (o.kind !== 'Namespace') assert.is(o.metadata.namespace, NS);
  }
  assert.is(find<DeploymentObject>(objects, 'Deployment', 'front-end').metadata.labels?.['shadowcast.dev/node'], 'Front_End');
  assert.is(find<DeploymentObject>(objects, 'Deployment', 'cart').metadata.labels?.['shadowcast.dev/node'], 'cart');
  assert.is(find<DeploymentObject>(objects, 'Deployment', 'front-end').metadata.annotations?.['shadowcast.dev/node-id'], 'Front_End');
  assert.is(objects[0]!.metadata.annotations?.['shadowcast.dev/twin-hash'], twinContentHash(twin));
});

test('ConfigMaps hold the configuration the emulator and the stub parse, with in-cluster callee addresses and one replica per pod', () => {
  const twin = smallTwin();
  const plan = smallPlan(twin);
  const objects = kubernetesManifests(plan, twin, { image: IMAGE });
  const text = find<ConfigMapObject>(objects, 'ConfigMap', 'front-end').data!['emulator.json']!;
  const config: EmulatorRuntimeConfig = parseEmulatorConfig(JSON.parse(text) as unknown, 'front-end ConfigMap');
  assert.is(config.node, 'Front_End');
  assert.is(config.k, 2.5);
  assert.is(config.seed, 7);
  assert.equal(config.listen, { host: '0.0.0.0', port: 8080 });
  assert.equal(config.callees, {
    cart: `http://cart.${NS}.svc.cluster.local:8080`,
    db: `http://shadowcast-stub.${NS}.svc.cluster.local:8080`,
  });
  const planned = plan.nodes[0]!.emulator!;
  // The Deployment runs 3 pods of one replica each; the initial work (7 busy, 4 queued), cores and in-flight memory are shared out.
  assert.equal(config.spec, { ...planned, replicas: 1, initial: { busy: 2, queued: 1 }, cores: 0.3, memoryBytes: 90 * 2 ** 20 });

  const cart = parseEmulatorConfig(JSON.parse(find<ConfigMapObject>(objects, 'ConfigMap', 'cart').data!['emulator.json']!) as unknown, 'cart');
  assert.equal(cart.callees, { db: `http://shadowcast-stub.${NS}.svc.cluster.local:8080` });

  const stub = parseStubConfig(JSON.parse(find<ConfigMapObject>(objects, 'ConfigMap', 'shadowcast-stub').data!['stub.json']!) as unknown, 'stub');
  assert.equal(Object.keys(stub.nodes), ['db']);
  assert.equal(stub.nodes['db'], plan.nodes[2]!.stub);
  assert.equal(stub.listen, { host: '0.0.0.0', port: 8080 });
});

test('Deployments: replicas and per-pod resources from the plan, the emulator command, probes, scrape annotations; Services select their pods', () => {
  const twin = smallTwin();
  const objects = kubernetesManifests(smallPlan(twin), twin, { image: IMAGE });
  const fe = find<DeploymentObject>(objects, 'Deployment', 'front-end');
  assert.is(fe.spec!.replicas, 3);
  const pod = fe.spec!.template.spec!;
  const c = pod.containers[0]!;
  assert.is(c.image, IMAGE);
  assert.equal(c.command, ['node', 'dist/runs/shadow/emulator-main.js', '/config/emulator.json']);
  // 0.9 cores over 3 pods = 300m; memory 80 MiB + 30 MiB / 3 = 90 MiB; limits twice, CPU at least one core.
  assert.equal(c.resources, { requests: { cpu: '300m', memory: '90Mi' }, limits: { cpu: '1000m', memory: '180Mi' } });
  assert.equal(c.readinessProbe!.httpGet, { path: '/healthz', port: 'http' });
  assert.equal(c.livenessProbe!.httpGet, { path: '/healthz', port: 'http' });
  assert.equal(c.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  assert.equal(c.volumeMounts, [{ name: 'config', mountPath: '/config', readOnly: true }]);
  assert.equal(pod.volumes, [{ name: 'config', configMap: { name: 'front-end' } }]);
  const ann = fe.spec!.template.metadata!.annotations!;
  assert.is(ann['prometheus.io/scrape'], 'true');
  assert.is(ann['prometheus.io/port'], '8080');
  assert.is(ann['prometheus.io/path'], '/metrics');
  assert.match(ann['shadowcast.dev/config-sha256']!, /^[0-9a-f]{64}$/);

  const stub = find<DeploymentObject>(objects, 'Deployment', 'shadowcast-stub');
  assert.is(stub.spec!.replicas, 1);
  assert.equal(stub.spec!.template.spec!.containers[0]!.command, ['node', 'dist/runs/shadow/stub-main.js', '/config/stub.json']);

  for (const name of ['shadowcast-stub', 'front-end', 'cart']) {
    const d = find<DeploymentObject>(objects, 'Deployment', name);
    const svc = find<ServiceObject>(objects, 'Service', name);
    const templateLabels = d.spec!.template.metadata!.labels!;
    for (const [key, value] of Object.entries(d.spec!.selector.matchLabels!)) assert.is(templateLabels[key], value, `${name}: selector ${key}`);
    assert.equal(svc.spec!.selector, d.spec!.selector.matchLabels);
    assert.equal(svc.spec!.ports, [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
  }
  // The command can be replaced (an image with another layout).
  const custom = kubernetesManifests(smallPlan(twin), twin, { image: IMAGE, emulatorCommand: ['/app/emulator'], namespace: 'my-shadow' });
  assert.equal(find<DeploymentObject>(custom, 'Deployment', 'cart').spec!.template.spec!.containers[0]!.command, ['/app/emulator', '/config/emulator.json']);
  assert.is(custom[0]!.metadata.name, 'my-shadow');
  assert.ok(JSON.parse(find<ConfigMapObject>(custom, 'ConfigMap', 'front-end').data!['emulator.json']!).callees.cart.includes('.my-shadow.svc.'));
});

test('HPA from the twin autoscaler: CPU average utilization = target, min/max; max raised to remediated replicas', () => {
  const twin = smallTwin();
  const hpa = find<HpaObject>(kubernetesManifests(smallPlan(twin), twin, { image: IMAGE }), 'HorizontalPodAutoscaler', 'front-end');
  assert.equal(hpa.spec!.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'front-end' });
  assert.is(hpa.spec!.minReplicas, 2);
  assert.is(hpa.spec!.maxReplicas, 8);
  assert.equal(hpa.spec!.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
  const remediated = find<HpaObject>(kubernetesManifests(smallPlan(twin, { replicas: 11 }), twin, { image: IMAGE }), 'HorizontalPodAutoscaler', 'front-end');
  assert.is(remediated.spec!.maxReplicas, 11);
});

test('every name is a DNS label, every label value valid; the YAML round-trips, configuration text included', () => {
  const twin = smallTwin();
  const objects = kubernetesManifests(smallPlan(twin), twin, { image: IMAGE });
  for (const o of objects) {
    assert.ok(isDnsLabel(o.metadata.name), `${o.kind} name ${o.metadata.name}`);
    for (const [k, v] of Object.entries(o.metadata.labels ?? {})) assert.ok(isLabelValue(v), `${o.kind} ${o.metadata.name} label ${k}=${v}`);
  }
  const yaml = manifestsYaml(objects);
  assert.is(yaml.split(/^---$/m).length, objects.length);
  const back = parseManifestsYaml(yaml, 'manifests.yaml');
  assert.equal(back, JSON.parse(JSON.stringify(objects)));
  assert.is((back[4] as ConfigMapObject).data!['emulator.json'], (objects[4] as ConfigMapObject).data!['emulator.json']);
  assert.throws(() => parseManifestsYaml('kind: Pod\napiVersion: v1\nmetadata: {name: x}\n---\n- 1\n', 'm.yaml'), /m\.yaml: document 1: kind must be one of .*got "Pod".*document 2: expected a Kubernetes object/);
  assert.throws(() => parseManifestsYaml('kind: Deployment\napiVersion: v1\nmetadata: {name: x}\n', 'm.yaml'), /apiVersion of a Deployment must be apps\/v1/);
});

test('names: deterministic DNS labels; ids that collide are refused with both named', () => {
  assert.is(dnsLabel('Foo_Bar'), 'foo-bar');
  assert.is(dnsLabel('db/primary:5432'), 'db-primary-5432');
  assert.is(dnsLabel('9lives'), 'n-9lives');
  assert.is(dnsLabel('__x__'), 'x');
  assert.is(dnsLabel('___'), null);
  const long1 = `${'a'.repeat(70)}1`, long2 = `${'a'.repeat(70)}2`;
  assert.ok(isDnsLabel(dnsLabel(long1)!) && dnsLabel(long1)!.length === 63);
  assert.is.not(dnsLabel(long1), dnsLabel(long2));
  assert.is(dnsLabel(long1), dnsLabel(long1));
  assert.throws(() => nodeResourceNames(['Foo_Bar', 'x', 'foo-bar']), /"Foo_Bar" and "foo-bar" both map to the Kubernetes name foo-bar/);
  assert.throws(() => nodeResourceNames(['Shadowcast_Stub']), /"\(the stub process\)" and "Shadowcast_Stub"/);
  assert.throws(() => nodeResourceNames(['***']), /"\*\*\*" has no letter or digit/);

  const twin = smallTwin({ frontEndId: 'Cart', cartId: 'cart' });
  assert.throws(() => kubernetesManifests(smallPlan(twin, { ids: ['Cart', 'cart'] }), twin, { image: IMAGE }), /"Cart" and "cart" both map to the Kubernetes name cart/);
  assert.throws(() => kubernetesManifests(smallPlan(smallTwin()), smallTwin(), { image: IMAGE, namespace: 'Bad_NS' }), /namespace "Bad_NS" is not a DNS label/);
});

test('refused: a plan for the local target, from another twin, calling an omitted node; a bad image', () => {
  const twin = smallTwin();
  const plan = smallPlan(twin);
  assert.throws(() => kubernetesManifests({ ...plan, target: 'local' }, twin, { image: IMAGE }), /the plan targets local; make it with --target kubernetes/);
  const other = twinFromObject({ name: 'Shop_Test', nodes: [{ id: 'x', service: { type: 'deterministic', value: 1 } }], entries: [{ node: 'x', rate: 1 }] }, { source: 'other' });
  assert.throws(() => kubernetesManifests(plan, other, { image: IMAGE }), /the plan was made from another twin/);
  const omitted = { ...plan, nodes: plan.nodes.map((n) => (n.id === 'db' ? { ...n, action: 'omit' as const, stub: null } : n)) };
  assert.throws(() => kubernetesManifests(omitted, twin, { image: IMAGE }), /node Front_End calls db, which the plan omits.*node cart calls db, which the plan omits/);
  assert.throws(() => kubernetesManifests(plan, twin, { image: 'my image' }), /image must be a container image reference/);
  assert.throws(() => kubernetesManifests(plan, twin, { image: IMAGE, emulatorCommand: [] }), /emulatorCommand must be a non-empty list/);
});

test.run();
