import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sloWindowWarnings } from './risk.js';

const node = (id: string, window: number | null) => ({ id, slo: window === null ? null : { window } });

test('a horizon shorter than a node\'s SLO window is warned about, naming the nodes; a long enough one is not', () => {
  const nodes = [node('api', 60), node('db', 600), node('cache', null)];
  assert.equal(sloWindowWarnings(nodes, 3600), []);
  const w = sloWindowWarnings(nodes, 300);
  assert.is(w.length, 1);
  assert.match(w[0]!, /measured stretch of 300 s .* SLO window of 1 node\(s\): db \(600 s\); their P\(fail\) is 0 because/);
  // The warm-up is not measured: 700 s with 200 s of warm-up leaves 500 s.
  assert.match(sloWindowWarnings(nodes, 700, 200)[0]!, /500 s .*db/);
});

test.run();
