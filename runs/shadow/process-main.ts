/** What the entry points of shadow processes (emulator-main.ts, stub-main.ts) share. */
import { readFileSync } from 'node:fs';
import { announceReady, exitIfOrphanedBeforeReady } from './process-ready.js';

/** Prints the reason to the log (stderr) and exits non-zero. */
export function failStart(message: string): never {
  console.error(message);
  process.exit(2);
}

/**
 * SIGTERM / SIGINT end the process at once: nothing needs flushing (metrics
 * are scraped, logs are written synchronously to a file) and the OS frees
 * the listening port on exit.
 */
export function exitOnSignals(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      console.log(`received ${signal}; exiting`);
      process.exit(0);
    });
  }
}

/** A shadow server once listening: its port, how it introduces itself in the log, and what it does once recorded. */
export interface StartedServer {
  readonly port: number;
  readonly label: string;
  /** Runs after the materialiser acknowledged the process (the shadow's t0 for this node). */
  readonly afterReady?: () => void;
}

/**
 * The life of a shadow process: read CONFIG.json (argv[2]) with `parse`,
 * start the server, announce its port, then run its `afterReady`. A process
 * orphaned before it is recorded exits (process-ready.ts), so a killed
 * `shadow up` leaves nothing unrecorded.
 */
export function runShadowProcess<C>(role: string, parse: (data: unknown, file: string) => C, start: (config: C) => Promise<StartedServer>): void {
  const main = async (): Promise<void> => {
    const file = process.argv[2];
    if (file === undefined) failStart(`usage: ${role}-main.js CONFIG.json`);
    const stopOrphanCheck = exitIfOrphanedBeforeReady(`${role} (${file})`);
    exitOnSignals();
    const server = await start(parse(JSON.parse(readFileSync(file, 'utf8')) as unknown, file));
    stopOrphanCheck();
    await announceReady(server.port, server.label);
    server.afterReady?.();
  };
  main().catch((e: unknown) => failStart(`${role}: ${(e as Error).stack ?? String(e)}`));
}
