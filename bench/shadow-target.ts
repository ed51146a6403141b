/**
 * Starts bench/shadow-target-main.js as a child process (a loopback server
 * answering at once or after a plain sleep) and stops it: the injector bench
 * measures the injector, not a server sharing its event loop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'shadow-target-main.js');

export interface TargetProcess {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 2 s; resolves once the process has exited. */
  close(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stop(child: ChildProcess): Promise<void> {
  const gone = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await gone;
  clearTimeout(timer);
}

export async function startTargetProcess(sleepMs: number, readyTimeoutMs = 10_000): Promise<TargetProcess> {
  const child = fork(SCRIPT, [String(sleepMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench target server (pid ${child.pid}) not ready after ${readyTimeoutMs} ms`)), readyTimeoutMs);
      child.once('message', (m: unknown) => {
        clearTimeout(timer);
        const port = (m as { port?: unknown }).port;
        if (typeof port === 'number' && Number.isInteger(port)) resolve(port);
        else reject(new Error(`bench target server sent ${JSON.stringify(m)}, expected { port }`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`bench target server exited before it was ready (${signal ?? `code ${code}`})`));
      });
    });
    return { url: `http://127.0.0.1:${port}/`, pid: child.pid!, close: () => stop(child) };
  } catch (e) {
    await stop(child);
    throw e;
  }
}
