import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { riskTable } from './nightly.js';

const node = (name: string, lo: number, mean: number, hi: number) => ({ node: name, pFail: { mean, lo, hi }, mainCondition: null, timeToFailure: null, utilization: null, p99Seconds: null });
const run = (level: number) => ({ id: 'r', twin: 't', createdAt: '2026-11-23T00:00:00Z', seed: 1, replications: 12, horizonSeconds: 3600, level, threshold: 0.3 });

test("the terminal's risk table heads the interval with the run's level, not always 95 %", () => {
  const nodes = [node('ad', 0, 0, 0.184)];
  assert.match(riskTable({ run: { ...run(0.9), threshold: 0.1 }, nodes })!, 'P(fail) [90%]');
  assert.not.match(riskTable({ run: { ...run(0.9), threshold: 0.1 }, nodes })!, '95%');
  assert.match(riskTable({ run: { ...run(0.95), threshold: 0.1 }, nodes })!, 'P(fail) [95%]');
  assert.match(riskTable({ run: { ...run(0.975), threshold: 0.1 }, nodes })!, 'P(fail) [97.5%]');
  assert.is(riskTable({ run: run(0.9), nodes }), null, 'nothing failed, nothing at risk: no table');
});

test.run();
