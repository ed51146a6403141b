/**
 * Sequential stopping: a run stops at the first group boundary where every
 * node's P(fail) is settled, runs everything when the rule cannot be met,
 * stops at the same replication with the same result for any worker count
 * and on resume, and what it ran is exactly the first replications of the
 * full run.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stableJson } from '../../twins/definition/content-hash.js';
import { loadTwinFile } from '../../twins/definition/load.js';
import { withTempDir } from '../test-support.js';
import { runMonteCarlo, type MonteCarloOptions } from './runner.js';
import { chunkGroups, stoppingDecision, STOPPING_GROUPS } from './stopping.js';
import { chunkRanges } from './chunks.js';

/** One node that fails in every replication (ρ = 1.5), one that never does (ρ = 0.05). */
const TWIN = `name: two-sides
defaults: { kind: service, replicas: 1, servers: 1 }
nodes:
  - id: sure
    service: { type: exponential, mean: 0.3 }
    slo: { p99: 500ms, window: 30s }
  - id: never
    service: { type: exponential, mean: 0.01 }
    slo: { p99: 1s, window: 30s }
edges:
  - { type: route, from: never, to: sure, probability: 1 }
entries:
  - { id: users, node: never, rate: 5 }
`;

const base: MonteCarloOptions = { replications: 200, settings: { seed: 3, horizon: 60, reportWindow: 30 } };

const withTwin = <T>(body: (twin: Awaited<ReturnType<typeof loadTwinFile>>, dir: string) => Promise<T>) => withTempDir('stopping', async (dir) => {
  await writeFile(join(dir, 'twin.yaml'), TWIN);
  return body(await loadTwinFile(join(dir, 'twin.yaml')), dir);
});

test('groups: at most 8, of whole chunks, fixed by the replication count alone', () => {
  const groups = chunkGroups(chunkRanges(200, 4));
  assert.ok(groups.length <= STOPPING_GROUPS);
  assert.equal(groups.map((g) => g.length), [7, 7, 7, 7, 7, 7, 7, 1]);
  assert.equal(groups.flat().map((r) => r.chunk), chunkRanges(200, 4).map((r) => r.chunk));
});

test('skipped nodes are not waited for; the others still are', () => {
  const rule = { precision: null, threshold: 0.05, level: 0.95 };
  // After 20 replications: a node that failed in all (clear above), one that never failed (its Wilson upper bound is still above 5 %).
  const tally = { count: 20, nodes: [{ id: 'hot', failures: 20 }, { id: 'quiet', failures: 0 }] };
  const waiting = stoppingDecision(tally, rule, 8);
  assert.equal([waiting.stop, waiting.open], [false, ['quiet']]);
  const skipped = stoppingDecision(tally, { ...rule, skip: ['quiet'] }, 8);
  assert.equal([skipped.stop, skipped.open], [true, []]);
  assert.match(skipped.reason, /but the 1 screened/);
  // Skipping the settled node does not settle the open one.
  assert.equal(stoppingDecision(tally, { ...rule, skip: ['hot'] }, 8).stop, false);
});

test('stops at the first look where every node is clear of the threshold; the same for any worker count and on resume', () => withTwin(async (twin, dir) => {
  const rule = { precision: null, threshold: 0.3, level: 0.95 };
  const full = await runMonteCarlo(twin, { ...base, workers: 0 });
  const runs = [
    await runMonteCarlo(twin, { ...base, stopping: rule, workers: 0 }),
    await runMonteCarlo(twin, { ...base, stopping: rule, workers: 2 }),
    await runMonteCarlo(twin, { ...base, stopping: rule, workers: 3, checkpointDir: dir }),
  ];
  const resumed = await runMonteCarlo(twin, { ...base, stopping: rule, workers: 2, checkpointDir: dir });
  // 'never' needs the 99.4 % Wilson upper bound under 0.3: 7.4 / (n + 7.4) < 0.3, n >= 18, so the first look (28) settles it.
  for (const r of [...runs, resumed]) {
    assert.is(r.replications, 28);
    assert.is(r.stopping?.stoppedEarly, true);
    assert.is(r.stopping?.looks, 1);
    assert.match(r.stopping!.reason, "every node's P(fail) is clear of 30.0 % after 28 replications");
    assert.is(stableJson(r.summary), stableJson(runs[0]!.summary));
  }
  assert.is(resumed.resumedChunks, 7, 'resumed from the checkpoints, nothing recomputed');
  // What the stopped run holds is the full run's first 28 replications.
  for (const [i, node] of runs[0]!.summary.nodes.entries()) assert.equal(node.failTime, full.summary.nodes[i]!.failTime.slice(0, 28), node.id);
  assert.is(full.stopping, null);
}));

test('a precision it cannot reach: every replication runs, and the report says why', () => withTwin(async (twin) => {
  const r = await runMonteCarlo(twin, { ...base, replications: 40, stopping: { precision: 0.001, threshold: null, level: 0.95 }, workers: 0 });
  assert.is(r.replications, 40);
  assert.is(r.stopping?.stoppedEarly, false);
  assert.is(r.stopping?.looks, 8);
  assert.match(r.stopping!.reason, /2 node\(s\) not yet within ±0\.10 % after 40 replications .*sure, never; the most asked \(40\) reached/);
}));

test('precision: the always-failing node settles once its interval is within ±P, the other already is', () => withTwin(async (twin) => {
  // 'sure' (all fail): half-width z²/(2(n+z²)) with z = 2.73 (99.4 %) is under 0.1 from n = 30: the second look (56).
  const r = await runMonteCarlo(twin, { ...base, stopping: { precision: 0.1, threshold: null, level: 0.95 }, workers: 2 });
  assert.is(r.replications, 56);
  assert.is(r.stopping?.looks, 2);
}));

test.run();
