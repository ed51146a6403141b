import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTraceFile } from '../import/trace.js';
import { loadTwinFile } from './load.js';
import { writeTwinFile } from './write.js';

const trace = join(fileURLToPath(new URL('../../../../', import.meta.url)), 'shared', 'data', 'nezha-train-ticket', '2023-01-29', 'trace', '08_50_trace.csv');

test('an imported twin written as YAML and as JSON loads back to the same twin', async () => {
  const { twin, input } = await importTraceFile(trace);
  const dir = await mkdtemp(join(tmpdir(), 'write-'));
  for (const name of ['tt.yaml', 'tt.json']) {
    await writeTwinFile(join(dir, name), input);
    const back = await loadTwinFile(join(dir, name));
    assert.equal(back.nodes, twin.nodes, name);
    assert.equal(back.entries, twin.entries, name);
  }
  try {
    await writeTwinFile(join(dir, 'tt.txt'), input);
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.match((e as Error).message, /expected a \.yaml, \.yml or \.json twin file name/);
  }
});

test.run();
