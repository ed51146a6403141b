/**
 * The start handshake between a shadow process and the materialiser that
 * spawned it, over the IPC channel:
 *
 *   child: binds port 0 (the OS picks a free port, so no port is chosen by
 *          one process and lost to another before the bind), then sends
 *          { type: 'ready', port }
 *   parent: records pid and port in state.json, then sends { type: 'ack' }
 *          and disconnects
 *   child: starts its work (the emulator injects its initial state)
 *
 * If the channel closes before the ack (the materialiser was killed, maybe
 * before it recorded this process), the child exits: a process the state
 * file may not name must not outlive its parent, or `shadow down` could not
 * find it. Without an IPC channel (started by hand, or in a container) the
 * child just prints its ready line and goes on.
 */
import type { ChildProcess } from 'node:child_process';

export interface ReadyMessage {
  readonly type: 'ready';
  readonly port: number;
}
export interface AckMessage {
  readonly type: 'ack';
}

/** The line a shadow process prints (to its log) once it listens. */
export const READY_LINE_PREFIX = 'shadowcast-shadow ready';

/** Child side: announce the port and wait for the parent's ack (resolves at once without IPC). */
export function announceReady(port: number, what: string): Promise<void> {
  console.log(`${READY_LINE_PREFIX} ${what} pid=${process.pid} port=${port}`);
  const send = process.send?.bind(process);
  if (send === undefined) return Promise.resolve();
  if (!process.connected) {
    console.error(`${what}: the materialiser went away before recording this process; exiting`);
    process.exit(3);
  }
  return new Promise((resolve) => {
    const onMessage = (m: unknown): void => {
      if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'ack') {
        process.off('message', onMessage);
        process.off('disconnect', onDisconnect);
        resolve();
      }
    };
    const onDisconnect = (): void => {
      console.error(`${what}: the materialiser went away before recording this process; exiting`);
      process.exit(3);
    };
    process.on('message', onMessage);
    process.on('disconnect', onDisconnect);
    send({ type: 'ready', port } satisfies ReadyMessage);
  });
}

/** Exits when the parent's channel closes before `announceReady` was reached (called first thing in main). */
export function exitIfOrphanedBeforeReady(what: string): () => void {
  if (process.send === undefined) return () => {};
  const onDisconnect = (): void => {
    console.error(`${what}: the materialiser went away during start-up; exiting`);
    process.exit(3);
  };
  process.on('disconnect', onDisconnect);
  return () => process.off('disconnect', onDisconnect);
}

/** Parent side: resolves with the child's port, rejects when it exits or does not answer in time. */
export function waitForReady(child: ChildProcess, timeoutMs: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const onMessage = (m: unknown): void => {
      const msg = m as Partial<ReadyMessage>;
      if (msg?.type === 'ready' && Number.isInteger(msg.port)) {
        cleanup();
        resolve(msg.port!);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      reject(new Error(`${what} exited before it was ready (${signal ?? `code ${code}`})`));
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(new Error(`${what}: ${e.message}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what} was not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Parent side: lets the child start its work (once the ack is written, the channel closes) and live on without us. */
export function acknowledge(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      if (child.connected) child.disconnect();
      child.unref();
      resolve();
    };
    if (!child.connected) return done();
    child.send({ type: 'ack' } satisfies AckMessage, () => done());
  });
}
