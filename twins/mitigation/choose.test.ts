import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseStrategy, paretoFront } from './choose.js';
import type { Anomaly, StrategyEvaluation } from './types.js';

const anomaly: Anomaly = {
  id: 'risk:a:latency', source: 'risk', node: 'a', severity: 'critical', summary: 'a at risk',
  evidence: { source: 'risk', pFail: { mean: 0.5, lo: 0.4, hi: 0.6 }, threshold: 0.05, condition: 'latency', timeToFailure: null },
};

function evaluation(id: string, verdict: StrategyEvaluation['verdict'], hi: number, coreHours: number, reversible = true, blast: string[] = ['a']): StrategyEvaluation {
  const none = { mean: 0, lo: 0, hi: 0, n: 100 };
  return {
    strategy: { id, action: 'scaleOut', target: 'a', params: {}, deltas: [], description: id, reversible, addresses: [anomaly.id] },
    replications: 100, seed: 1,
    nodes: [{ node: 'a', baseline: { mean: 0.5, lo: 0.4, hi: 0.6 }, candidate: { mean: hi / 2, lo: 0, hi }, change: { mean: hi / 2 - 0.5, lo: -0.6, hi: -0.3, n: 100 } }],
    sloViolationMinutes: none, requestsFailed: none, cost: { replicaHours: coreHours, coreHours, requestsShed: 0, priced: coreHours, unit: 'USD' }, blastRadius: blast, verdict, explanation: '',
  };
}

test('Pareto front: not dominated on (risk, cost)', () => {
  assert.equal(paretoFront([{ risk: 0.1, cost: 1 }, { risk: 0.05, cost: 2 }, { risk: 0.1, cost: 2 }, { risk: 0.2, cost: 0.5 }]), [true, true, false, true]);
});

test('the cheapest better strategy under the target; cheaper ones over the target and worse ones are passed over', () => {
  const c = chooseStrategy([
    evaluation('cheap-but-risky', 'better', 0.09, 0.5),
    evaluation('worse', 'worse', 0.01, 0.1),
    evaluation('right', 'better', 0.03, 1),
    evaluation('dear', 'better', 0.01, 3),
  ], [anomaly], { target: 0.05 });
  assert.is(c.chosen?.evaluation.strategy.id, 'right');
  assert.ok(c.explanation.includes('cheap-but-risky'), c.explanation);
  assert.equal(c.ranked.map((r) => r.pareto), [true, false, true, true], 'a worse strategy is no option: off the front, and dominates nothing');
});

test('equal cost: the reversible one, then the smaller blast radius', () => {
  const c = chooseStrategy([
    evaluation('one-way', 'better', 0.02, 1, false, ['a']),
    evaluation('wide', 'better', 0.02, 1, true, ['a', 'b', 'c']),
    evaluation('narrow', 'better', 0.02, 1, true, ['a']),
  ], [anomaly], { target: 0.05 });
  assert.is(c.chosen?.evaluation.strategy.id, 'narrow');
});

test('nothing under the target: no choice, and the paragraph says why', () => {
  const c = chooseStrategy([evaluation('x', 'better', 0.2, 1), evaluation('y', 'inconclusive', 0.01, 1)], [anomaly], { target: 0.05 });
  assert.is(c.chosen, null);
  assert.ok(c.explanation.includes('None met it') && c.explanation.includes('x'), c.explanation);
});

test.run();
