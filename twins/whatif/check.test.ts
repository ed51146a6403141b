/**
 * Batch files are checked like twin files: every problem at once, each at
 * its place in the batch with line and column, unknown keys and names with
 * "did you mean", values a twin could not hold refused where written, and
 * combinations that break a twin rule named by their cell.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDocument, LineCounter } from 'yaml';
import { TwinSpecError, type TwinProblem } from '../definition/errors.js';
import { loadTwinFile, readSpecText } from '../definition/load.js';
import { exampleFile } from '../examples/paths.js';
import { prepareCells } from './cells.js';
import { checkBatch, type BatchDocument } from './check.js';
import { expandGrid, gridSize } from './grid.js';

const shop = await loadTwinFile(exampleFile('shop.yaml'));

/** A batch document from YAML text, with a locator like the file reader's. */
function doc(text: string): BatchDocument {
  const lines = new LineCounter();
  const d = parseDocument(text, { lineCounter: lines });
  return {
    source: 'batch.yaml',
    data: d.toJS(),
    locate: (path) => {
      for (let n = path.length; n >= 0; n--) {
        const node = d.getIn(path.slice(0, n), true) as { range?: [number] } | undefined;
        if (node?.range) {
          const p = lines.linePos(node.range[0]);
          return { line: p.line, column: p.col };
        }
      }
      return undefined;
    },
  };
}

function problems(run: () => unknown): TwinProblem[] {
  try {
    run();
  } catch (e) {
    assert.instance(e, TwinSpecError);
    return [...(e as TwinSpecError).problems];
  }
  assert.unreachable('expected problems');
  return [];
}

const find = (list: readonly TwinProblem[], path: string): TwinProblem => {
  const p = list.find((q) => q.path === path);
  assert.ok(p, `no problem at ${path}; got:\n${list.map((q) => `${q.path}: ${q.message}`).join('\n')}`);
  return p!;
};

test('unknown keys get "did you mean", with their line', () => {
  const list = problems(() => checkBatch(doc('twin: shop.yaml\nreplicatons: 10\naxes:\n  load: [1]\n'), shop));
  const p = find(list, 'replicatons');
  assert.match(p.message, /did you mean "replications"/);
  assert.is(p.line, 2);
});

test('every bad axis at once: unknown nodes, entries and fields, impossible and repeated values, bad deltas', () => {
  const text = [
    'twin: shop.yaml',
    'axes:',
    '  productcatalg.replicas: [1, 2]',
    '  productcatalog.replics: [1, 2]',
    '  shoppers.load: [1.5]',
    '  frontend.replicas: [2, 9, 1]',
    '  productcatalog.servers: [4, 0, 4]',
    '  currency.memLimit: [256Mi]',
    '  load: [1.2, -1]',
    '  fix:',
    '    none: []',
    '    breaker: [{ op: circuitBreaker, node: frontend, to: productcatalog, failureRatio: 2, window: 10s, minCalls: 5, openFor: 30s }]',
    '  colour: [red]',
  ].join('\n') + '\n';
  const list = problems(() => checkBatch(doc(text), shop));
  if (process.env.SHADOWCAST_VERBOSE) console.log(list);
  assert.match(find(list, 'axes["productcatalg.replicas"]').message, /unknown node id "productcatalg" \(did you mean "productcatalog"\?\)/);
  assert.match(find(list, 'axes["productcatalog.replics"]').message, /unknown field "replics" \(did you mean "replicas"\?\)/);
  assert.match(find(list, 'axes["shoppers.load"]').message, /unknown entry id "shoppers": .*\(entries: users\)/);
  // The frontend autoscales within [2, 8]: 9 and 1 are outside, each at its own place.
  assert.match(find(list, 'axes["frontend.replicas"][1]').message, /within autoscale \[2, 8\], got 9/);
  assert.match(find(list, 'axes["frontend.replicas"][2]').message, /within autoscale \[2, 8\], got 1/);
  assert.match(find(list, 'axes["productcatalog.servers"][1]').message, /expected a number >= 1, got 0/);
  assert.match(find(list, 'axes["productcatalog.servers"][2]').message, /listed twice \(first at \[0\]\)/);
  assert.match(find(list, 'axes["currency.memLimit"][0]').message, /declares no resources/);
  assert.match(find(list, 'axes.load[1]').message, /> 0/);
  assert.match(find(list, 'axes.fix.breaker[0].failureRatio').message, /<= 1/);
  assert.match(find(list, 'axes.colour').message, /load, <entry>.load or <node>.<field>/);
  assert.is(find(list, 'axes["frontend.replicas"][1]').line, 6);
  assert.is(list.length, 11, list.map((p) => `${p.path}: ${p.message}`).join('\n'));
});

test('settings: durations with units, a warm-up not shorter than the horizon refused', () => {
  const batch = checkBatch(doc('twin: shop.yaml\nhorizon: 30m\nwindow: 1m\naxes:\n  load: [1]\n'), shop);
  assert.is(batch.settings.horizon, 1800);
  assert.is(batch.settings.window, 60);
  assert.is(batch.settings.replications, 200);
  const list = problems(() => checkBatch(doc('twin: shop.yaml\nhorizon: 10m\nwarmup: 1h\naxes:\n  load: [1]\n'), shop));
  assert.match(find(list, 'warmup').message, /shorter than the horizon/);
});

test('settings: a window written longer than the horizon is refused at its line; the default window under a short horizon is one window', () => {
  const list = problems(() => checkBatch(doc('twin: shop.yaml\nhorizon: 5m\nwindow: 10m\naxes:\n  load: [1]\n'), shop));
  const at = find(list, 'window');
  assert.is(at.message, 'expected at most the horizon (300 s), got 600 s (the only window would be cut at the horizon)');
  assert.is(at.line, 3);
  assert.is(checkBatch(doc('twin: shop.yaml\nhorizon: 2m\naxes:\n  load: [1]\n'), shop).settings.window, 300);
  assert.is(checkBatch(doc('twin: shop.yaml\nhorizon: 5m\nwindow: 5m\naxes:\n  load: [1]\n'), shop).settings.window, 300);
});

test('the grid: every combination, first axis slowest; ids and deltas in axis order', () => {
  const batch = checkBatch(doc('twin: shop.yaml\naxes:\n  load: [1.0, 1.2, 1.5]\n  productcatalog.replicas: [1, 2, 3, 4]\n'), shop);
  assert.is(gridSize(batch.axes), 12);
  const cells = expandGrid(batch.axes);
  assert.equal(cells.slice(0, 5).map((c) => c.id), [
    'load=1 productcatalog.replicas=1', 'load=1 productcatalog.replicas=2', 'load=1 productcatalog.replicas=3', 'load=1 productcatalog.replicas=4', 'load=1.2 productcatalog.replicas=1',
  ]);
  assert.equal(cells[6]!.deltas, [{ op: 'loadScale', factor: 1.2 }, { op: 'replicas', node: 'productcatalog', replicas: 3 }]);
  assert.equal(cells[11]!.coordinates, [2, 3]);
});

test('values fine alone but not together are named by their cell', () => {
  // An autoscaler with max 4 from one axis, 8 replicas from another: only that combination breaks the twin rule.
  const text = 'twin: shop.yaml\naxes:\n  productcatalog.replicas: [2, 8]\n  productcatalog.autoscale: [null, { target: 0.6, min: 1, max: 4 }]\n';
  const d = doc(text);
  const batch = checkBatch(d, shop);
  const list = problems(() => prepareCells(batch, d, shop, null));
  assert.is(list.length, 1, list.map((p) => p.message).join('\n'));
  assert.match(list[0]!.message, /^cell productcatalog.replicas=8 productcatalog.autoscale=\{"target":0.6,"min":1,"max":4\}: the values together break a twin rule: .*within autoscale \[1, 4\], got 8/);
});

test('a value that holds once another axis changes its node is kept; only the cells where it breaks a rule are named', () => {
  // 9 replicas are outside the frontend's autoscaler [2, 8], but not once an axis removes the autoscaler.
  const alone = 'twin: shop.yaml\naxes:\n  frontend.autoscale: [null]\n  frontend.replicas: [9]\n';
  const d = doc(alone);
  const batch = checkBatch(d, shop);
  const cells = prepareCells(batch, d, shop, null);
  assert.is(cells.length, 1);
  assert.is(cells[0]!.twin.nodes[shop.indexOf.get('frontend')!]!.replicas, 9);
  // Keeping the autoscaler in one cell: that cell, and only that one, is named.
  const mixed = doc('twin: shop.yaml\naxes:\n  frontend.autoscale: [null, { target: 0.6, min: 2, max: 8 }]\n  frontend.replicas: [9]\n');
  const list = problems(() => prepareCells(checkBatch(mixed, shop), mixed, shop, null));
  assert.is(list.length, 1, list.map((p) => p.message).join('\n'));
  assert.match(list[0]!.message, /^cell frontend.autoscale=\{.*\} frontend.replicas=9: .*within autoscale \[2, 8\], got 9/);
  // An axis on another node does not rescue the value: it is refused where written.
  const other = problems(() => checkBatch(doc('twin: shop.yaml\naxes:\n  productcatalog.autoscale: [null]\n  frontend.replicas: [9]\n'), shop));
  assert.match(find(other, 'axes["frontend.replicas"][0]').message, /within autoscale \[2, 8\], got 9/);
});

test('the state snapshot is checked against each cell\'s twin', async () => {
  const d = doc('twin: shop.yaml\naxes:\n  productcatalog.servers: [1, 4]\n');
  const batch = checkBatch(d, shop);
  const file = exampleFile('shop-state.json');
  const state = { source: file, ...(await readSpecText(file)) };
  const list = problems(() => prepareCells(batch, d, shop, state));
  assert.is(list.length, 1);
  assert.match(list[0]!.message, /^cell productcatalog.servers=1: the snapshot does not fit this cell's twin: .*shop-state.json:7:\d+: nodes.productcatalog.busy\[0\]: expected at most 1 busy workers per replica, got 4$/);
});

test('.inf and .nan: one line per bad value, where it is written (not again by the schema or the scenario rules)', () => {
  const text = 'twin: shop.yaml\nreplications: .inf\nhorizon: .nan\naxes:\n  load: [1, .inf]\n  productcatalog.replicas: [.nan, 2]\n  slow:\n    a: [{ op: serviceScale, node: productcatalog, factor: .inf }]\n';
  const list = problems(() => checkBatch(doc(text), shop));
  assert.equal(list.map((q) => [q.line, q.path, q.message]), [
    [2, 'replications', 'expected a finite number, got Infinity'],
    [3, 'horizon', 'expected a finite number, got NaN'],
    [5, 'axes.load[1]', 'expected a finite number, got Infinity'],
    [6, 'axes["productcatalog.replicas"][0]', 'expected a finite number, got NaN'],
    [8, 'axes.slow.a[0].factor', 'expected a finite number, got Infinity'],
  ]);
});

test.run();
