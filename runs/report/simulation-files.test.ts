import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RiskReport } from '../../twins/risk.js';
import { summaryJson, type RunInfo } from './simulation-files.js';

const risk: RiskReport = { replications: 2, level: 0.95, horizon: 60, nodes: [], entries: [], windows: [] };
const info = (resumedChunks: number): RunInfo => ({
  twin: 't', source: 's', twinHash: 'h', seed: 1, replications: 2, horizon: 60, warmup: 0, confidence: 0.95, windowSeconds: 60,
  workers: 1, seconds: 2, events: 1000, resumedChunks, forecast: null, state: null, scenario: null, warnings: [],
} as RunInfo);

test('summary.json gives the speed of a fresh run, and none for a resumed one (its seconds did not compute every event)', () => {
  const run = (n: number) => (JSON.parse(summaryJson(info(n), risk)) as { run: { eventsPerSecond: number | null; resumedChunks: number } }).run;
  assert.is(run(0).eventsPerSecond, 500);
  assert.is(run(3).eventsPerSecond, null);
  assert.is(run(3).resumedChunks, 3);
});

test.run();
