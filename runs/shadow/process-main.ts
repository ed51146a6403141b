/** What the entry points of shadow processes (emulator-main.ts, stub-main.ts) share. */

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
