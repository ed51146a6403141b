/**
 * `mitigate apply --applier shadow` verifies against live metrics, end to
 * end on a real shadow on loopback (one emulated node, 85 req/s): the
 * target's p95 is read from the emulator's /metrics every step for a window
 * before and after the change, while the shadow is driven with its plan's
 * traffic. Three outcomes:
 *  - a scale-out of the saturated node: p95 goes down → verified, kept;
 *  - a scale-in (on production evidence, approved by two people): p95 goes
 *    up → worse than before → rolled back automatically, the shadow restored;
 *  - no traffic: no latency points → inconclusive → rolled back (the policy's
 *    default), never a pass.
 * Each outcome is in the audit log, which still verifies.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testPolicy, testProposal } from '../../../twins/mitigation/decide-test-support.js';
import type { Proposal } from '../../../twins/mitigation/types.js';
import { readAudit, verifyAudit } from '../../mitigation/audit.js';
import { SHADOW_NODE, withShadow } from '../../mitigation/shadow-test-support.js';
import { quiet } from '../../test-support.js';
import { decideOnProposal, recordProposal } from '../../mitigation/workflow.js';
import { readState } from '../../shadow/materialise-state.js';
import { run as mitigate } from './index.js';
import { withState } from './shared.js';

const replicas = async (dir: string): Promise<number> => {
  const p = (await readState(dir))!.processes.find((q) => q.name === SHADOW_NODE)!;
  return JSON.parse(await readFile(p.config, 'utf8')).spec.replicas as number;
};

const live = (o: Parameters<typeof testProposal>[0]): Proposal => testProposal({ node: SHADOW_NODE, createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3600_000).toISOString(), ...o });

async function applyVerified(shadow: string, state: string, p: Proposal, extra: string[] = []): Promise<{ code: number; out: string; audit: string[] }> {
  const r = await quiet(() => mitigate(['apply', p.id, '--state', state, '--applier', 'shadow', '--shadow', shadow, '--window', '4s', '--step', '200ms', ...extra]));
  assert.ok(verifyAudit(join(state, 'audit.jsonl')).ok);
  return { code: r.value, out: r.out, audit: readAudit(join(state, 'audit.jsonl')).map((a) => `${a.what}:${a.decision}`) };
}

test('verified, rolled back because worse, and rolled back for no data, on a real shadow', () => withShadow(1, async (shadow) => {
  const root = join(shadow, 'states');

  const up = live({ id: 'p-up', from: 1, to: 2 });
  await withState(join(root, 'a'), async (store, audit) => void recordProposal(store, audit, up, testPolicy()), { create: true });
  const a = await applyVerified(shadow, join(root, 'a'), up);
  assert.is(a.code, 0, a.out);
  assert.match(a.out, /verify: pass → keep/);
  assert.match(a.out, /p-up: state verified/);
  assert.equal(a.audit, ['propose:auto-approved', 'apply:allowed', 'apply:done', 'verify:pass: keep']);
  assert.is(await replicas(shadow), 2, 'the scale-out stays');

  const down = live({ id: 'p-down', from: 2, to: 1, source: 'drift' });
  await withState(join(root, 'b'), async (store, audit) => {
    recordProposal(store, audit, down, testPolicy());
    for (const by of ['ann', 'bob']) decideOnProposal(store, audit, { id: down.id, by, role: 'sre', reason: 'production shows idle capacity', decision: 'approve' });
  }, { create: true });
  const b = await applyVerified(shadow, join(root, 'b'), down);
  assert.is(b.code, 1, b.out);
  assert.match(b.out, /verify: fail → rollback: median latency_p95_s .* is worse than before the change/);
  assert.match(b.out, /p-down: state rolledBack/);
  assert.equal(b.audit.slice(-4), ['apply:done', 'verify:fail: rollback', 'rollback:allowed', 'rollback:done']);
  assert.is(await replicas(shadow), 2, 'rolled back to the previous spec');

  const idle = live({ id: 'p-idle', from: 2, to: 3 });
  await withState(join(root, 'c'), async (store, audit) => void recordProposal(store, audit, idle, testPolicy()), { create: true });
  const c = await applyVerified(shadow, join(root, 'c'), idle, ['--traffic', 'none']);
  assert.is(c.code, 1, c.out);
  assert.match(c.out, /before: 0 point\(s\)/);
  assert.match(c.out, /verify: inconclusive → rollback: 0 point\(s\) of latency_p95_s .* never a pass/);
  assert.equal(c.audit.slice(-3), ['verify:inconclusive: rollback', 'rollback:allowed', 'rollback:done']);
  assert.is(await replicas(shadow), 2);
}));

test.run();
