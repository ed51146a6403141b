/**
 * What graphml.ts refuses, and where it says the problem is: impossible
 * coordinates and capacities (a typo that a fallback would hide), edges to
 * unknown nodes, repeated node and edge ids; each with its line, in our words
 * rather than graphology's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TwinSpecError } from '../definition/errors.js';
import { parseZooGraphml } from './graphml.js';

/** A small GraphML file: the keys of a Zoo file (coordinates typed double, LinkSpeedRaw double, LinkNote string), then the given elements, one per line from line 9. */
function graphml(...elements: string[]): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    '  <key attr.name="label" attr.type="string" for="node" id="d1" />',
    '  <key attr.name="Latitude" attr.type="double" for="node" id="d2" />',
    '  <key attr.name="Longitude" attr.type="double" for="node" id="d3" />',
    '  <key attr.name="LinkSpeedRaw" attr.type="double" for="edge" id="d4" />',
    '  <key attr.name="LinkSpeedRaw" attr.type="string" for="edge" id="d5" />',
    '  <graph edgedefault="undirected">',
    ...elements.map((e) => `    ${e}`),
    '  </graph>',
    '</graphml>',
  ].join('\n');
}

const node = (id: string, lat?: string, lon?: string): string =>
  `<node id="${id}">${lat !== undefined ? `<data key="d2">${lat}</data>` : ''}${lon !== undefined ? `<data key="d3">${lon}</data>` : ''}</node>`;

/** The problems of a refused file, as (line, path, message). */
function problems(xml: string): { line: number | undefined; path: string; message: string }[] {
  try {
    parseZooGraphml(xml, 'x.graphml');
  } catch (e) {
    assert.ok(e instanceof TwinSpecError, String(e));
    return (e as TwinSpecError).problems.map((p) => ({ line: p.line, path: p.path, message: p.message }));
  }
  throw new Error('expected the file to be refused');
}

test('a Latitude or Longitude outside [-90, 90] / [-180, 180], or not a number, is refused at its line', () => {
  const got = problems(graphml(node('a', '1000', '10'), node('b', '10', '-181'), node('c', 'north', '0'), node('d', '45', 'NaN'), '<edge source="a" target="b"/>'));
  assert.equal(got.map((p) => [p.line, p.path]), [[9, 'node "a" Latitude'], [10, 'node "b" Longitude'], [11, 'node "c" Latitude'], [12, 'node "d" Longitude']]);
  assert.match(got[0]!.message, /^invalid Latitude 1000: expected degrees, a number from -90 to 90/);
  assert.match(got[1]!.message, /^invalid Longitude -181: expected degrees, a number from -180 to 180/);
  assert.match(got[2]!.message, /^invalid Latitude "north"/);
  assert.match(got[3]!.message, /^invalid Longitude "NaN"/);
});

test('coordinates on the limits are kept; absent or empty ones are "no coordinates" (null), not 0', () => {
  const topo = parseZooGraphml(graphml(node('a', '-90', '180'), node('b', '90', '-180'), node('c'), node('d', ' ', ''), '<edge source="a" target="b"/>'), 'x.graphml');
  assert.equal(topo.routers.map((r) => [r.id, r.latitude, r.longitude]), [['a', -90, 180], ['b', 90, -180], ['c', null, null], ['d', null, null]]);
});

test('a LinkSpeedRaw that is negative, zero or not a number is refused at its edge, with the value', () => {
  const got = problems(graphml(node('a'), node('b'),
    '<edge source="a" target="b"><data key="d4">-5</data></edge>',
    '<edge source="b" target="a"><data key="d5">fast</data></edge>',
    '<edge source="a" target="b"><data key="d5">0</data></edge>'));
  assert.equal(got.map((p) => [p.line, p.path]), [[11, 'edge[0] (a -> b)'], [12, 'edge[1] (b -> a)'], [13, 'edge[2] (a -> b)']]);
  assert.match(got[0]!.message, /^invalid LinkSpeedRaw -5: expected the link's capacity in bits\/s, a number > 0/);
  assert.match(got[1]!.message, /^invalid LinkSpeedRaw "fast"/);
  assert.match(got[2]!.message, /^invalid LinkSpeedRaw 0/);
  // Absent or empty: unknown capacity (links.ts's fallback), not a problem.
  const topo = parseZooGraphml(graphml(node('a'), node('b'), '<edge source="a" target="b"/>', '<edge source="a" target="b"><data key="d5"> </data></edge>', '<edge source="a" target="b"><data key="d4">1e9</data></edge>'), 'x.graphml');
  assert.equal(topo.links.map((l) => l.capacity), [null, null, 1e9]);
});

test('an edge to an unknown node, a repeated node id or edge id: our message, with the line', () => {
  const unknown = problems(graphml(node('a1'), node('b'), '<edge source="a1" target="b"/>', '<edge source="a2" target="zz"/>'));
  assert.equal(unknown.map((p) => [p.line, p.path]), [[12, 'edge[1] source'], [12, 'edge[1] target']]);
  assert.is(unknown[0]!.message, '"a2" is not the id of any <node> in the file (did you mean "a1"?)');
  assert.is(unknown[1]!.message, '"zz" is not the id of any <node> in the file'); // nothing in common with "a1" or "b": no guess
  const dupNode = problems(graphml(node('a'), node('b'), node('a'), '<edge source="a" target="b"/>'));
  assert.equal(dupNode.map((p) => [p.line, p.path]), [[11, 'node[2] id']]);
  assert.match(dupNode[0]!.message, /^"a" is already the id of the node at line 9, column 5: node ids must be unique/);
  // graphology would merge two edges with one id into a single link, silently: refused.
  const dupEdge = problems(graphml(node('a'), node('b'), '<edge id="e" source="a" target="b"/>', '<edge id="e" source="a" target="b"/>'));
  assert.equal(dupEdge.map((p) => [p.line, p.path]), [[12, 'edge[1] id']]);
  assert.match(dupEdge[0]!.message, /already the id of the edge at line 11/);
  const noSource = problems(graphml(node('a'), '<edge target="a"/>'));
  assert.equal(noSource.map((p) => [p.line, p.message]), [[10, 'expected a source attribute (the id of a <node>)']]);
  for (const list of [unknown, dupNode, dupEdge]) for (const p of list) assert.not.match(p.message, /graphology-graphml\/parser|Graph\.addNode|addMissingNodes/);
});

test('every problem of a file is listed at once, nodes and edges together', () => {
  const got = problems(graphml(node('a', '91'), node('a'), '<edge source="a" target="q"><data key="d4">-1</data></edge>'));
  assert.equal(got.map((p) => p.line), [9, 10, 11]);
});

test('a file cut short: "the document ends before </graphml>" at its last line, not the errors about what follows', () => {
  const whole = graphml(node('a'), node('b'), '<edge source="a" target="b"/>', '<edge source="b" target="a"/>');
  const cut = whole.slice(0, whole.indexOf('<edge source="b"') + 12); // ends inside the second edge's start tag, on line 12
  const got = problems(cut);
  assert.equal(got.map((p) => [p.line, p.path]), [[12, '(xml)']]);
  assert.is(got[0]!.message, 'malformed XML: the document ends before </graphml> (the <graphml> at line 2, column 1 is never closed: is the file cut short?)');
  // Cut after a whole line, the trailing newline left: the last line with text.
  const atLine = problems(whole.split('\n').slice(0, 11).join('\n') + '\n');
  assert.equal(atLine.map((p) => [p.line, p.message.startsWith('malformed XML: the document ends before </graphml>')]), [[11, true]]);
  // An element inside that is never closed is named at its own line.
  const inner = problems(graphml(node('a'), node('b'), '<edge source="a" target="b"/>', '<node id="c">'));
  assert.equal(inner.map((p) => [p.line, p.path, p.message]), [[12, '<node>', 'malformed XML: <node> is never closed (no </node> follows it)']]);
});

test.run();
