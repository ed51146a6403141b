/**
 * Fixed paths on a network twin follow its links (fixed-paths.ts): router ->
 * a link station leaving it -> the router that station leads to. Refused at
 * the path's node that breaks the chain, with its line; twins whose paths
 * follow the links (the network.yaml example) stay valid.
 */
import { readFile } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TwinSpecError } from '../definition/errors.js';
import type { TwinInput } from '../definition/input.js';
import { loadTwinFile, parseTwinText, twinFromObject } from '../definition/load.js';
import { exampleFile } from '../examples/paths.js';
import { routedTwin, SQUARE } from './test-support.js';

/** The problems of a twin read from text, as `line: path: message`. */
function problems(text: string): string[] {
  try {
    const { data, locate } = parseTwinText(text, 'net.yaml');
    twinFromObject(data, { source: 'net.yaml', locate });
  } catch (e) {
    assert.instance(e, TwinSpecError);
    return (e as TwinSpecError).problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
  }
  return [];
}

const example = await readFile(exampleFile('network.yaml'), 'utf8');
/** network.yaml with the path of flow A-C (line 43) replaced. */
const withAC = (path: string): string => {
  const text = example.replace('path: [A, "A->C#0", C]', `path: ${path}`);
  assert.is.not(text, example);
  return text;
};

test('the example, whose paths follow its links, stays valid', async () => {
  assert.equal(problems(example), []);
  await loadTwinFile(exampleFile('network.yaml'));
});

test('network.yaml (links known by their ids): a path that jumps is refused at the node that breaks it', () => {
  // A link to B, then C: the finding's case.
  assert.equal(problems(withAC('[A, "A->B#0", C]')), [
    '43: entries[0].paths[0].path[2]: "C" cannot follow link station "A->B#0": that link leads to router "B" (a path goes router -> link station -> the router it leads to)',
  ]);
  // A link that does not leave the router before it.
  assert.equal(problems(withAC('[A, "B->C#0", C]')), [
    '43: entries[0].paths[0].path[1]: "B->C#0" does not leave router "A" (it is the link from "B" to "C"); links out of "A": "A->B#0", "A->D#0", "A->C#0"',
  ]);
  // Router to router with no link between: the link that joins them is suggested.
  assert.equal(problems(withAC('[A, C]')), [
    '43: entries[0].paths[0].path[1]: router "C" cannot follow router "A" directly: routers are joined by link stations (did you mean "A", "A->C#0", "C"?)',
  ]);
  // Every broken step of every path at once; an unknown id is reported once, as before.
  const many = problems(withAC('[A, "A->C#0", C, "C->B#0", D]').replace('path: [B, "B->C#0", C]', 'path: [B, "B->C#0", C, Q]'));
  assert.equal(many.map((p) => p.split(': ')[1]), ['entries[0].paths[0].path[4]', 'entries[1].paths[1].path[3]']);
  assert.match(many[1]!, /unknown node id "Q"/);
});

test('a routed network (a network section): its links, not the ids, say where a station leads', () => {
  const input = routedTwin(SQUARE, { traffic: { gravity: {} } }, []) as TwinInput & { entries: TwinInput['entries'] };
  // Station ids that say nothing about their routers.
  const rename = (id: string): string => id.replace('->', '_to_').replace('#0', '');
  for (const n of input.nodes) n.id = rename(n.id);
  for (const l of input.network!.links) l.station = rename(l.station);
  const entry = (path: string[]) => ({ ...input, entries: [{ id: 'f', node: 'A', rate: 10, paths: [{ path, weight: 1 }] }] });
  twinFromObject(entry(['A', 'A_to_B', 'B', 'B_to_C', 'C']), { source: 'r.json' });
  assert.throws(() => twinFromObject(entry(['A', 'A_to_B', 'C']), { source: 'r.json' }), (e: unknown) => e instanceof TwinSpecError && e.problems.length === 1 && e.problems[0]!.path === 'entries[0].paths[0].path[2]' && /"C" cannot follow link station "A_to_B": that link leads to router "B"/.test(e.message));
  assert.throws(() => twinFromObject(entry(['A', 'B_to_C', 'C']), { source: 'r.json' }), (e: unknown) => e instanceof TwinSpecError && /path\[1\]: "B_to_C" does not leave router "A"/.test(e.message));
});

test.run();
