/**
 * The shadow applier against a real shadow on loopback: a scale-out restarts
 * the node's emulator with more replicas on the same port (recorded in
 * state.json, serving, more workers in its metrics), rollback restores the
 * previous configuration, and strategies the emulators cannot express are
 * refused before anything changes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testPolicy } from '../../../twins/mitigation/decide-test-support.js';
import { readAudit } from '../audit.js';
import { MitigationRefusedError } from '../refusal.js';
import { MitigationStore } from '../store.js';
import { applyProposal, recordProposal } from '../workflow.js';
import { testProposal } from '../../../twins/mitigation/decide-test-support.js';
import type { Proposal } from '../../../twins/mitigation/types.js';
import { httpStatus } from '../../shadow/inject-test-support.js';
import { readState } from '../../shadow/materialise-state.js';
import { isRunning } from '../../shadow/process-liveness.js';
import { gaugeOf, SHADOW_NODE, withShadow } from '../shadow-test-support.js';
import { ApplierRefusal, changeOf } from './applier.js';
import { shadowApplier, shadowChangeFile } from './shadow.js';

const scaleOut = changeOf(testProposal({ node: SHADOW_NODE, from: 1, to: 3 }));

test('scale-out restarts the emulator with more replicas on its port; rollback restores the previous spec', () => withShadow(1, async (dir) => {
  const before = (await readState(dir))!.processes.find((p) => p.name === SHADOW_NODE)!;
  const applier = shadowApplier(dir);
  assert.match(applier.describe(scaleOut, 'apply'), /'rec' \(replicas 1 → 3\)/);
  assert.is(await gaugeOf(before.url!, 'shadow_workers'), 2);

  const done = await applier.apply(scaleOut);
  assert.match(done, /^restarted on the shadow/);
  const during = (await readState(dir))!.processes.find((p) => p.name === SHADOW_NODE)!;
  assert.is.not(during.pid, before.pid, 'a new process');
  assert.is(during.port, before.port, 'on the old port, so callers and the injector still reach it');
  assert.ok(isRunning(during.pid, during.config) && !isRunning(before.pid, before.config));
  assert.is(JSON.parse(await readFile(during.config, 'utf8')).spec.replicas, 3);
  assert.is(await gaugeOf(during.url!, 'shadow_workers'), 6, '3 replicas × 2 workers');
  assert.is(await httpStatus(`${during.url}/n/${SHADOW_NODE}`), 200);
  assert.is(JSON.parse(await readFile(shadowChangeFile(dir, scaleOut.proposalId), 'utf8')).before.rec.replicas, 1, 'the way back is recorded');

  await applier.rollback(scaleOut);
  const after = (await readState(dir))!.processes.find((p) => p.name === SHADOW_NODE)!;
  assert.is(JSON.parse(await readFile(after.config, 'utf8')).spec.replicas, 1);
  assert.is(await gaugeOf(after.url!, 'shadow_workers'), 2);
  assert.is(after.port, before.port);
  assert.ok(JSON.parse(await readFile(shadowChangeFile(dir, scaleOut.proposalId), 'utf8')).rolledBackAt !== null);
}));

test('refused before anything changes: no mechanism in the emulators, a node the shadow does not run, a shadow that is down', () => withShadow(1, async (dir) => {
  const pid = (await readState(dir))!.processes[0]!.pid;
  const base = testProposal({ node: SHADOW_NODE });
  const rateLimit: Proposal = { ...base, strategy: { ...base.strategy, id: 'rl', action: 'rateLimit', params: {}, deltas: [{ op: 'rateLimit', entry: 'web', rate: 10, burst: 5 }] } };
  const applier = shadowApplier(dir);
  assert.throws(() => applier.describe(changeOf(rateLimit), 'apply'), (e: Error) => e instanceof ApplierRefusal && /rateLimit\) has no mechanism in the shadow/.test(e.message));
  const prewarm: Proposal = { ...base, strategy: { ...base.strategy, deltas: [{ op: 'replicas', node: SHADOW_NODE, replicas: 2, at: 300 }] } };
  assert.throws(() => applier.describe(changeOf(prewarm), 'apply'), /takes effect at 300 s/);
  assert.throws(() => applier.describe(changeOf(testProposal({ node: 'cart' })), 'apply'), /'cart': the node is not emulated/);
  // Through the workflow: refused before anything is claimed, and audited.
  const store = new MitigationStore(join(dir, 'state', 'mitigation.db'));
  const audit = join(dir, 'state', 'audit.jsonl');
  try {
    recordProposal(store, audit, testProposal({ id: 'p-cart', node: 'cart', expiresAt: new Date(Date.now() + 3600_000).toISOString() }), testPolicy());
    await applyProposal(store, audit, 'p-cart', applier).then(() => assert.unreachable('applied'), (e: Error) => {
      assert.instance(e, MitigationRefusedError);
      assert.match(e.message, /apply refused: the shadow applier cannot make p-cart .*'cart': the node is not emulated/);
    });
    const last = readAudit(audit).at(-1)!;
    assert.equal([last.what, last.decision, (last.evidence as { code: string }).code], ['apply', 'refused', 'applier-refused']);
    assert.is(store.require('p-cart').state, 'approved', 'nothing was claimed');
  } finally {
    store.close();
  }
  assert.is((await readState(dir))!.processes[0]!.pid, pid, 'nothing was restarted');
  assert.throws(() => shadowApplier(`${dir}-missing`).describe(scaleOut, 'apply'), /no shadow here/);
}));

test.run();
