/** `shadowcast generate microservices` from the shell: exit codes, the file, and that it simulates. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TwinSpecError } from '../../twins/definition/errors.js';
import { loadTwinFile } from '../../twins/definition/load.js';
import { generateMicroservices } from '../../twins/generate/microservices.js';
import { exitCodeFor } from '../errors.js';
import { runMonteCarlo } from '../montecarlo/runner.js';
import { runCli, withTempDir } from '../test-support.js';
import { generatedTwin } from './generate.js';


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

test('a twin the generator gets wrong is an internal error naming the flags, not a problem in the --out file', () => {
  // No seed is known to give an invalid twin any more: hand the check a broken one.
  const input = generateMicroservices({ services: 10, seed: 1, rate: 50 });
  input.nodes[3]!.service = { type: 'lognormal', mean: '-1690ms', cv: 1 };
  try {
    generatedTwin(input, 10, 1, 50, 'g.json');
    assert.unreachable('an invalid twin was accepted');
  } catch (err) {
    assert.ok(!(err instanceof TwinSpecError), 'not reported as invalid input (exit 3)');
    assert.is(exitCodeFor(err), 4);
    const message = (err as Error).message;
    assert.match(message, /^internal error: the generator made an invalid twin for --services 10 --seed 1 --rate 50 \(a bug in shadowcast, not in your input/);
    assert.match(message, /g\.json not written\. 1 problem:\n  nodes\[3\]\.service\.mean: /);
    assert.not.match(message, /problems? in g\.json/);
  }
});

test('sizes and seeds that once gave a negative service mean write a twin', async () => withTempDir('generate', async (dir) => {
  const r = await cli(['generate', 'microservices', '--services', '150', '--seed', '8', '--out', join(dir, 'g.json')]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /microservices-150-seed8: 150 services/);
}));

test.run();
