/**
 * simulate --scenario reports the variant's own twin warnings: a linkDown
 * that cuts a router off names the pairs it leaves without a route (the base
 * twin has none), and the scenario is applied once, not once per check.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routedTwin, SQUARE } from '../../twins/network/test-support.js';
import { withTempDir } from '../test-support.js';
import { REPO_ROOT } from '../paths.js';
import { parseSimulateArgs, simulate } from './simulate.js';

test('a linkDown that isolates router B: the run warns of the pairs with no route, the base run does not', async () => {
  await withTempDir('simulate-scenario', async (dir) => {
    // Entries at A, C and D only: B, once isolated, offers nothing, but the others still send to it.
    const twin = routedTwin(SQUARE, { traffic: { gravity: {} } }, ['A', 'C', 'D'].map((r) => ({ id: `from-${r}`, node: r, rate: 50 })));
    await writeFile(join(dir, 'square.json'), JSON.stringify(twin));
    await writeFile(join(dir, 'cut.json'), JSON.stringify([{ op: 'linkDown', between: ['A', 'B'] }, { op: 'linkDown', between: ['B', 'C'] }]));
    const run = (extra: string[]) => simulate(parseSimulateArgs(['--twin', join(dir, 'square.json'), '--out', join(dir, extra.length ? 'cut' : 'base'), '--replications', '2', '--horizon', '2s', '--window', '1s', '--workers', '0', '--quiet', ...extra])!);
    const base = await run([]);
    assert.not.match(base.table, /no route/);
    const cut = await run(['--scenario', join(dir, 'cut.json')]);
    assert.match(cut.table, /6 ordered router pair\(s\) with traffic have no route \(A -> B, B -> A, /);
    const summary = JSON.parse(await readFile(join(dir, 'cut', 'summary.json'), 'utf8')) as { run: { warnings: string[] } };
    assert.ok(summary.run.warnings.some((w) => w.includes('have no route')), summary.run.warnings.join('\n'));
  });
});

test('a rate limit scenario: summary.json reports each entry\'s shed arrivals beside the fields it had, 0 without the limit', async () => {
  await withTempDir('simulate-shed', async (dir) => {
    const shop = join(REPO_ROOT, 'twins', 'examples', 'shop.yaml');
    await writeFile(join(dir, 'limit.json'), JSON.stringify([{ op: 'rateLimit', entry: 'users', rate: 100, burst: 10 }]));
    type Entry = Record<string, { mean: number; n: number }> & { id: string };
    const run = async (name: string, extra: string[]) => {
      await simulate(parseSimulateArgs(['--twin', shop, '--out', join(dir, name), '--replications', '2', '--horizon', '30s', '--window', '30s', '--workers', '0', '--quiet', ...extra])!);
      return (JSON.parse(await readFile(join(dir, name, 'summary.json'), 'utf8')) as { entries: Entry[] }).entries;
    };
    const [limited] = await run('limited', ['--scenario', join(dir, 'limit.json')]);
    assert.equal(Object.keys(limited!), ['id', 'successRate', 'meanLatency', 'p99', 'arrivals', 'shed', 'latency']);
    // users arrive at 150/s; the bucket admits 10 + 100·30: the rest, about 1490 per replication, are shed.
    assert.ok(limited!.shed!.mean > 1300 && limited!.shed!.mean < 1700, `shed ${limited!.shed!.mean}`);
    assert.is(limited!.shed!.n, 2);
    const [base] = await run('base', []);
    assert.is(base!.shed!.mean, 0);
  });
});

test.run();
