/**
 * The run id, and nodes "at risk" that never failed are there for want of replications: the
 * nightly says so, with the replications that would bound them under the
 * threshold (the Wilson bound with no failure: z²/(n + z²)).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wilsonInterval } from '../../engine/index.js';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTempDir } from '../test-support.js';
import { readNightlyConfig } from './config.js';
import { nightlyConfigHash, nightlyRunId, runNightly, tooFewReplications } from './pipeline.js';
import { writeSmallNight } from './test-support.js';

test('the warning names the nodes, the bound at n and the count that brings it under the threshold', () => {
  const node = (id: string) => ({ id, replications: 4, pFail: { hi: wilsonInterval(0, 4).hi } });
  const w = tooFewReplications(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(node), 0.3, 0.95);
  assert.match(w, /^7 node\(s\) are above the risk threshold 0\.3 without a single failure \(a, b, c, d, e and 2 more\): with 4 replications .* upper bound of 49\.0 %; about 9 replications would bound it under the threshold$/);
  // 9 is the first count whose bound is under 0.3; 8 is not.
  assert.ok(wilsonInterval(0, 9).hi <= 0.3 && wilsonInterval(0, 8).hi > 0.3);
});

test('the run id changes with the replications (a --replications override), not with anything else the flags set', () => {
  const config = (sim: number, mit: number) => ({ simulation: { replications: sim, seed: 1 }, mitigation: { replications: mit } }) as unknown as Parameters<typeof nightlyRunId>[2];
  const a = nightlyRunId('c', 't', config(10, 24));
  assert.is(a, nightlyRunId('c', 't', config(10, 24)));
  assert.is.not(a, nightlyRunId('c', 't', config(40, 24)));
  assert.is.not(a, nightlyRunId('c', 't', config(10, 40)));
  assert.match(a, /^[0-9a-f]{12}$/);
});

test('the run id and the steps do not depend on the worker count, comments or layout of the config', () => withTempDir('nightly-run-id', async (dir) => {
  const a = await writeSmallNight(dir, 3, {}, '');
  await writeFile(a, readFileSync(a, 'utf8').replace('mitigation: {', 'mitigation: { enabled: false,'));
  const b = join(dir, 'other.yaml');
  await writeFile(b, '# the same night on two workers\n' + readFileSync(a, 'utf8').replace('workers: 0', 'workers: 2').replace('risk: { threshold: 0.2 }', 'risk:\n  threshold: 0.2   # the default'));
  const [ca, cb] = [await readNightlyConfig(a), await readNightlyConfig(b)];
  assert.is(nightlyConfigHash(ca), nightlyConfigHash(cb));
  assert.is.not(nightlyConfigHash(ca), nightlyConfigHash({ ...ca, risk: { ...ca.risk, threshold: 0.3 } }));
  assert.is.not(nightlyConfigHash(ca), nightlyConfigHash({ ...ca, simulation: { ...ca.simulation, seed: 4 } }));
  const out = join(dir, 'out');
  const first = await runNightly({ config: ca, out, store: join(dir, 'runs.db') });
  // --workers 0 keeps the test in this thread; the config still says 2.
  const second = await runNightly({ config: cb, workers: 0, out, store: join(dir, 'runs.db') });
  assert.is(second.data.run.id, first.data.run.id);
  assert.ok(second.manifest.steps.simulate!.resumed, 'the simulation is not redone for another worker count');
}));

test.run();
