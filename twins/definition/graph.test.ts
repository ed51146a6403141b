import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildTwinGraph, neighbourhood, reachableFromEntries, routeTraps, syncCallCycles } from './graph.js';
import { loadTwinFile, parseTwinText, twinFromObject } from './load.js';
import type { ForecastBundle } from '../../models/forecast.js';
import { bindForecast, forecastCoverageWarnings } from '../forecast-refs.js';
import { TwinSpecError } from './errors.js';
import { exampleFile } from '../examples/paths.js';


test('shop graph: call edges keyed, neighbourhoods, reachability', async () => {
  const twin = await loadTwinFile(exampleFile('shop.yaml'));
  const g = buildTwinGraph(twin);
  assert.is(g.order, 12);
  assert.ok(g.hasEdge('frontend->currency#0'));
  assert.ok(g.hasEdge('checkout->shipping#1')); // the second checkout -> shipping call
  assert.is(g.getEdgeAttribute('checkout->email#0', 'mode'), 'async');
  assert.equal([...neighbourhood(g, ['cart'], 1)].sort(), ['cart', 'cartcache', 'checkout', 'frontend']);
  assert.is(neighbourhood(g, ['catalogdb'], 0).size, 1);
  assert.is(reachableFromEntries(twin, g).size, 12);
  assert.equal(syncCallCycles(twin), []);
  assert.equal(routeTraps(twin, g), []);
});

test('network graph: fixed paths become path edges', async () => {
  const twin = await loadTwinFile(exampleFile('network.yaml'));
  const g = buildTwinGraph(twin);
  assert.ok(g.hasEdge('A->A->C#0#path'));
  assert.ok(g.hasEdge('A->C#0->C#path'));
  // B->C#0 to C->B#0: both directions of one link are distinct stations.
  assert.not.ok(g.hasEdge('B->C#0->B#path'));
  assert.ok(neighbourhood(g, ['A->C#0'], 1).has('A'));
});

test('unreachable nodes are warnings, not errors', () => {
  const { data } = parseTwinText('name: t\nnodes:\n  - { id: a, service: { type: exponential, mean: 1 } }\n  - { id: b, service: { type: exponential, mean: 1 } }\nentries:\n  - { node: a, rate: 1 }\n', 't.yaml');
  const twin = twinFromObject(data, { source: 't.yaml' });
  assert.equal(twin.warnings, ['1 node(s) receive no traffic from any entry: b']);
});

const bundle = (node: string, metric: string, values: number[]): ForecastBundle => ({
  startMs: 0, stepMs: 60000, steps: values.length, paths: 1, seed: 1,
  series: [{ node, metric, model: 'test', quantiles: new Map(), paths: Float32Array.from(values), notes: [] }],
});

test('forecast entries bind to series by node and metric', () => {
  const text = 'name: f\nnodes:\n  - { id: web, service: { type: exponential, mean: 1 } }\nentries:\n  - { node: web, rate: 3 }\n  - { node: web, forecast: {} , scale: 0.5 }\n';
  const twin = twinFromObject(parseTwinText(text, 'f.yaml').data, { source: 'f.yaml' });
  assert.equal(twin.entries[1]!.arrival, { kind: 'forecast', node: 'web', metric: 'rate', scale: 0.5 });
  const ok = bindForecast(twin, bundle('web', 'rate', [1, -2, 3]), 'fc/');
  assert.is(ok.used, true);
  // Only the forecast-driven entry (entries[1]) is bound: its negative value is reported, the constant entry is skipped.
  assert.equal(ok.warnings, ['entries[1] (web#1): 1 negative sample-path value(s) in web/rate, to be read as rate 0']);
  assert.throws(() => bindForecast(twin, bundle('web', 'cpu', [1]), 'fc/'), (e: unknown) => e instanceof TwinSpecError && /entries\[1\]\.forecast: no series web\/rate in forecast fc\/ \(it has: web\/cpu\)/.test(e.message));
});

test('a forecast bound to a twin with no forecast-driven entry is not used, and says so', () => {
  const twin = twinFromObject(parseTwinText('name: f\nnodes:\n  - { id: web, service: { type: exponential, mean: 1 } }\nentries:\n  - { node: web, rate: 3 }\n', 'f.yaml').data, { source: 'f.yaml' });
  assert.equal(bindForecast(twin, bundle('web', 'rate', [1, 2]), 'fc/'), {
    used: false,
    warnings: ["the forecast fc/ is not used: no entry of f.yaml follows a forecast (an entry's forecast: {node, metric}, docs/twin-spec.md), so every rate is the twin's own"],
  });
});

test('a run longer than the forecast is said once, naming the entries that stay at the last rate', () => {
  const text = 'name: f\nnodes:\n  - { id: web, service: { type: exponential, mean: 1 } }\nentries:\n  - { node: web, rate: 3 }\n  - { node: web, forecast: {} , scale: 0.5 }\n';
  const twin = twinFromObject(parseTwinText(text, 'f.yaml').data, { source: 'f.yaml' });
  const b = bundle('web', 'rate', [1, 2, 3]);
  assert.equal(forecastCoverageWarnings(twin, b, 180), []);
  assert.equal(forecastCoverageWarnings(twin, b, 181), ["the forecast covers 180 s (3 steps of 60 s) and the run 181 s: from 180 s on, web#1 stays at the last step's rate (forecast further, or shorten the horizon)"]);
});

test.run();
