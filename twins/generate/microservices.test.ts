import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { twinFromObject } from '../definition/load.js';
import { twinInputToText } from '../definition/write.js';
import { screenTwin } from '../fidelity/screen.js';
import { generateMicroservices } from './microservices.js';

test('same seed, same twin; another seed, another twin', () => {
  const a = twinInputToText(generateMicroservices({ services: 100, seed: 7, rate: 50 }), 'yaml');
  assert.is(twinInputToText(generateMicroservices({ services: 100, seed: 7, rate: 50 }), 'yaml'), a);
  assert.is.not(twinInputToText(generateMicroservices({ services: 100, seed: 8, rate: 50 }), 'yaml'), a);
});

test('the shape of published call graphs: most services leaves, heavy-tailed fan-out, depth 2-6, hot spots at 0.8-0.9', () => {
  for (const seed of [1, 2, 3]) {
    const twin = twinFromObject(generateMicroservices({ services: 100, seed, rate: 50 }), { source: `seed ${seed}` });
    assert.is(twin.nodes.length, 100);
    const fanout = twin.nodes.map((n) => n.callGroups.reduce((k, g) => k + g.calls.length, 0));
    assert.ok(fanout.filter((f) => f === 0).length >= 50, 'at least half are leaves');
    assert.ok(Math.max(...fanout) >= 8, `a service calls many (max fan-out ${Math.max(...fanout)})`);
    const depths = twin.nodes.map((n) => Number(n.attributes.depth));
    assert.ok(Math.max(...depths) >= 4 && Math.max(...depths) <= 6);
    assert.ok(twin.nodes.some((n) => n.callGroups.some((g) => g.calls.some((c) => c.mode === 'async'))));
    assert.ok(twin.nodes.some((n) => n.callGroups.some((g) => g.calls.some((c) => c.optional))));
    const screen = screenTwin(twin, twin.entries.map((e) => (e.arrival.kind === 'constant' ? e.arrival.rate : 0)));
    const hot = twin.nodes.filter((n) => n.attributes.hot === true);
    assert.ok(hot.length >= 2);
    for (const n of hot) assert.ok(screen.nodes[n.index]!.rho > 0.79 && screen.nodes[n.index]!.rho < 0.91, `${n.id}: ${screen.nodes[n.index]!.rho}`);
    assert.ok(twin.entries.length >= 2 && twin.entries.every((e) => twin.nodes[e.node]!.callGroups.length > 0));
  }
});

test('bad options are refused with what was expected', () => {
  assert.throws(() => generateMicroservices({ services: 1, seed: 1, rate: 50 }), /services: expected a whole number from 2/);
  assert.throws(() => generateMicroservices({ services: 10, seed: 1, rate: 0 }), /rate: expected a number > 0/);
});

test.run();
