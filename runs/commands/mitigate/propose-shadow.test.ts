/**
 * `mitigate propose --shadow DIR` through the real pipeline: simulate the
 * saturated twin, plan and start its shadow on loopback (`shadow plan`,
 * `shadow up`), then propose: the chosen scale-out of 'rec' is tried on the
 * shadow (baseline and changed windows with the same arrivals), confirmed by
 * the judge, recorded in the proposal with its evidence, and the shadow is
 * rolled back to the plan's capacity.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Proposal } from '../../../twins/mitigation/types.js';
import { SATURATED_TWIN, saturatedPolicy } from '../../mitigation/test-twins.js';
import { readState } from '../../shadow/materialise-state.js';
import { shadowDown } from '../../shadow/materialise.js';
import { quiet, withTempDir } from '../../test-support.js';
import { run as shadowCommand } from '../shadow/index.js';
import { parseSimulateArgs, simulate } from '../simulate.js';
import { run as mitigate } from './index.js';

test('propose --shadow: the chosen scale-out is confirmed on the running shadow and recorded; the shadow is rolled back', () =>
  withTempDir('mitigate-propose-shadow', async (dir) => {
    const twin = join(dir, 'saturated.yaml');
    await writeFile(twin, stringify(SATURATED_TWIN));
    const policy = await saturatedPolicy(dir);
    const sim = join(dir, 'sim');
    await simulate(parseSimulateArgs(['--twin', twin, '--out', sim, '--replications', '30', '--horizon', '5m', '--window', '1m', '--seed', '7', '--workers', '0', '--quiet'])!);
    const shadow = join(dir, 'shadow');
    try {
      const planned = await quiet(() => shadowCommand(['plan', '--twin', twin, '--result', sim, '--fidelity', '1', '--budget', 'processes=4,cores=2,memory=1Gi', '--out', join(dir, 'plan.json')]));
      assert.is(planned.value, 0, planned.out);
      assert.is((await quiet(() => shadowCommand(['up', '--plan', join(dir, 'plan.json'), '--dir', shadow]))).value, 0);
      const specOfRec = async () => {
        const p = (await readState(shadow))!.processes.find((q) => q.name === 'rec')!;
        return JSON.parse(await readFile(p.config, 'utf8')).spec.replicas as number;
      };
      const before = await specOfRec();
      const proposed = await quiet(() => mitigate(['propose', '--twin', twin, '--result', sim, '--policy', policy, '--out', join(dir, 'out'), '--state', join(dir, 'state'),
        '--threshold', '0.1', '--target', '0.15', '--max-candidates', '1', '--workers', '0', '--shadow', shadow, '--shadow-window', '8s']));
      assert.is(proposed.value, 0, proposed.out);
      const p = JSON.parse(await readFile(join(dir, 'out', 'proposal.json'), 'utf8')) as Proposal;
      const c = p.shadowConfirmation!;
      assert.ok(c !== undefined, 'the confirmation is recorded in the proposal');
      assert.is(c.verdict, 'confirmed', `${c.reason}\n${proposed.out}`);
      assert.equal([c.node, c.metric], ['rec', 'latency_p95_s']);
      assert.ok(c.judge!.shift.hi < 0 && c.candidate!.median! < c.baseline!.median!, JSON.stringify(c));
      assert.match(proposed.out, /confirmed on the shadow/);
      assert.equal(p.autoApproved, { rule: 'small-scale-out' }, 'confirmed: the policy may still auto-approve it');
      assert.is(await specOfRec(), before, 'the shadow is back at the capacity of its plan');
    } finally {
      await shadowDown(shadow, { graceMs: 500 }).catch(() => {});
    }
  }));

test.run();
