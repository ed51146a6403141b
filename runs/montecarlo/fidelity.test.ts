/**
 * Validation of --fidelity screened: on the shop and on a generated
 * 100-service twin, every node simulated in full keeps its P(fail) and its
 * mean latency within the full simulation's intervals (same seed, short
 * horizons so the file stays under 20 s), and the screened run simulates
 * fewer events.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../paths.js';
import { loadTwinFile, twinFromObject } from '../../twins/definition/load.js';
import type { Twin } from '../../twins/definition/types.js';
import { generateMicroservices } from '../../twins/generate/microservices.js';
import { assessRisk } from '../../twins/risk.js';
import { runMonteCarlo } from './runner.js';
import { runScreened } from './fidelity.js';

const LEVEL = 0.99;

async function compare(twin: Twin, horizon: number, replications: number, pilot: number, margin: number): Promise<{ checked: number; screened: number; ratio: number; seconds: [number, number] }> {
  const settings = { seed: 11, horizon, reportWindow: 60 };
  const full = await runMonteCarlo(twin, { settings, replications, workers: 0 });
  const fullRisk = assessRisk(full.summary, LEVEL);
  const s = await runScreened(twin, { settings, replications, workers: 0, pilotReplications: pilot, level: LEVEL, entryRates: twin.entries.map((e) => (e.arrival.kind === 'constant' ? e.arrival.rate * margin : 0)) });
  const screened = new Set(s.fidelity.screened.map((n) => n.id));
  assert.ok(screened.size > 0, 'something is screened');
  let checked = 0;
  s.risk.nodes.forEach((n, i) => {
    if (screened.has(n.id)) {
      assert.is(n.replications, pilot, `${n.id}: a screened node carries the pilot's figures`);
      return;
    }
    const f = fullRisk.nodes[i]!;
    assert.ok(n.pFail.mean >= f.pFail.lo - 1e-12 && n.pFail.mean <= f.pFail.hi + 1e-12, `${n.id}: P(fail) ${n.pFail.mean} outside the full run's [${f.pFail.lo}, ${f.pFail.hi}]`);
    const m = n.figures.meanLatency, fm = f.figures.meanLatency;
    if (fm.lo !== null && fm.hi !== null && m.lo !== null && m.hi !== null) {
      // Two estimates, each with its own noise: their 99 % intervals must meet (a point of one inside the other's
      // interval would fail for a share of the ~50 nodes checked even with no bias at all).
      assert.ok(m.lo <= fm.hi && m.hi >= fm.lo, `${n.id}: mean latency [${m.lo}, ${m.hi}] does not meet the full run's [${fm.lo}, ${fm.hi}]`);
      checked++;
    }
  });
  return { checked, screened: screened.size, ratio: full.summary.events / s.fidelity.events.reduced, seconds: [full.seconds, s.fidelity.seconds.reduced] };
}

test('shop: nodes simulated in full keep P(fail) and mean latency within the full run\'s 99 % intervals', async () => {
  const twin = await loadTwinFile(join(REPO_ROOT, 'twins/examples/shop.yaml'));
  const r = await compare(twin, 60, 10, 4, 1.5);
  assert.ok(r.checked >= 4, `checked ${r.checked}`);
  console.log(`  shop: ${r.screened} screened, full/reduced events per replication ${r.ratio.toFixed(2)}x, seconds ${r.seconds.map((x) => x.toFixed(1)).join(' vs ')} (pilot apart)`);
});

test('generated 100-service twin: the same, with fewer events simulated', async () => {
  const input = generateMicroservices({ services: 100, seed: 1, rate: 6 });
  const twin = twinFromObject(input, { source: 'generated' });
  // The pilot's response times stand in for screened callees: it needs enough of them (here 6 x 90 s).
  const r = await compare(twin, 90, 10, 6, 1.5);
  assert.ok(r.checked >= 20, `checked ${r.checked}`);
  // Per replication (the pilot is a fixed cost, small beside a long run's replications).
  assert.ok(r.ratio > 1.1, `full/reduced events per replication ${r.ratio}`);
  console.log(`  microservices-100: ${r.screened} screened, full/reduced events per replication ${r.ratio.toFixed(2)}x, seconds ${r.seconds.map((x) => x.toFixed(1)).join(' vs ')} (pilot apart)`);
});

test.run();
