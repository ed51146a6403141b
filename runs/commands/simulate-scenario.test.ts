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

test.run();
