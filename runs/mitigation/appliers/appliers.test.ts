import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testProposal } from '../../../twins/mitigation/decide-test-support.js';
import { FakeKubeApi } from '../../shadow/kubernetes-fake-api.js';
import { changeOf } from './applier.js';
import { checkTemplate, commandApplier, commandArgv, readCommandTemplate } from './command.js';
import { TwinSpecError } from '../../../twins/definition/errors.js';
import { kubernetesApplier } from './kubernetes.js';
import { InputError } from '../../usage-error.js';

const change = changeOf(testProposal({ from: 2, to: 4 }));

test('command: placeholders per argument, run without a shell; metacharacters refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cmd-'));
  try {
    const out = join(dir, 'out.txt');
    const script = 'require("fs").appendFileSync(process.argv[1], process.argv.slice(2).join(" ") + "\\n")';
    const t = { apply: [process.execPath, '-e', script, out, 'scale', '{node}', '--replicas={replicas}', '$(id)'], rollback: [process.execPath, '-e', script, out, 'back', '{node}', '{value}'] };
    const a = commandApplier(t);
    await a.apply(change);
    await a.rollback(change);
    assert.is(await readFile(out, 'utf8'), 'scale recommendation --replicas=4 $(id)\nback recommendation 2\n', 'literal text of the template reaches argv untouched: no shell');
    for (const node of ['a b', 'x;rm', 'x|y', '$(id)', '`id`', 'a&&b', '../etc']) {
      assert.throws(() => commandArgv(t, { ...change, target: node }, 'apply'), /does not match/);
    }
    assert.throws(() => checkTemplate({ apply: ['x', '{evil}'], rollback: ['x'] }, 't.json'), /unknown placeholder \{evil\}/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('command: the template file is held to JSON at line:column; unknown keys and placeholders get a did-you-mean at their line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cmd-template-'));
  const read = async (text: string): Promise<string> => {
    const file = join(dir, 't.json');
    await writeFile(file, text);
    try {
      await readCommandTemplate(file);
    } catch (e) {
      assert.instance(e, TwinSpecError, 'bad input: exit 3');
      return (e as Error).message;
    }
    return 'read';
  };
  try {
    assert.is(await read('{"apply": ["scale", "{node}"], "rollback": ["back"], "timeoutSeconds": 30}'), 'read');
    const misspelt = await read('{"apply": ["x"],\n "rollbak": ["y"]}');
    assert.match(misspelt, /t\.json:2:\d+: rollbak: unknown property \(did you mean "rollback"\?\)/);
    assert.match(misspelt, /t\.json:1:1: rollback: required/);
    assert.match(await read('{"apply": ["x",}'), /t\.json:1:16: \(syntax\): invalid JSON at "}"/);
    assert.match(await read('{"apply": ["x"],\n "rollback": ["scale", "{nod}"]}'), /t\.json:2:\d+: rollback\[1\]: unknown placeholder \{nod\} \(did you mean "node"\?\)/);
    assert.match(await read('{"apply": ["x"], "rollback": [""], "timeoutSeconds": 0}'), /rollback\[0\]: expected a non-empty string[\s\S]*timeoutSeconds: expected a number > 0/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('kubernetes: scales the Deployment named like the node, and back; servers are refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kube-'));
  const fake = await FakeKubeApi.start();
  try {
    const kubeconfig = await fake.writeKubeconfig(dir);
    const a = kubernetesApplier({ namespace: 'shop', kubeconfig });
    assert.is(a.describe(change, 'apply'), 'scale Deployment shop/recommendation to 4 replicas');
    const patches = () => fake.requests.filter((r) => r.method === 'PATCH').map((r) => `${r.path} ${JSON.stringify(r.body)}`);
    await a.apply(change).catch(() => {});
    assert.ok(patches().some((p) => p.includes('/namespaces/shop/deployments/recommendation/scale') && p.includes('"replicas":4')), patches().join('\n'));
    await a.rollback(change).catch(() => {});
    assert.ok(patches().some((p) => p.includes('"replicas":2')), patches().join('\n'));
    assert.throws(() => a.describe({ ...change, field: { name: 'servers', from: 1, to: 2 } }, 'apply'), /can set only replicas/);
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('kubernetes: no kubeconfig is an input problem found when the applier is made, before any proposal is claimed', () => {
  const saved = process.env.KUBECONFIG;
  delete process.env.KUBECONFIG;
  try {
    assert.throws(() => kubernetesApplier({ namespace: 'shop' }), (e: Error) => e instanceof InputError && /--applier kubernetes: KUBECONFIG is not set.*nothing was changed and the proposal keeps its state/.test(e.message));
    assert.throws(() => kubernetesApplier({ namespace: 'shop', kubeconfig: '/nonexistent/kubeconfig' }), (e: Error) => e instanceof InputError && /cannot read kubeconfig/.test(e.message));
  } finally {
    if (saved !== undefined) process.env.KUBECONFIG = saved;
  }
});

test.run();
