import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { loadTwinFile } from '../definition/load.js';
import { REPO_ROOT } from '../../runs/paths.js';
import { applyScenario } from '../scenario/index.js';
import { riskAnomalies } from './detect.js';
import { generateStrategies } from './generate.js';

const shop = () => loadTwinFile(join(REPO_ROOT, 'twins/examples/shop.yaml'));
const recommendationAtRisk = riskAnomalies([
  { id: 'recommendation', pFail: { mean: 0.15, lo: 0.1, hi: 0.21 }, mainCondition: 'latency', timeToFailure: null },
  { id: 'cart', pFail: { mean: 0, lo: 0, hi: 0.018 }, mainCondition: null, timeToFailure: null },
], { threshold: 0.05 });

test('risk anomalies: upper bound at or over the threshold, stable ids', () => {
  assert.equal(recommendationAtRisk.map((a) => [a.id, a.severity]), [['risk:recommendation:latency', 'critical']]);
});

test('shop, recommendation at risk: scale out, scale up, autoscale, its deadline, its saturated callee, at its caller shedding the optional call or a circuit breaker, a rate limit at the entry', async () => {
  const twin = await shop();
  const { strategies, refused } = generateStrategies(twin, recommendationAtRisk);
  assert.equal(strategies.map((s) => s.id), [
    'scaleOut:recommendation:from=1,replicas=2', 'scaleOut:recommendation:from=1,replicas=3', 'scaleOut:recommendation:from=1,replicas=4',
    'scaleOut:productcatalog:from=1,replicas=2',
    'scaleUp:recommendation:from=3,servers=4', 'scaleUp:recommendation:from=3,servers=5',
    'autoscale:recommendation:target=0.6,min=1,max=4',
    'timeoutRetry:recommendation:timeout=0.5',
    'timeoutRetry:productcatalog:retries=1', 'timeoutRetry:productcatalog:retries=0',
    // frontend calls recommendation optionally: shed it (and frontend's other optional calls), or break the circuit.
    'shedOptional:frontend:probability=0.5', 'shedOptional:frontend:probability=1',
    'circuitBreaker:frontend:to=recommendation,failureRatio=0.5,window=10,minCalls=20,openFor=30',
    // The entry whose traffic reaches recommendation (no pre-warm: the anomaly predicts no failure time; no router).
    'rateLimit:users:rate=150,burst=150',
  ]);
  assert.equal(refused, []);
  for (const s of strategies) {
    assert.equal(s.addresses, ['risk:recommendation:latency']);
    applyScenario(twin, s.deltas); // every candidate compiles to deltas the twin accepts
  }
  assert.equal(generateStrategies(twin, recommendationAtRisk).strategies, strategies, 'same twin and anomalies, same strategies');
});

test('under an autoscaler a scale-out raises its min and stops at its max; resources give a memory-limit candidate', async () => {
  const twin = await shop();
  const anomalies = riskAnomalies([{ id: 'frontend', pFail: { mean: 0.2, lo: 0.1, hi: 0.3 }, mainCondition: 'errors', timeToFailure: null }], { threshold: 0.05 });
  const { strategies } = generateStrategies(twin, anomalies, { maxScaleOut: 10, maxScaleUp: 1 });
  const out = strategies.filter((s) => s.action === 'scaleOut' && s.target === 'frontend');
  assert.equal(out.map((s) => s.params.replicas), [3, 4, 5, 6, 7, 8]);
  assert.equal(out[0]!.deltas[1], { op: 'autoscale', node: 'frontend', autoscale: { target: 0.6, min: 3, max: 8, period: 15, startup: 20 } });
  assert.ok(strategies.some((s) => s.id === 'scaleUp:frontend:memLimit=805306368'));
  assert.ok(strategies.some((s) => s.id === 'autoscale:frontend:target=0.5,min=2,max=10'));
});

test.run();
