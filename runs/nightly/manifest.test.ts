import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTempDir } from '../test-support.js';
import { MANIFEST_FORMAT, StepRunner, type Manifest } from './manifest.js';

const fresh = (): Manifest => ({
  format: MANIFEST_FORMAT, createdAt: '2026-01-01T00:00:00.000Z', telemetryEnd: 0, config: { file: 'c.yaml', hash: 'h' },
  versions: { shadowcast: 't', node: 't', report: 't' }, seed: 1, inputs: {}, runId: null, steps: {}, exitCode: null,
});

test('a resumed step whose output file was edited since it was written is recomputed, not trusted', () => withTempDir('nightly-manifest-', async (dir) => {
  const manifest = fresh();
  const lines: string[] = [];
  let works = 0;
  const step = () => new StepRunner(dir, manifest, (l) => lines.push(l)).step('risk', 'in-1', ['risk.json'], async () => {
    works++;
    await writeFile(join(dir, 'risk.json'), '{"atRisk":["a"]}\n');
    return { value: 'computed', note: 'risk computed' };
  }, async () => JSON.parse(await readFile(join(dir, 'risk.json'), 'utf8')) as unknown as string);

  assert.is(await step(), 'computed');
  assert.ok(manifest.steps.risk?.outputHashes?.['risk.json'], 'the output is hashed');
  // Unchanged: resumed from the file.
  assert.equal(await step(), { atRisk: ['a'] });
  assert.is(works, 1);
  assert.match(lines.at(-1)!, 'risk: resumed');
  // Edited by hand (still readable JSON): recomputed, and the file is what the step writes.
  await writeFile(join(dir, 'risk.json'), '{"atRisk":[]}\n');
  assert.is(await step(), 'computed');
  assert.is(works, 2);
  assert.ok(lines.some((l) => l === 'risk: recomputed (risk.json changed since the step wrote it)'), lines.join('\n'));
  assert.is(await readFile(join(dir, 'risk.json'), 'utf8'), '{"atRisk":["a"]}\n');
  // A manifest from before output hashes were kept: resumed on its presence alone, as before.
  const { outputHashes: _, ...old } = manifest.steps.risk!;
  manifest.steps.risk = old;
  await step();
  assert.is(works, 2);
}));

test.run();
