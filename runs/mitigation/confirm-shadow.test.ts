/**
 * Confirmation on a real shadow: a scale-out of the saturated node is
 * confirmed (its p95 goes down beyond the band, on ≥ 50 points a window);
 * too short a window is inconclusive, never confirmed; a strategy the shadow
 * cannot express is inconclusive with the reason; the shadow is left as it
 * was in every case. The verdict rules on samples are checked by hand.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { confirmOnSamples } from '../../twins/mitigation/confirm.js';
import { testProposal } from '../../twins/mitigation/decide-test-support.js';
import type { Proposal } from '../../twins/mitigation/types.js';
import { readState } from '../shadow/materialise-state.js';
import { confirmOnShadow } from './confirm-shadow.js';
import { SHADOW_NODE, withShadow } from './shadow-test-support.js';

const spread = (center: number, n = 60): number[] => Array.from({ length: n }, (_, i) => center * (1 + ((i % 11) - 5) / 50));

test('verdict on samples: lower beyond the band confirms; unchanged or higher does not; few points are inconclusive', () => {
  const w = { windowSeconds: 10, stepSeconds: 0.1 };
  assert.is(confirmOnSamples('n', 'p95', spread(0.2), spread(0.1), w).verdict, 'confirmed');
  assert.is(confirmOnSamples('n', 'p95', spread(0.2), spread(0.2), w).verdict, 'not-confirmed');
  const worse = confirmOnSamples('n', 'p95', spread(0.1), spread(0.2), w);
  assert.equal([worse.verdict, /went up/.test(worse.reason)], ['not-confirmed', true]);
  const few = confirmOnSamples('n', 'p95', spread(0.2, 20), spread(0.1, 20), w);
  assert.is(few.verdict, 'inconclusive', 'a large improvement on 20 points is still no confirmation');
});

const specOf = async (dir: string): Promise<{ replicas: number; pid: number }> => {
  const p = (await readState(dir))!.processes.find((q) => q.name === SHADOW_NODE)!;
  return { replicas: JSON.parse(await readFile(p.config, 'utf8')).spec.replicas as number, pid: p.pid };
};

test('on a real shadow: the scale-out of a saturated node is confirmed; a short window is inconclusive; the shadow is rolled back', () => withShadow(1, async (dir) => {
  const proposal = testProposal({ node: SHADOW_NODE, from: 1, to: 2 });
  const c = await confirmOnShadow(proposal, { dir, windowSeconds: 8 });
  assert.is(c.verdict, 'confirmed', `${c.reason} ${JSON.stringify({ b: c.baseline, c: c.candidate })}`);
  assert.ok(c.baseline!.points >= 50 && c.candidate!.points >= 50, JSON.stringify(c));
  assert.ok(c.judge!.shift.hi < 0);
  assert.is((await specOf(dir)).replicas, 1, 'rolled back after the candidate window');

  const short = await confirmOnShadow(proposal, { dir, windowSeconds: 1.5, stepSeconds: 0.1 });
  assert.is(short.verdict, 'inconclusive', short.reason);
  assert.match(short.reason, /too few points/);
  assert.is((await specOf(dir)).replicas, 1);

  const before = await specOf(dir);
  const rl: Proposal = { ...proposal, strategy: { ...proposal.strategy, action: 'rateLimit', params: {}, deltas: [{ op: 'rateLimit', entry: 'web', rate: 10, burst: 5 }] } };
  const unusable = await confirmOnShadow(rl, { dir, windowSeconds: 6 });
  assert.equal([unusable.verdict, unusable.judge], ['inconclusive', null]);
  assert.match(unusable.reason, /could not be used: .*no mechanism/);
  assert.equal(await specOf(dir), before, 'nothing restarted');
}));

test.run();
