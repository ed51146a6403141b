/**
 * An N-1 what-if batch on a routed network: a labelled axis of link failures
 * on the square A-B-C-D with the diagonal A-C (routed by hand: D->B ties
 * D-A-B with D-C-B and takes A, the first by router order). Each cell's
 * twin gets rebuilt tables and its short run follows them; a failure the
 * diagonal carries nothing for runs exactly as the base (common random
 * numbers); a bad link in a cell is refused at its place in the batch.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TwinSpecError } from '../definition/errors.js';
import { twinFromObject } from '../definition/load.js';
import { runTwinReplication } from '../flow/simulate.js';
import { routedTwin, SQUARE } from '../network/test-support.js';
import { prepareCells } from './cells.js';
import { checkBatch, type BatchDocument } from './check.js';

const base = twinFromObject(routedTwin(SQUARE, { traffic: { rows: [['A', 'B', 1], ['D', 'B', 1]] } }, [
  { id: 'from-A', node: 'A', rate: 20 }, { id: 'from-D', node: 'D', rate: 20 },
]), { source: 'square.yaml' });
const doc = (failure: Record<string, unknown[]>): BatchDocument => ({
  source: 'batch.yaml',
  data: { twin: 'square.yaml', replications: 2, horizon: '100s', window: '100s', axes: { failure } },
});

test('a labelled link-failure axis: each cell routes round its failed link', () => {
  const d = doc({ none: [], 'A-B': [{ op: 'linkDown', between: ['A', 'B'] }], 'A-C': [{ op: 'linkDown', between: ['A', 'C'] }] });
  const cells = prepareCells(checkBatch(d, base), d, base, null);
  assert.equal(cells.map((c) => c.id), ['failure=none', 'failure=A-B', 'failure=A-C']);
  const H = 100;
  const runs = cells.map((c) => ({ twin: c.twin, model: runTwinReplication(c.twin, { horizon: H, reportWindow: H, seed: 7 }, 0) }));
  const at = (k: number, id: string) => runs[k]!.model.nodes[base.indexOf.get(id)!]!.obs.arrivals;
  const sent = runs[0]!.model.entries.map((e) => e.arrivals);
  assert.ok(sent.every((n) => Math.abs(n / H - 20) < 2), `${sent}`);
  // none: both flows cross A->B (D->B by D-A-B).
  assert.is(at(0, 'A->B#0'), sent[0]! + sent[1]!);
  // A-B down: A->B by A-C-B, D->B by D-C-B; nothing on A-B either way.
  assert.equal(runs[1]!.model.entries.map((e) => e.arrivals), sent, 'same arrivals per entry: common random numbers');
  assert.is(at(1, 'A->B#0'), 0);
  assert.is(at(1, 'A->C#0'), sent[0]!);
  assert.is(at(1, 'D->C#0'), sent[1]!);
  assert.is(at(1, 'C->B#0'), sent[0]! + sent[1]!);
  // A-C down: the diagonal carried nothing: the same run as the base, packet for packet.
  assert.equal(runs[2]!.model.nodes.map((n) => n.obs.arrivals), runs[0]!.model.nodes.map((n) => n.obs.arrivals));
});

test('a cell whose link does not exist is refused at its place in the batch', () => {
  try {
    checkBatch(doc({ none: [], bad: [{ op: 'linkDown', between: ['B', 'D'] }] }), base);
    assert.unreachable('expected problems');
  } catch (e) {
    assert.instance(e, TwinSpecError);
    const list = (e as TwinSpecError).problems.map((p) => `${p.path}: ${p.message}`);
    assert.equal(list, ['axes.failure.bad[0].between: no link between "B" and "D" in network.links ("B" links to "A", "C")']);
  }
});

test.run();
