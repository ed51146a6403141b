import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTraceFile } from '../import/trace.js';
import { loadTwinFile } from './load.js';
import { twinInputToText } from './write.js';

const trace = join(fileURLToPath(new URL('../../../../', import.meta.url)), 'shared', 'data', 'nezha-train-ticket', '2023-01-29', 'trace', '08_50_trace.csv');

test('an imported twin written as YAML and as JSON loads back to the same twin', async () => {
  const { twin, input } = await importTraceFile(trace);
  const dir = await mkdtemp(join(tmpdir(), 'write-'));
  try {
    for (const [name, format] of [['tt.yaml', 'yaml'], ['tt.json', 'json']] as const) {
      await writeFile(join(dir, name), twinInputToText(input, format));
      const back = await loadTwinFile(join(dir, name));
      assert.equal(back.nodes, twin.nodes, name);
      assert.equal(back.entries, twin.entries, name);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
