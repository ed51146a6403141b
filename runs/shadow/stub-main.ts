/**
 * Entry point of the stub process:
 *   node dist/runs/shadow/stub-main.js CONFIG.json
 * Serves every stubbed node of the shadow on one port (stub-server.ts).
 */
import { readFileSync } from 'node:fs';
import { parseStubConfig } from './stub-config.js';
import { Stub } from './stub-server.js';
import { announceReady, exitIfOrphanedBeforeReady } from './process-ready.js';
import { exitOnSignals, failStart } from './process-main.js';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) failStart('usage: stub-main.js CONFIG.json');
  const stopOrphanCheck = exitIfOrphanedBeforeReady(`stub (${file})`);
  exitOnSignals();
  const config = parseStubConfig(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
  const stub = new Stub(config);
  const port = await stub.listen();
  stopOrphanCheck();
  await announceReady(port, `stub nodes=${Object.keys(config.nodes).join(',')}`);
}

main().catch((e: unknown) => failStart(`stub: ${(e as Error).stack ?? String(e)}`));
