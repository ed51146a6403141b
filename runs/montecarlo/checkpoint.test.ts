import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChunkStore, checkpointText, readCheckpointText } from './checkpoint.js';
import { codeVersion } from '../executors/bullmq-version.js';
import { withTempDir } from '../test-support.js';
import type { ChunkSummary } from '../../twins/flow/summary.js';

const chunk = { first: 0, count: 2, events: 1234, pFail: [0, 0.5], empty: Number.NaN } as unknown as ChunkSummary;

test('a checkpoint round-trips (NaN included) and proves its content', () => {
  const read = readCheckpointText(checkpointText(3, chunk, 'b1'), 3, 'b1');
  assert.ok('summary' in read);
  if ('summary' in read) {
    assert.is((read.summary as unknown as { events: number }).events, 1234);
    assert.ok(Number.isNaN((read.summary as unknown as { empty: number }).empty));
  }
});

test('an edited, truncated, misplaced or old-format checkpoint is named and not used', () => withTempDir('ckpt', async (dir) => {
  const warnings: string[] = [];
  const store = new ChunkStore(dir, (w) => warnings.push(w), 'b1');
  await store.save(0, chunk);
  assert.ok(await store.load(0), 'a good checkpoint is used');
  const file = join(dir, 'chunk-00000.json');
  const good = await readFile(file, 'utf8');
  // A valid-looking edit: P(fail) of node 0 from 0 to 0.125, the hash left as it was.
  const cases: [string, string][] = [
    ['edited', good.replace('"pFail":[0,', '"pFail":[0.125,')],
    ['truncated', good.slice(0, good.length - 5)],
    ['old format', JSON.stringify(chunk)],
    ['another chunk', checkpointText(7, chunk, 'b1')],
    ['another build', checkpointText(0, chunk, 'b0')],
  ];
  for (const [what, text] of cases) {
    assert.is.not(text, good, what);
    await writeFile(file, text);
    assert.is(await store.load(0), null, `${what} checkpoint was merged`);
  }
  assert.is(warnings.length, cases.length);
  for (const w of warnings) assert.match(w, /checkpoint .*chunk-00000\.json not used \(.+\): chunk 0 is recomputed/);
  assert.match(warnings[0]!, /content hash does not match/);
  assert.match(warnings[4]!, /written by build "b0", this is build "b1"/);
}));

test('temp files of a writer that died are swept; a live writer keeps its own', () => withTempDir('ckpt', async (dir) => {
  const dead = '.chunk-00001.json.999999999.abcd1234.tmp';
  const live = `.chunk-00002.json.${process.pid}.abcd1234.tmp`;
  await writeFile(join(dir, dead), 'x');
  await writeFile(join(dir, live), 'x');
  await new ChunkStore(dir, () => undefined).load(0);
  assert.equal((await readdir(dir)).sort(), [live]);
}));

test('a checkpoint written by another build is recomputed, one of this build resumes', () => withTempDir('ckpt', async (dir) => {
  await new ChunkStore(dir, () => undefined, 'build-a').save(0, chunk);
  assert.ok(await new ChunkStore(dir, () => undefined, 'build-a').load(0), 'same build resumes');
  const warnings: string[] = [];
  assert.is(await new ChunkStore(dir, (w) => warnings.push(w), 'build-b').load(0), null, 'another build\'s chunk was reused');
  assert.match(warnings[0]!, /written by build "build-a", this is build "build-b"\): chunk 0 is recomputed/);
}));

test('by default a store writes and reads with the code version BullMQ jobs carry', () => withTempDir('ckpt', async (dir) => {
  await new ChunkStore(dir, () => undefined).save(1, chunk);
  const header = JSON.parse((await readFile(join(dir, 'chunk-00001.json'), 'utf8')).split('\n')[0]!) as { build: string };
  assert.is(header.build, await codeVersion());
  assert.ok(await new ChunkStore(dir, () => undefined).load(1));
}));

test.run();
