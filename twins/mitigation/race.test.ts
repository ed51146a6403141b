/** The racing rules, on hand-made evaluations whose figures are derived here. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { proportion } from './evaluate-stats.js';
import { nextLookToMeet, raceDecision, raceLooks, targetLook, type RaceRules } from './race.js';
import type { EvaluationVerdict, StrategyEvaluation } from './types.js';

const rules: RaceRules = { target: 0.05, level: 0.95, replications: 200, costTolerance: 0.05 };

/** Node a failed in `k` of `n` replications with the strategy; change interval (lo, hi). */
function evaluation(id: string, verdict: EvaluationVerdict, k: number, n: number, coreHours: number, change: [number, number] = [-0.3, -0.1]): StrategyEvaluation {
  const none = { mean: 0, lo: 0, hi: 0, n };
  return {
    strategy: { id, action: 'scaleOut', target: 'a', params: {}, deltas: [], description: id, reversible: true, addresses: ['risk:a:latency'] },
    replications: n, seed: 1,
    nodes: [{ node: 'a', baseline: proportion(Math.round(0.25 * n), n, 0.95), candidate: proportion(k, n, 0.95), change: { mean: (change[0] + change[1]) / 2, lo: change[0], hi: change[1], n } }],
    sloViolationMinutes: none, requestsFailed: none, cost: { replicaHours: coreHours, coreHours, requestsShed: 0, priced: coreHours, unit: 'USD' }, blastRadius: ['a'], verdict, explanation: `${verdict} (hand-made)`,
  };
}

test('looks: the pilot 10, 20, 40, the target look (73 at 5 %), doubled, then the full count', () => {
  assert.is(targetLook(0.05, 0.95), 73);
  assert.ok(proportion(0, 73, 0.95).hi < 0.05 && proportion(0, 72, 0.95).hi >= 0.05, '73 is the first count at which no failure is under 5 %');
  assert.is(targetLook(0.1, 0.95), 35);
  assert.equal(raceLooks(200), [10, 20, 40, 73, 146, 200]);
  assert.equal(raceLooks(40), [10, 20, 40]);
  assert.equal(raceLooks(40, 0.1), [10, 20, 35, 40]);
  assert.equal(raceLooks(100), [10, 20, 40, 73, 100]);
  assert.equal(raceLooks(12), [10, 12]);
  assert.equal(raceLooks(5), [5]);
  assert.throws(() => raceLooks(0), /whole number >= 1/);
});

test('the leader runs ahead to the first look at which it could meet the target were it never to fail again', () => {
  const looks = raceLooks(200);
  assert.is(nextLookToMeet(evaluation('z', 'inconclusive', 0, 10, 1), ['a'], rules, looks), 73);
  // One failure: 1/73 leaves 7.4 %, 1/146 3.8 %.
  assert.is(nextLookToMeet(evaluation('o', 'inconclusive', 1, 20, 1), ['a'], rules, looks), 146);
  assert.is(nextLookToMeet(evaluation('t', 'inconclusive', 4, 40, 1), ['a'], rules, looks), null, '4 failures: 5.0 % even at 200');
  assert.is(nextLookToMeet(evaluation('x', 'inconclusive', 0, 10, 1), ['elsewhere'], rules, looks), null, 'addresses nothing');
  assert.is(nextLookToMeet(evaluation('n', 'inconclusive', 0, 10, 1, [-0.2, 0.1]), ['a'], rules, looks), 73, 'an interval around 0 but fewer failures than the baseline');
  assert.is(nextLookToMeet(evaluation('s', 'inconclusive', 0, 10, 1, [-0.1, 0.1]), ['a'], rules, looks), null, 'no fewer failures than the baseline: no sprint');
});

test('worse stops at once', () => {
  assert.is(raceDecision(evaluation('w', 'worse', 5, 20, 1, [0.05, 0.3]), ['a'], rules, null)?.stop, 'worse');
});

test('cannot meet the target: 4 failures leave the Wilson upper bound at 200 replications at or over 5 %, 3 do not; a lower bound at or over the target', () => {
  // Wilson 95 % upper bound of 4/200 = 5.03 %, of 3/200 = 4.30 %.
  assert.ok(proportion(4, 200, 0.95).hi >= 0.05 && proportion(3, 200, 0.95).hi < 0.05);
  const hopeless = raceDecision(evaluation('h', 'inconclusive', 4, 20, 1, [-0.2, 0.1]), ['a'], rules, null);
  assert.is(hopeless?.stop, 'cannotMeetTarget');
  assert.match(hopeless!.reason, /failed in 4 of 20 replications/);
  assert.is(raceDecision(evaluation('c', 'inconclusive', 3, 40, 1, [-0.2, 0.1]), ['a'], rules, null), null, '3 failures of 40: it may still get under');
  // 3 of 20: Wilson lower bound 5.2 % >= 5 %: above the target beyond the noise; 2 of 20: 2.8 %, not yet.
  assert.ok(proportion(3, 20, 0.95).lo >= 0.05 && proportion(2, 20, 0.95).lo < 0.05);
  assert.match(raceDecision(evaluation('l', 'inconclusive', 3, 20, 1, [-0.2, 0.1]), ['a'], rules, null)?.reason ?? '', /at least 5\.2 % \(lower bound\)/);
  assert.is(raceDecision(evaluation('k', 'inconclusive', 2, 20, 1, [-0.2, 0.1]), ['a'], rules, null), null);
});

test('met the target: better and the upper bound under it; at 40 replications no failure is still 8.8 %, at 80 it is 4.6 %', () => {
  assert.is(raceDecision(evaluation('m', 'better', 0, 40, 1), ['a'], rules, null), null);
  const met = raceDecision(evaluation('m', 'better', 0, 80, 1), ['a'], rules, null);
  assert.is(met?.stop, 'metTarget');
  assert.is(raceDecision(evaluation('i', 'inconclusive', 0, 80, 1, [-0.1, 0.01]), ['a'], rules, null), null, 'an interval that does not exclude 0 has not met it');
});

test('dominated: dearer than one that met the target, beyond the cost tolerance; the full count ends the race', () => {
  const incumbent = { id: 'cheap', cost: 1 };
  assert.is(raceDecision(evaluation('dear', 'better', 1, 40, 2), ['a'], rules, incumbent)?.stop, 'dominated');
  assert.is(raceDecision(evaluation('close', 'better', 1, 40, 1.04), ['a'], rules, incumbent), null, 'within 0.05 core-hours: noise');
  assert.is(raceDecision(evaluation('last', 'inconclusive', 2, 200, 1, [-0.1, 0.01]), ['a'], rules, null)?.stop, 'full');
});

test.run();
