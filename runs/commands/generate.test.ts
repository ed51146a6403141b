/** `shadowcast generate microservices` from the shell: exit codes, the file, and that it simulates. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadTwinFile } from '../../twins/definition/load.js';
import { runMonteCarlo } from '../montecarlo/runner.js';
import { runCli, withTempDir } from '../test-support.js';


const cli = runCli;

test('usage errors exit 2 with the usage of generate microservices', async () => {
  for (const args of [['generate', 'microservices', '--bogus'], ['generate', 'microservices', '--out', 'x.yaml', '--services', '1'], ['generate', 'microservices', '--out', 'x.txt']]) {
    const r = await cli(args);
    assert.is(r.code, 2, r.stderr);
    assert.ok(r.stderr.startsWith('shadowcast generate microservices: '), r.stderr);
    assert.match(r.stderr, /\n\nusage: shadowcast generate microservices --out TWIN /);
  }
  const r = await cli(['generate', 'nothing']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /usage: shadowcast generate <subcommand>/);
});

test('writes a twin that loads and simulates; the same seed writes the same file', () => withTempDir('generate', async (dir) => {
  const a = join(dir, 'a.yaml'), b = join(dir, 'b.yaml');
  const r = await cli(['generate', 'microservices', '--services', '30', '--seed', '4', '--out', a]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /microservices-30-seed4: 30 services/);
  assert.is((await cli(['generate', 'microservices', '--services', '30', '--seed', '4', '--out', b])).code, 0);
  assert.is(await readFile(a, 'utf8'), await readFile(b, 'utf8'));
  const twin = await loadTwinFile(a);
  const run = await runMonteCarlo(twin, { settings: { seed: 1, horizon: 30, reportWindow: 30 }, replications: 1, workers: 0 });
  assert.ok(run.summary.events > 1000);
  assert.ok(run.summary.nodes.filter((n) => n.metrics.arrivals[0]! > 0).length >= 20, 'traffic reaches most services');
}));

test.run();
