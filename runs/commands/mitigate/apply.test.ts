/** `mitigate apply|rollback|verify --kubeconfig FILE`: the flag reaches the kubernetes applier's cluster, and no other applier takes it. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testProposal } from '../../../twins/mitigation/decide-test-support.js';
import { parseFlags } from '../../flags.js';
import { changeOf } from '../../mitigation/appliers/applier.js';
import { FakeKubeApi } from '../../shadow/kubernetes-fake-api.js';
import { UsageError } from '../../usage-error.js';
import { applierFor, MITIGATE_APPLY, MITIGATE_ROLLBACK } from './apply.js';
import { MITIGATE_VERIFY } from './verify.js';

test('--kubeconfig FILE names the cluster of the kubernetes applier without KUBECONFIG; with another applier it is a usage error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mitigate-kube-'));
  const fake = await FakeKubeApi.start();
  const saved = process.env.KUBECONFIG;
  try {
    delete process.env.KUBECONFIG;
    const kubeconfig = await fake.writeKubeconfig(dir);
    assert.is(parseFlags(MITIGATE_ROLLBACK, ['p-1', '--kubeconfig', kubeconfig])!.values.kubeconfig, kubeconfig);
    assert.is(parseFlags(MITIGATE_VERIFY, ['p-1', '--kubeconfig', kubeconfig])!.values.kubeconfig, kubeconfig);
    const v = parseFlags(MITIGATE_APPLY, ['p-1', '--applier', 'kubernetes', '--namespace', 'shop', '--kubeconfig', kubeconfig])!.values;
    const applier = await applierFor(MITIGATE_APPLY, v.applier, v.command, v.namespace, v.shadow, v.kubeconfig);
    await applier.apply(changeOf(testProposal({ from: 2, to: 4 }))).catch(() => {});
    assert.ok(fake.requests.some((r) => r.method === 'PATCH' && r.path.endsWith('/namespaces/shop/deployments/recommendation/scale')), fake.requests.map((r) => `${r.method} ${r.path}`).join('\n'));
    try {
      await applierFor(MITIGATE_APPLY, 'dry-run', undefined, 'default', undefined, kubeconfig);
      assert.unreachable('a --kubeconfig no applier uses is refused');
    } catch (e) {
      assert.ok(e instanceof UsageError, String(e));
      assert.match((e as Error).message, /^--kubeconfig names the cluster of the kubernetes applier, and the applier is dry-run$/);
    }
  } finally {
    if (saved !== undefined) process.env.KUBECONFIG = saved;
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
