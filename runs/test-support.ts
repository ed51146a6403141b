/** Helpers for the tests of runs/ (the models tests have their own: models/ imports nothing of the project). */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A fresh temporary folder for `use`, removed afterwards whether it passed or failed. */
export async function withTempDir<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `shadowcast-${prefix}-`));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A TCP port free on loopback right now, for a server a test starts (redis-server, prometheus, an exporter). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Runs `body` with console.log captured: its value and the lines it printed (for tests of commands that print). */
export async function quiet<T>(body: () => Promise<T>): Promise<{ value: T; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...xs: unknown[]) => void lines.push(xs.map(String).join(' '));
  try {
    return { value: await body(), out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

/** What the CLI did: its exit code and what it printed. */
export interface CliOutcome { readonly code: number; readonly stdout: string; readonly stderr: string }

/** The compiled CLI (this file runs from dist/runs/). */
const CLI = join(dirname(fileURLToPath(import.meta.url)), 'cli.js');

/** Runs `shadowcast ARGS` in a child process, as a user would, with extra environment `env`; never rejects for a non-zero exit. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, SHADOWCAST_DEBUG: '', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}
