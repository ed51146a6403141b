/**
 * Failing users to spare a node is no fix: on the small saturated twin
 * (45 req/s into one 20 ms worker) a rate limit of 30 req/s at the entry
 * takes the load off the service, but sheds about a third of the requests;
 * the evaluation judges it worse on the entries' failed requests.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinFromObject } from '../../twins/definition/load.js';
import type { Strategy } from '../../twins/mitigation/types.js';
import { evaluateAgainst, simulateRun, withExecutor } from './evaluate-run.js';
import { SATURATED_TWIN } from './test-twins.js';

const twin = twinFromObject(structuredClone(SATURATED_TWIN), { source: 'saturated' });

test('a rate limit that sheds a third of the requests is worse, whatever it does for the node at risk', () =>
  withExecutor(0, undefined, async (executor) => {
    const o = { settings: { seed: 7, horizon: 300, reportWindow: 60 }, replications: 10, level: 0.95, executor };
    const baseline = await simulateRun(twin, o);
    const limit: Strategy = {
      id: 'rateLimit:users:rate=30,burst=30', action: 'rateLimit', target: 'users', params: { rate: 30, burst: 30 },
      deltas: [{ op: 'rateLimit', entry: 'users', rate: 30, burst: 30 }], description: 'limit', reversible: true, addresses: ['risk:rec:latency'],
    };
    const e = await evaluateAgainst(baseline, limit, ['rec'], o);
    // 45 arrivals/s against 30 tokens/s: about (45 - 30) x 300 = 4500 requests shed per replication, less the first burst.
    assert.ok(e.requestsFailed.lo > 3500 && e.requestsFailed.hi < 5500, JSON.stringify(e.requestsFailed));
    assert.is(e.verdict, 'worse', e.explanation);
    assert.match(e.explanation, /^worse: failed requests at the entries/);
  }));

test.run();
