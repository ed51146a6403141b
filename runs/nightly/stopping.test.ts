/**
 * The simulate step's sequential stopping (simulation.stopWhenClear): the
 * rule and how it went are recorded in the manifest and in
 * simulation/summary.json, and the risk is over the replications run.
 * With a threshold of 0.9 every node of the small night settles quickly
 * (none fails in most replications: clear below after a few looks), so
 * the run stops before its 16 replications.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withTempDir } from '../test-support.js';
import { readNightlyConfig } from './config.js';
import type { Manifest } from './manifest.js';
import { runNightly } from './pipeline.js';
import { writeSmallNight } from './test-support.js';

test('stopWhenClear: the simulate step stops once every node is clear of the threshold, and says so in the manifest', () => withTempDir('nightly-stop', async (dir) => {
  const file = await writeSmallNight(dir, 3);
  const text = (await readFile(file, 'utf8'))
    .replace('replications: 4, window: 5m, seed: 3, workers: 0 }', 'replications: 16, window: 5m, seed: 3, workers: 0, stopWhenClear: true }')
    .replace('risk: { threshold: 0.2 }', 'risk: { threshold: 0.9 }')
    .replace(/^mitigation: .*$/m, 'mitigation: { enabled: false }');
  await writeFile(file, text);
  const r = await runNightly({ config: await readNightlyConfig(file), out: join(dir, 'out'), store: join(dir, 'runs.db') });
  const m = JSON.parse(await readFile(join(dir, 'out', 'manifest.json'), 'utf8')) as Manifest;
  const s = m.simulation!;
  assert.equal(s.rule, { threshold: 0.9, precision: null, level: 0.95 });
  assert.is(s.maxReplications, 16);
  assert.ok(s.stoppedEarly && s.replications < 16, `${s.replications} of 16 replications: ${s.reason}`);
  assert.match(m.steps.simulate!.note, new RegExp(`^${s.replications} of 16 replications \\(stopped early: every node's P\\(fail\\) is clear of 90\\.0 %`));
  const summary = JSON.parse(await readFile(join(dir, 'out', 'simulation', 'summary.json'), 'utf8')) as { run: { replications: number; stopping: { replications: number } } };
  assert.is(summary.run.replications, s.replications);
  assert.is(summary.run.stopping.replications, s.replications);
  assert.is(r.data.run.replications, s.replications, 'the report is over the replications run');
}));

test.run();
