/**
 * The spine on a small twin (a gateway calling one M/M/1-like service at
 * ~0.9 utilization with a p99 SLO): 40 paired replications of 10 min.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinFromObject } from '../../twins/definition/load.js';
import { newcombeDifference } from '../../twins/mitigation/evaluate-stats.js';
import type { Strategy } from '../../twins/mitigation/types.js';
import { evaluateAgainst, simulateRun, withExecutor, type PairedRunOptions } from './evaluate-run.js';
import { proposeMitigations } from './propose.js';
import { SATURATED_TWIN } from './test-twins.js';

const twin = twinFromObject(structuredClone(SATURATED_TWIN), { source: 'saturated' });
const settings = { seed: 7, horizon: 600, reportWindow: 60 };
const hand = (id: string, deltas: Strategy['deltas']): Strategy => ({ id, action: 'scaleUp', target: 'rec', params: {}, deltas, description: id, reversible: true, addresses: ['risk:rec:latency'] });

// threshold 0.1: with 40 replications a node that never fails still has a Wilson upper bound of 8.8 %, over a 5 % threshold.
test('proposeMitigations: the chosen strategy is better, with a paired interval below 0, and under the target', async () => {
  const r = await proposeMitigations({ twin, settings, replications: 40, workers: 0, threshold: 0.1, target: 0.1, maxCandidates: 3, now: new Date('2026-01-01T00:00:00Z') });
  assert.equal(r.anomalies.map((a) => a.id), ['risk:rec:latency']);
  assert.is(r.evaluations.length, 3);
  assert.is(r.runs.count, 4, 'one baseline for all candidates');
  const p = r.proposal;
  assert.ok(p, r.choice?.explanation);
  assert.is(p.evaluation.verdict, 'better');
  const rec = p.evaluation.nodes.find((n) => n.node === 'rec')!;
  assert.ok(rec.change.hi < 0 && rec.candidate.hi < 0.1, JSON.stringify(rec));
  assert.is(p.strategy.id, 'scaleOut:rec:from=1,replicas=2', 'the cheapest that meets the target');
  assert.ok(p.evaluation.cost.coreHours > 0);
  assert.is(p.expiresAt, '2026-01-01T01:00:00.000Z');
  assert.ok(p.choice.includes('scaleOut:rec:from=1,replicas=2'), p.choice);
  assert.equal(r.searches.map((s) => [s.node, s.replicas]), [['rec', 2]]);
});

test('common random numbers: the paired interval is narrower than independent samples would give; a no-op is inconclusive around 0', async () => {
  await withExecutor(0, undefined, async (executor) => {
    const o: PairedRunOptions = { settings, replications: 40, level: 0.95, executor };
    const baseline = await simulateRun(twin, o);
    const faster = hand('faster', [{ op: 'serviceScale', node: 'rec', factor: 0.98 }]);
    const e = await evaluateAgainst(baseline, faster, ['rec'], o);
    const rec = e.nodes.find((n) => n.node === 'rec')!;
    assert.is(e.verdict, 'better', e.explanation);
    // Independent samples with the same counts: Newcombe's unpaired interval (phi = 0) depends on the margins only.
    const kb = Math.round(rec.baseline.mean * 40), kc = Math.round(rec.candidate.mean * 40);
    const unpaired = newcombeDifference({ both: 0, candidateOnly: kc, baselineOnly: kb, neither: 40 - kb - kc }, 0.95, 0);
    assert.ok(rec.change.hi - rec.change.lo < unpaired.hi - unpaired.lo, `paired ${rec.change.lo}..${rec.change.hi}, unpaired ${unpaired.lo}..${unpaired.hi}`);

    const noop = await evaluateAgainst(baseline, hand('noop', []), ['rec'], o);
    assert.is(noop.verdict, 'inconclusive');
    for (const n of noop.nodes) assert.ok(n.change.mean === 0 && n.change.lo < 0 && n.change.hi > 0, JSON.stringify(n));
    assert.equal(noop.blastRadius, []);
    assert.is(noop.cost.coreHours, 0);
    assert.is(noop.sloViolationMinutes.mean, 0);
  });
});

test.run();
