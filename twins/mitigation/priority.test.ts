/**
 * The candidate budget: nodes most likely first, the likely cause before
 * its symptoms on a tie, and strategies spread over the nodes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadTwinFile } from '../definition/load.js';
import { exampleFile } from '../examples/paths.js';
import { byLikelyCause, interleaveByNode } from './priority.js';
import type { Anomaly, Strategy } from './types.js';

const shop = await loadTwinFile(exampleFile('shop.yaml'));

const anomaly = (node: string, mean: number, condition: string | null): Anomaly => ({
  id: `risk:${node}:${condition ?? 'none'}`, source: 'risk', node, severity: 'critical', summary: node,
  evidence: { source: 'risk', pFail: { mean, lo: mean / 2, hi: Math.min(1, mean * 1.5) }, threshold: 0.05, condition, timeToFailure: null },
});

test('ties: own-cause conditions first, then the callee before the at-risk nodes that call it; a likelier node still leads', () => {
  // All at 100 %: frontend (errors) calls productcatalog (oom) and recommendation (latency), which calls productcatalog too.
  const given = [anomaly('frontend', 1, 'errors'), anomaly('recommendation', 1, 'latency'), anomaly('productcatalog', 1, 'oom')];
  assert.equal(byLikelyCause(shop, given).map((a) => a.node), ['productcatalog', 'recommendation', 'frontend']);
  // Two symptoms alike: the one called by the other goes first.
  assert.equal(byLikelyCause(shop, [anomaly('frontend', 1, 'latency'), anomaly('recommendation', 1, 'latency')]).map((a) => a.node), ['recommendation', 'frontend']);
  // Risk decides before cause.
  assert.equal(byLikelyCause(shop, [anomaly('productcatalog', 0.2, 'oom'), anomaly('frontend', 0.9, 'errors')]).map((a) => a.node), ['frontend', 'productcatalog']);
});

test('strategies are taken one per node in turn, so a small budget reaches every node', () => {
  const anomalies = [anomaly('productcatalog', 1, 'oom'), anomaly('frontend', 1, 'errors')];
  const s = (id: string, node: string): Strategy => ({ id, addresses: [`risk:${node}:${node === 'frontend' ? 'errors' : 'oom'}`] }) as unknown as Strategy;
  const generated = [s('f1', 'frontend'), s('f2', 'frontend'), s('f3', 'frontend'), s('p1', 'productcatalog'), s('p2', 'productcatalog')];
  assert.equal(interleaveByNode(generated, anomalies).map((x) => x.id), ['p1', 'f1', 'p2', 'f2', 'f3']);
});

test.run();
