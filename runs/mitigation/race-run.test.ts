/**
 * The race on a small twin (a gateway calling one service at ~0.9
 * utilization with a p99 SLO): the same answer in this thread and on two
 * worker threads, bit for bit, and the same choice as running every
 * candidate to the full count, for fewer replications.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinFromObject } from '../../twins/definition/load.js';
import { proposeMitigations, type ProposeInput } from './propose.js';
import { SATURATED_TWIN } from './test-twins.js';

const twin = twinFromObject(structuredClone(SATURATED_TWIN), { source: 'saturated' });
const input: ProposeInput = {
  twin, settings: { seed: 7, horizon: 300, reportWindow: 60 }, replications: 40, threshold: 0.1, target: 0.1, maxCandidates: 3, now: new Date('2026-01-01T00:00:00Z'),
};

test('raced: identical for 0 and 2 workers; the same choice as the full run with fewer replications; every candidate says why it stopped', async () => {
  const inThread = await proposeMitigations({ ...input, workers: 0 });
  const pooled = await proposeMitigations({ ...input, workers: 2 });
  assert.equal(pooled.evaluations, inThread.evaluations, 'every evaluation, bit for bit');
  assert.equal(pooled.proposal, inThread.proposal);
  assert.equal(inThread.runs.looks, [10, 20, 35, 40]);

  const full = await proposeMitigations({ ...input, workers: 2, race: false });
  assert.ok(inThread.proposal && full.proposal, inThread.choice?.explanation);
  assert.is(inThread.proposal.strategy.id, full.proposal.strategy.id, 'racing does not change the choice');
  assert.is(full.runs.replications, 40 * 4, 'baseline and 3 candidates, all to 40');
  assert.ok(inThread.runs.replications < full.runs.replications, `raced ${inThread.runs.replications} replications, full ${full.runs.replications}`);
  for (const e of inThread.evaluations) {
    assert.ok(e.race, e.strategy.id);
    assert.ok([10, 20, 35, 40].includes(e.replications), `${e.strategy.id}: ${e.replications}`);
    if (e.replications < 40) assert.ok(['worse', 'cannotMeetTarget', 'metTarget', 'dominated'].includes(e.race.stop), `${e.strategy.id}: ${e.race.stop}`);
  }
  assert.ok(inThread.evaluations.some((e) => e.replications < 35), 'some candidate was stopped before the target look');
  // The leader (the cheapest that could still meet the target) ran ahead to the target look, 35, and met it there: the
  // dearer scale-outs stopped after the pilot, dominated (the baseline ran all 40 here: it found the anomalies).
  assert.equal(inThread.evaluations.map((e) => `${e.replications} ${e.race?.stop}`), ['35 metTarget', '10 dominated', '10 dominated']);
  assert.is(inThread.runs.replications, 40 + 35 + 10 + 10);
  const chosen = inThread.proposal.evaluation;
  assert.is(chosen.race?.stop, 'metTarget');
  assert.ok(inThread.proposal.alternatives.every((a) => typeof a.replications === 'number' && a.race), 'the evidence says how far each alternative ran and why');
});

test.run();
