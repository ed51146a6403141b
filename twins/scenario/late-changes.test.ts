/** Timed changes at or after the horizon are named, per kind, with where and when; those within it are not. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadTwinFile } from '../definition/load.js';
import { exampleFile } from '../examples/paths.js';
import { applyScenario } from './apply.js';
import { lateChangeWarnings } from './late-changes.js';

test('a scale change, a rate limit, shedding and a breaker set past the horizon are each named; one within it is not', async () => {
  const shop = await loadTwinFile(exampleFile('shop.yaml'));
  const t = applyScenario(shop, [
    { op: 'replicas', node: 'productcatalog', replicas: 2, at: 1800 },
    { op: 'replicas', node: 'recommendation', replicas: 2, at: 60 },
    { op: 'rateLimit', entry: 'users', rate: 100, burst: 10, at: 7200 },
    { op: 'shedOptional', node: 'frontend', at: 600 },
    { op: 'circuitBreaker', node: 'frontend', to: 'recommendation', failureRatio: 0.5, window: 10, minCalls: 5, openFor: 30, at: 600 },
  ]);
  assert.equal(lateChangeWarnings(t, 600), [
    '1 timed rateLimit change(s) at or after the horizon of 600 s never take effect in this run: entry "users" at 7200 s',
    '1 timed shedOptional change(s) at or after the horizon of 600 s never take effect in this run: node "frontend" at 600 s',
    '1 timed circuitBreaker change(s) at or after the horizon of 600 s never take effect in this run: "frontend" -> "recommendation" at 600 s',
    '1 timed replicas change(s) at or after the horizon of 600 s never take effect in this run: node "productcatalog" at 1800 s',
  ]);
  assert.equal(lateChangeWarnings(t, 7201), []);
  assert.equal(lateChangeWarnings(shop, 1), [], 'nothing timed in the twin itself');
});

test.run();
