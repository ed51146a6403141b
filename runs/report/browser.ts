/**
 * The one place that starts a browser: Debian's Chromium driven by
 * playwright-core (which downloads no browser of its own). The executable is
 * CHROMIUM_PATH when set, else the first of the usual Debian/Ubuntu paths that
 * exists; with none, a clear message says how to get one (`make system-deps`
 * installs Debian's chromium). Headless; without the sandbox when running as
 * root, where Chromium refuses to start with it.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_CANDIDATES: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export class BrowserNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrowserNotFoundError';
  }
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to run: $CHROMIUM_PATH (which must then exist), else the first candidate present. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = CHROMIUM_CANDIDATES): string {
  const given = env.CHROMIUM_PATH;
  if (given !== undefined && given !== '') {
    if (executable(given)) return given;
    throw new BrowserNotFoundError(`CHROMIUM_PATH is ${given}, which is not an executable file`);
  }
  const found = candidates.find(executable);
  if (found) return found;
  throw new BrowserNotFoundError(
    `no Chromium found (looked at ${candidates.join(', ')}): install Debian's chromium (make system-deps, or apt-get install chromium) or set CHROMIUM_PATH`,
  );
}

/** A headless Chromium; the caller closes it (in a finally). */
export async function launchChromium(env: NodeJS.ProcessEnv = process.env): Promise<Browser> {
  const executablePath = findChromium(env);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launch({ executablePath, headless: true, args: asRoot ? ['--no-sandbox'] : [] });
}
