/**
 * A routed five-router network simulated packet by packet: the throughput of
 * every link direction equals the uniform gravity rates routed by hand (each
 * ordered pair 1 packet/s, summed over the pairs whose shortest path crosses
 * the link), within 5 % (about 4 standard errors at these counts); every
 * packet reaches its destination (light load, no loss).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinFromObject } from '../definition/load.js';
import { runTwinReplication } from '../flow/simulate.js';
import { FIVE_LINKS, routedTwin } from './test-support.js';

const HORIZON = 2000;

test('per-link throughput equals the gravity rates routed by hand', () => {
  const twin = twinFromObject(routedTwin(FIVE_LINKS, { traffic: { gravity: {} } }, ['A', 'B', 'C', 'D', 'E'].map((r) => ({ id: `from-${r}`, node: r, rate: 4 }))), { source: 'five' });
  // Pairs per direction, from the paths of routing.test.ts (AB, ABC, AD, ABCE, BA, BC, BCD, BCE, CBA, ...).
  const byHand: Record<string, number> = {
    'A->B#0': 3, 'B->A#0': 3, 'B->C#0': 5, 'C->B#0': 5, 'A->D#0': 1, 'D->A#0': 1, 'D->C#0': 3, 'C->D#0': 3, 'C->E#0': 4, 'E->C#0': 4,
  };
  const model = runTwinReplication(twin, { horizon: HORIZON, reportWindow: HORIZON, seed: 5 }, 0);
  for (const [id, rate] of Object.entries(byHand)) {
    const seen = model.nodes[twin.indexOf.get(id)!]!.obs.arrivals / HORIZON;
    assert.ok(Math.abs(seen - rate) / rate < 0.05, `${id}: ${seen} packets/s, by hand ${rate}`);
  }
  // Every router receives what is bound for it: 4 origins x 1 packet/s, plus what it sends and forwards.
  const sent = model.entries.reduce((s, e) => s + e.arrivals, 0);
  const ok = model.entries.reduce((s, e) => s + e.ok, 0);
  assert.ok(sent > 0.95 * 20 * HORIZON && ok >= sent - 50, `sent ${sent}, answered ok ${ok}`);
  // Same seed, same run.
  const again = runTwinReplication(twin, { horizon: HORIZON, reportWindow: HORIZON, seed: 5 }, 0);
  assert.equal(again.nodes.map((n) => n.obs.arrivals), model.nodes.map((n) => n.obs.arrivals));
});

test.run();
