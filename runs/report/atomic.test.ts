import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOutputFolder, writeFilesAtomically } from './atomic.js';
import { InputError } from '../usage-error.js';
import { withTempDir } from '../test-support.js';

/** Above PID_MAX_LIMIT (2^22): no process can ever have this id, so its leftovers are stale. */
const DEAD_PID = 2 ** 22 + 1;

const outputs = (seed: number): Record<string, string> => ({
  'summary.json': `{"seed": ${seed}}`,
  'nodes.csv': `node,seed\na,${seed}\n`,
  'windows.csv': `window,seed\n0,${seed}\n`,
});


async function readSet(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(outputs(0))) out[name] = await readFile(join(dir, name), 'utf8');
  return out;
}

test('writes into a folder that does not exist yet, parents included, and returns the paths', () =>
  withTempDir('atomic', async (parent) => {
    const dir = join(parent, 'deep', 'out');
    const paths = await writeFilesAtomically(dir, outputs(1));
    assert.equal(paths, Object.keys(outputs(1)).map((n) => join(dir, n)));
    assert.equal(await readSet(dir), outputs(1));
    assert.equal(await readdir(join(parent, 'deep')), ['out']);
  }));

test('a new set replaces the old one completely; .chunks/ and other entries survive, the folder keeps its mode', () =>
  withTempDir('atomic', async (parent) => {
    const dir = join(parent, 'out');
    await writeFilesAtomically(dir, outputs(1));
    await mkdir(join(dir, '.chunks', 'abc123'), { recursive: true });
    await writeFile(join(dir, '.chunks', 'abc123', 'chunk-00000.json'), '{"chunk": 0}');
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await mkdir(join(dir, '.writing-Xy12'));
    await writeFile(join(dir, '.writing-Xy12', 'nodes.csv'), 'half');
    await chmod(dir, 0o750);

    await writeFilesAtomically(dir, outputs(2));
    assert.equal(await readSet(dir), outputs(2));
    assert.is(await readFile(join(dir, '.chunks', 'abc123', 'chunk-00000.json'), 'utf8'), '{"chunk": 0}');
    assert.is(await readFile(join(dir, 'notes.txt'), 'utf8'), 'mine');
    // The crashed per-file writer's temp folder is dropped, not carried along forever.
    assert.equal((await readdir(dir)).sort(), ['.chunks', 'nodes.csv', 'notes.txt', 'summary.json', 'windows.csv']);
    assert.is((await stat(dir)).mode & 0o777, 0o750);
    assert.equal(await readdir(parent), ['out']);
  }));

test('a write that fails part-way leaves the old set intact and no temp folder', () =>
  withTempDir('atomic', async (parent) => {
    const dir = join(parent, 'out');
    await writeFilesAtomically(dir, outputs(1));
    await mkdir(join(dir, '.chunks'));
    // The second file's name is longer than any filesystem allows: its write fails after the first succeeded.
    const failing = { 'summary.json': '{"seed": 2}', [`${'x'.repeat(300)}.csv`]: 'never', 'windows.csv': 'window,seed\n0,2\n' };
    try {
      await writeFilesAtomically(dir, failing);
      assert.unreachable('wrote a file with a 304-character name');
    } catch (e) {
      assert.is((e as NodeJS.ErrnoException).code, 'ENAMETOOLONG');
    }
    assert.equal(await readSet(dir), outputs(1));
    assert.equal((await readdir(dir)).sort(), ['.chunks', 'nodes.csv', 'summary.json', 'windows.csv']);
    assert.equal(await readdir(parent), ['out']);

    const missing = join(parent, 'never');
    await writeFilesAtomically(missing, failing).then(() => assert.unreachable('wrote it'), () => undefined);
    assert.equal(await readdir(parent), ['out']);
  }));

test('a crash between the two renames is recovered: the old folder comes back, then the new set replaces it', () =>
  withTempDir('atomic', async (parent) => {
    // State after "DIR renamed aside" and before "temp renamed to DIR", by a process that died.
    const old = join(parent, `.out.old-${DEAD_PID}-0a1b2c`);
    await mkdir(join(old, '.chunks'), { recursive: true });
    for (const [name, body] of Object.entries(outputs(1))) await writeFile(join(old, name), body);
    await writeFile(join(old, '.chunks', 'chunk-00001.json'), '{"chunk": 1}');
    const fresh = join(parent, `.out.new-${DEAD_PID}-3d4e5f`);
    await mkdir(fresh);
    await writeFile(join(fresh, 'summary.json'), '{"seed": 1');

    const dir = join(parent, 'out');
    await writeFilesAtomically(dir, outputs(2));
    assert.equal(await readSet(dir), outputs(2));
    assert.is(await readFile(join(dir, '.chunks', 'chunk-00001.json'), 'utf8'), '{"chunk": 1}');
    assert.equal(await readdir(parent), ['out']);
  }));

test('a crash between the two renames, then a resumed run that made DIR/.chunks/ again: the old set comes back whole, chunks merged', () =>
  withTempDir('atomic', async (parent) => {
    const old = join(parent, `.out.old-${DEAD_PID}-4f4f4f`);
    await mkdir(join(old, '.chunks', 'oldkey'), { recursive: true });
    for (const [name, body] of Object.entries(outputs(1))) await writeFile(join(old, name), body);
    await writeFile(join(old, '.chunks', 'oldkey', 'chunk-00000.json'), 'old');
    await writeFile(join(old, 'notes.txt'), 'mine');
    const dir = join(parent, 'out');
    await mkdir(join(dir, '.chunks', 'newkey'), { recursive: true });
    await writeFile(join(dir, '.chunks', 'newkey', 'chunk-00000.json'), 'new');

    // Even when the new write then fails, DIR holds the old set, not a part of it and not nothing.
    await writeFilesAtomically(dir, { 'summary.json': '{}', [`${'y'.repeat(300)}.csv`]: 'never' }).then(
      () => assert.unreachable('wrote a file with a 304-character name'),
      () => undefined,
    );
    assert.equal(await readSet(dir), outputs(1));
    assert.equal((await readdir(join(dir, '.chunks'))).sort(), ['newkey', 'oldkey']);
    assert.is(await readFile(join(dir, 'notes.txt'), 'utf8'), 'mine');
    assert.equal(await readdir(parent), ['out']);

    await writeFilesAtomically(dir, outputs(2));
    assert.equal(await readSet(dir), outputs(2));
    assert.is(await readFile(join(dir, '.chunks', 'newkey', 'chunk-00000.json'), 'utf8'), 'new');
    assert.is(await readFile(join(dir, '.chunks', 'oldkey', 'chunk-00000.json'), 'utf8'), 'old');
    assert.equal(await readdir(parent), ['out']);
  }));

test('a crash while carrying entries over is recovered: what the old folder still holds is carried', () =>
  withTempDir('atomic', async (parent) => {
    const dir = join(parent, 'out');
    await writeFilesAtomically(dir, outputs(2));
    const old = join(parent, `.out.old-${DEAD_PID}-6a7b8c`);
    await mkdir(join(old, '.chunks'), { recursive: true });
    for (const [name, body] of Object.entries(outputs(1))) await writeFile(join(old, name), body);
    await writeFile(join(old, '.chunks', 'chunk-00002.json'), '{"chunk": 2}');

    await writeFilesAtomically(dir, outputs(3));
    assert.equal(await readSet(dir), outputs(3));
    assert.is(await readFile(join(dir, '.chunks', 'chunk-00002.json'), 'utf8'), '{"chunk": 2}');
    assert.equal(await readdir(parent), ['out']);
  }));

test('leftovers named with this process id but not being written by it (a restarted container reuses ids) are recovered', () =>
  withTempDir('atomic', async (parent) => {
    const old = join(parent, `.out.old-${process.pid}-9a9b9c`);
    await mkdir(join(old, '.chunks'), { recursive: true });
    await writeFile(join(old, '.chunks', 'chunk-00003.json'), '{"chunk": 3}');
    await mkdir(join(parent, `.out.new-${process.pid}-8d8e8f`));
    const dir = join(parent, 'out');
    await writeFilesAtomically(dir, outputs(4));
    assert.equal(await readSet(dir), outputs(4));
    assert.is(await readFile(join(dir, '.chunks', 'chunk-00003.json'), 'utf8'), '{"chunk": 3}');
    assert.equal(await readdir(parent), ['out']);
  }));

test('leftovers of a process that still runs are left alone', () =>
  withTempDir('atomic', async (parent) => {
    const live = [`.out.old-${process.ppid}-111111`, `.out.new-${process.ppid}-222222`];
    for (const name of live) await mkdir(join(parent, name));
    await writeFilesAtomically(join(parent, 'out'), outputs(1));
    assert.equal((await readdir(parent)).sort(), [...live, 'out'].sort());
  }));

test('the current folder, or a folder holding it, is refused before anything is written', async () => {
  for (const dir of ['.', '..', process.cwd()]) {
    await writeFilesAtomically(dir, { 'never-written.json': '{}' }).then(
      () => assert.unreachable(`accepted '${dir}'`),
      (e: Error) => assert.match(e.message, /must not be the current folder or hold it/),
    );
  }
  await stat('never-written.json').then(() => assert.unreachable('wrote into the current folder'), () => undefined);
});

test('an output folder that exists as a file is refused before any work, as an input error naming the flag', () =>
  withTempDir('atomic-file', async (dir) => {
    const file = join(dir, 'afile');
    await writeFile(file, 'x');
    const e = await checkOutputFolder(file).then(() => null, (err: unknown) => err);
    assert.instance(e, InputError);
    assert.is((e as Error).message, `--out ${file}: exists and is not a folder`);
    await checkOutputFolder(join(dir, 'new'));
    await checkOutputFolder(dir);
    // The current folder, or one holding it, is refused before the run, not when the results are written.
    const cwd = process.cwd();
    await mkdir(join(dir, 'inner'), { recursive: true });
    process.chdir(join(dir, 'inner'));
    try {
      for (const out of ['.', '..']) {
        const held = await checkOutputFolder(out, '--out', { replacedWhole: true }).then(() => null, (err: unknown) => err);
        assert.instance(held, InputError);
        assert.match((held as Error).message, new RegExp(`^--out \\${out === '.' ? '.' : '.\\.'}: the output folder must not be the current folder or hold it`));
      }
      await checkOutputFolder('sub', '--out', { replacedWhole: true });
      await checkOutputFolder('.'); // written file by file (forecast, nightly): the current folder is fine
    } finally {
      process.chdir(cwd);
    }
  }));

test('a folder of the user where an output file goes is refused, kept with what it holds, before any work and at the write', () =>
  withTempDir('atomic', async (parent) => {
    const dir = join(parent, 'out');
    await writeFilesAtomically(dir, outputs(1));
    await rm(join(dir, 'windows.csv'));
    await mkdir(join(dir, 'windows.csv'));
    await writeFile(join(dir, 'windows.csv', 'keep.txt'), 'mine');
    const expected = `${dir}/windows.csv is a folder where an output file goes (writing the outputs would replace it and what it holds); move or rename it, or name another output folder`;
    // Before the run: the command names its output files.
    const early = await checkOutputFolder(dir, '--out', { replacedWhole: true, files: Object.keys(outputs(0)) }).then(() => null, (err: unknown) => err);
    assert.instance(early, InputError);
    assert.is((early as Error).message, `--out ${dir}: ${expected}`);
    await checkOutputFolder(dir, '--out', { replacedWhole: true, files: ['other.csv'] });
    // At the write (the last guard): nothing swapped, nothing removed, no leftovers beside DIR.
    const late = await writeFilesAtomically(dir, outputs(2)).then(() => null, (err: unknown) => err);
    assert.instance(late, InputError);
    assert.is((late as Error).message, `${dir}: ${expected}`);
    assert.is(await readFile(join(dir, 'windows.csv', 'keep.txt'), 'utf8'), 'mine');
    assert.is(await readFile(join(dir, 'summary.json'), 'utf8'), outputs(1)['summary.json']);
    assert.equal(await readdir(parent), ['out']);
  }));

test('file names must be plain names inside the folder', () =>
  withTempDir('atomic', async (parent) => {
    for (const name of ['a/b.csv', '..', '']) {
      await writeFilesAtomically(join(parent, 'out'), { [name]: 'x' }).then(
        () => assert.unreachable(`accepted '${name}'`),
        (e: Error) => assert.match(e.message, /is not a plain file name/),
      );
    }
    assert.equal(await readdir(parent), []);
  }));

test.run();
