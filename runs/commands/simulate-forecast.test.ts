/**
 * simulate --forecast DIR on a twin whose entries do not follow a forecast:
 * the forecast is read (a broken one is still an error) but not used, the run
 * says so in its warnings, and summary.json does not record it as the run's.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REQUIRED_QUANTILES } from '../../models/forecast.js';
import { writeForecast } from '../../models/forecast-file.js';
import { exampleFile } from '../../twins/examples/paths.js';
import { withTempDir } from '../test-support.js';
import { parseSimulateArgs, simulate } from './simulate.js';

test('a forecast no entry follows: a warning, run.forecast null, and the same run as without it', async () => {
  await withTempDir('simulate-forecast', async (dir) => {
    const steps = 10;
    const rate = Float32Array.from({ length: steps }, () => 150);
    await writeForecast(join(dir, 'fc'), {
      startMs: Date.UTC(2026, 0, 1), stepMs: 60_000, steps, paths: 1, seed: 1,
      series: [{ node: 'frontend', metric: 'rate', model: 'test', quantiles: new Map(REQUIRED_QUANTILES.map((q) => [q, Float64Array.from(rate)])), paths: rate, notes: [] }],
    });
    type Summary = { run: { forecast: string | null; warnings: string[]; events: number }; nodes: unknown[]; entries: unknown[] };
    const run = async (name: string, extra: string[]) => {
      await simulate(parseSimulateArgs(['--twin', exampleFile('shop.yaml'), '--out', join(dir, name), '--replications', '2', '--horizon', '30s', '--window', '30s', '--workers', '0', '--quiet', ...extra])!);
      return JSON.parse(await readFile(join(dir, name, 'summary.json'), 'utf8')) as Summary;
    };
    const given = await run('given', ['--forecast', join(dir, 'fc')]);
    assert.is(given.run.forecast, null, 'not recorded as the run\'s forecast');
    assert.ok(given.run.warnings.some((w) => /^the forecast .*fc is not used: no entry of .*shop\.yaml follows a forecast/.test(w)), given.run.warnings.join('\n'));
    const without = await run('without', []);
    assert.is(given.run.events, without.run.events);
    assert.equal(given.nodes, without.nodes);
    assert.equal(given.entries, without.entries);
  });
});

test.run();
