/**
 * `mitigate propose` end to end on a small twin (a gateway and one
 * saturated service with a p99 SLO): simulate, propose against the example
 * policy (made fit for this twin: saturatedPolicy), then the stored
 * proposal, its auto-approval, a dry-run apply and an intact audit trail.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { verifyAudit } from '../../mitigation/audit.js';
import { quiet, withTempDir } from '../../test-support.js';
import { parseSimulateArgs, simulate } from '../simulate.js';
import { run as mitigate } from './index.js';
import { auditFile } from './shared.js';
import { SATURATED_TWIN, saturatedPolicy } from '../../mitigation/test-twins.js';


test('propose: rec at risk, scale-out chosen on paired evidence, auto-approved by the example policy, applied as a dry run, audit intact', () =>
  withTempDir('mitigate-propose', async (dir) => {
    const twin = join(dir, 'saturated.yaml');
    await writeFile(twin, stringify(SATURATED_TWIN));
    const policy = await saturatedPolicy(dir);
    const sim = join(dir, 'sim');
    await simulate(parseSimulateArgs(['--twin', twin, '--out', sim, '--replications', '40', '--horizon', '10m', '--window', '1m', '--seed', '7', '--workers', '0', '--quiet'])!);
    const state = join(dir, 'state');
    const proposed = await quiet(() => mitigate(['propose', '--twin', twin, '--result', sim, '--policy', policy, '--out', join(dir, 'out'), '--state', state,
      '--threshold', '0.1', '--target', '0.1', '--max-candidates', '3', '--workers', '0']));
    assert.is(proposed.value, 0);
    assert.match(proposed.out, /rec: P\(fail\)/);
    const proposal = JSON.parse(await readFile(join(dir, 'out', 'proposal.json'), 'utf8')) as { id: string; strategy: { id: string }; autoApproved: { rule: string } | null; evaluation: { verdict: string } };
    assert.is(proposal.strategy.id, 'scaleOut:rec:from=1,replicas=2');
    assert.is(proposal.evaluation.verdict, 'better');
    assert.equal(proposal.autoApproved, { rule: 'small-scale-out' });
    const applied = await quiet(() => mitigate(['apply', proposal.id, '--state', state]));
    assert.is(applied.value, 0);
    assert.match(applied.out, /dry run, nothing changed: set replicas of 'rec' from 1 to 2/, applied.out);
    assert.match(applied.out, /state approved/, 'a dry run leaves the proposal applicable');
    const audit = verifyAudit(auditFile(state));
    assert.ok(audit.ok, JSON.stringify(audit));
    const log = (await readFile(auditFile(state), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { what: string });
    assert.equal(log.map((r) => r.what).slice(0, 2), ['propose', 'apply']);
    // 12 replications cannot put an upper bound under 5 % (it takes 73): said before the run, and again with "no proposal".
    const few = await quiet(() => mitigate(['propose', '--twin', twin, '--result', sim, '--policy', policy, '--out', join(dir, 'few'), '--state', join(dir, 'state-few'),
      '--threshold', '0.1', '--target', '0.05', '--replications', '12', '--max-candidates', '2', '--workers', '0']));
    assert.is(few.value, 0);
    assert.match(few.out, /warning: 12 replications cannot show a P\(fail\) under 5\.0 %: even with no failure the 95\.0 % upper bound is 24\.2 %; it takes 73 \(--replications 73 or more\)/);
    assert.match(few.out, /no proposal: .*\(12 replications cannot show/);
  }));

test.run();
