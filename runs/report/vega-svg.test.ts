import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderVegaLiteSvg } from './vega-svg.js';

test('a bar chart renders to an SVG with one rect per value', async () => {
  const svg = await renderVegaLiteSvg({
    data: { values: [{ node: 'a', p: 0.1 }, { node: 'b', p: 0.4 }, { node: 'c', p: 0.2 }] },
    mark: 'bar',
    encoding: { x: { field: 'node', type: 'nominal' }, y: { field: 'p', type: 'quantitative' } },
  });
  assert.ok(svg.startsWith('<svg'), svg.slice(0, 40));
  assert.ok(svg.includes('</svg>'));
  const bars = svg.match(/class="mark-rect role-mark/g) ?? [];
  assert.is(bars.length, 1, 'one mark group');
  assert.is((svg.match(/<path aria-label="node: /g) ?? []).length, 3, 'three bars');
});

test.run();
