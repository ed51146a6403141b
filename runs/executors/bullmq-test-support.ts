/**
 * For the distributed executor's tests: a real redis-server on a free
 * loopback port (no persistence, its working folder a temp dir), and real
 * `shadowcast worker` processes. Everything started is stopped by the
 * helpers' `stop`, which the tests call in `finally`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { probeRedis } from './bullmq-connection.js';

export const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
const REDIS_SERVER = existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server';

export { freePort } from '../test-support.js';
import { freePort } from '../test-support.js';

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface RedisServer {
  readonly url: string;
  /** Stops it (its data is lost: no persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** A redis-server on a free loopback port, working folder `dir`, no persistence; started. */
export async function startRedis(dir: string): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const server: RedisServer = {
    url,
    async start() {
      child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', ''], { stdio: 'ignore' });
      for (let i = 0; ; i++) {
        try {
          await probeRedis(url, 1_000);
          return;
        } catch (e) {
          if (i >= 40 || child.exitCode !== null) throw e;
          await sleep(100);
        }
      }
    },
    async stop() {
      if (child) await stopChild(child);
      child = null;
    },
  };
  await server.start();
  return server;
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** SIGTERM (graceful) unless told otherwise; waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `node <cli> worker --redis URL ...args`, resolved once it serves its queue. */
export async function spawnWorker(url: string, args: readonly string[] = [], cli = CLI): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [cli, 'worker', '--redis', url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  const worker: WorkerProcess = { child, output: () => text, stop: (signal) => stopChild(child, signal) };
  const until = Date.now() + 30_000;
  while (!text.includes('serving queue')) {
    if (child.exitCode !== null || Date.now() > until) {
      await worker.stop('SIGKILL');
      throw new Error(`worker did not start: ${text}`);
    }
    await sleep(50);
  }
  return worker;
}

/** Output and exit code of one CLI run. */
export async function runCli(args: readonly string[]): Promise<{ code: number; out: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code: code ?? -1, out };
}
