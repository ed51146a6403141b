/**
 * An N-1 what-if on a routed network, end to end: the cell whose failure
 * cuts a pendant router off names it, prefixed with the cell, in the
 * summary, in cells.json and in report.html; the base cell warns of nothing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routedTwin, SQUARE } from '../../twins/network/test-support.js';
import { whatif } from '../commands/whatif.js';
import { withTempDir } from '../test-support.js';

test('a link failure that cuts a router off is named with its cell in the summary, cells.json and report.html', () => withTempDir('whatif-network', async (dir) => {
  const links = [...SQUARE, ['C', 'E', 1]] as [string, string, number][];
  const twin = routedTwin(links, { traffic: { gravity: {} } }, ['A', 'B', 'C', 'D', 'E'].map((r) => ({ id: `from-${r}`, node: r, rate: 20 })));
  await writeFile(join(dir, 'net.json'), JSON.stringify(twin));
  await writeFile(join(dir, 'batch.yaml'), [
    'twin: net.json', 'replications: 2', 'horizon: 2s', 'window: 1s', 'axes:', '  failure:',
    '    none: []', '    C-E: [{op: linkDown, between: [C, E]}]', '    A-B: [{op: linkDown, between: [A, B]}]',
    '    late: [{op: linkDown, between: [A, B], at: 1h}, {op: linkUp, between: [A, B], at: 2h}]', '',
  ].join('\n'));
  const out = join(dir, 'out');
  const r = await whatif({ batch: join(dir, 'batch.yaml'), out, find: false, target: undefined, maxCells: 64, yes: false, workers: 0, resume: true, quiet: true });
  const cutOff = 'cell failure=C-E: entry "from-E": router "E" is cut off: none of its traffic has a route, so its packets are lost';
  assert.ok(r.summary.includes(cutOff), r.summary);
  assert.ok(r.summary.includes('cell failure=C-E: 8 ordered router pair(s) with traffic have no route'), r.summary);
  assert.not.ok(r.summary.includes('cell failure=A-B:'), 'A-B has a detour: nothing cut off');
  // An outage past the 2 s horizon never happens: said, not run silently as the base.
  assert.ok(r.summary.includes('cell failure=late: 2 timed link change (linkDown / linkUp / linkMetric) change(s) at or after the horizon of 2 s never take effect in this run: the routed network at 3600 s, the routed network at 7200 s'), r.summary);

  // Two replications and no failure anywhere: every upper bound ties, and the worst node named is the busiest, not the first router.
  const calm = r.cells.filter((c) => c.nodes.every((n) => n.failures === 0));
  assert.ok(calm.length > 0);
  for (const c of calm) {
    const busiest = c.nodes.reduce((w, n) => ((n.utilization.mean ?? -1) > (w.utilization.mean ?? -1) ? n : w));
    assert.is(c.worst.node, busiest.node, `cell ${c.id}`);
    assert.ok(c.worst.node.includes('->'), `a link station: ${c.worst.node}`);
  }
  const cells = JSON.parse(await readFile(join(out, 'cells.json'), 'utf8')) as { warnings: string[] };
  assert.ok(cells.warnings.includes(cutOff), cells.warnings.join('\n'));
  assert.ok((await readFile(join(out, 'report.html'), 'utf8')).includes('cell failure=C-E: entry &quot;from-E&quot;'), 'report.html lists the warning');
}));

test.run();
