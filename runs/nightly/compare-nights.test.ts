import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wilsonInterval } from '../../engine/index.js';
import { zOf } from '../../twins/mitigation/evaluate-stats.js';
import { changesSince } from './compare-nights.js';

const NODES = ['ad', 'cart', 'email'];
const interval = (failures: number, n: number, level: number) => {
  const w = wilsonInterval(failures, n, zOf(level));
  return { mean: failures / n, lo: w.lo, hi: w.hi };
};
const night = (failures: number, n: number, level: number | null) => ({
  replications: n, level,
  nodes: NODES.map((node) => ({ runId: 'a', night: '2026-11-22', node, pFail: failures / n, ...(({ lo, hi }) => ({ lo, hi }))(interval(failures, n, level ?? 0.95)), condition: null, timeToFailure: null })),
});
const tonight = (failures: number, n: number, level: number) => NODES.map((node) => ({ node, pFail: interval(failures, n, level), failures, replications: n }));

test('0 failures against 0 failures is never a change: fewer replications or another level move the bound over the threshold, nothing more', () => {
  // Night A: 12 replications at 90 % (upper bound 18.4 %); night B: 8 at 95 % (32.4 %), threshold 30 %.
  const c = changesSince(night(0, 12, 0.9), tonight(0, 8, 0.95), 0.3, 0.95)!;
  assert.ok(Math.abs(c[0]!.before!.hi - 0.184) < 0.001 && Math.abs(c[0]!.now.hi - 0.324) < 0.001, `${c[0]!.before!.hi} ${c[0]!.now.hi}`);
  assert.equal(c.map((x) => x.change), ['bound moved', 'bound moved', 'bound moved']);
  // The other way round: not "resolved" either.
  assert.equal(changesSince(night(0, 8, 0.95), tonight(0, 12, 0.95), 0.3, 0.95)!.map((x) => x.change), ['bound moved', 'bound moved', 'bound moved']);
  // Same counts, another level, no crossing: the levels differ, said so rather than "same".
  assert.equal(changesSince(night(0, 12, 0.9), tonight(0, 12, 0.95), 0.5, 0.95)!.map((x) => x.change), ['levels differ', 'levels differ', 'levels differ']);
  assert.equal(changesSince(night(0, 12, 0.95), tonight(0, 12, 0.95), 0.5, 0.95)!.map((x) => x.change), ['same', 'same', 'same']);
});

test('a change beyond noise is still reported: new risk, resolved, higher, lower', () => {
  assert.equal(changesSince(night(0, 40, 0.95), tonight(30, 40, 0.95), 0.3, 0.95)![0]!.change, 'new risk');
  assert.equal(changesSince(night(30, 40, 0.95), tonight(0, 40, 0.95), 0.3, 0.95)![0]!.change, 'resolved');
  assert.equal(changesSince(night(20, 40, 0.95), tonight(38, 40, 0.95), 0.3, 0.95)![0]!.change, 'higher');
  assert.equal(changesSince(night(38, 40, 0.95), tonight(20, 40, 0.95), 0.3, 0.95)![0]!.change, 'lower');
  assert.is(changesSince(null, tonight(0, 8, 0.95), 0.3, 0.95), null);
});

test.run();
