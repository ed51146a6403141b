/**
 * Entry point of an emulator process:
 *   node dist/runs/shadow/emulator-main.js CONFIG.json
 * Listens where the configuration says (the materialiser writes 127.0.0.1,
 * port 0), announces its port (process-ready.ts), then injects the node's
 * predicted initial work. SIGTERM or SIGINT: exit at once (in-flight requests
 * are abandoned, as a killed replica's would be; the OS frees the port).
 */
import { readFileSync } from 'node:fs';
import { parseEmulatorConfig } from './emulator-config.js';
import { Emulator } from './emulator-server.js';
import { announceReady, exitIfOrphanedBeforeReady } from './process-ready.js';
import { exitOnSignals, failStart } from './process-main.js';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) failStart('usage: emulator-main.js CONFIG.json');
  const stopOrphanCheck = exitIfOrphanedBeforeReady(`emulator (${file})`);
  exitOnSignals();
  const config = parseEmulatorConfig(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
  const emulator = new Emulator(config);
  const port = await emulator.listen();
  stopOrphanCheck();
  await announceReady(port, `emulator node=${config.node}`);
  emulator.preload();
}

main().catch((e: unknown) => failStart(`emulator: ${(e as Error).stack ?? String(e)}`));
