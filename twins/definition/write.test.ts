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

test('strings a YAML 1.1 reader would take for booleans or numbers (Zoo labels like NO) are written quoted, and read back as the same strings', async () => {
  const input = {
    name: 'labels',
    nodes: ['NO', 'yes', 'on', 'Off', '1:20'].map((id) => ({ id, servers: 1, service: { type: 'exponential', mean: 0.01 } })),
    entries: [{ id: 'y', node: 'NO', rate: 1 }],
  };
  const text = twinInputToText(input as unknown as Parameters<typeof twinInputToText>[0], 'yaml');
  for (const s of ['NO', 'yes', 'on', 'Off', '1:20', 'y']) assert.match(text, new RegExp(`: "${s}"$`, 'm'), s);
  const dir = await mkdtemp(join(tmpdir(), 'write-'));
  try {
    await writeFile(join(dir, 'labels.yaml'), text);
    const back = await loadTwinFile(join(dir, 'labels.yaml'));
    assert.equal(back.nodes.map((n) => n.id), ['NO', 'yes', 'on', 'Off', '1:20']);
    assert.is(back.entries[0]!.id, 'y');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
