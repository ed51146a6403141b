/**
 * `shadow down` for the local target: stops exactly the processes recorded in
 * DIR/state.json (SIGTERM, then SIGKILL after a grace period) and marks the
 * state 'down'. Idempotent: processes already gone are skipped, and a DIR
 * without state.json has nothing to stop. It needs nothing from the `up` that
 * wrote the state, so it works after `up` was killed. A recorded PID is only
 * signalled while it is still our process (process-liveness.ts), never a
 * process that reused the number.
 */
import { resolve } from 'node:path';
import { readState, writeStateAtomically, type ShadowProcessRecord } from './materialise-state.js';
import { isRunning } from './process-liveness.js';

export interface ShadowDownOptions {
  /** Time between SIGTERM and SIGKILL (default 3 s). */
  readonly graceMs?: number;
}

export interface ShadowDownResult {
  /** Processes that were running and were stopped. */
  readonly stopped: readonly ShadowProcessRecord[];
  /** Of those, the ones that needed SIGKILL. */
  readonly killed: readonly ShadowProcessRecord[];
  /** Recorded processes that were already gone. */
  readonly alreadyGone: readonly ShadowProcessRecord[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function signal(p: ShadowProcessRecord, sig: NodeJS.Signals): void {
  try {
    process.kill(p.pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

async function waitGone(procs: readonly ShadowProcessRecord[], ms: number): Promise<ShadowProcessRecord[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = procs.filter((p) => isRunning(p.pid, p.config));
    if (left.length === 0 || Date.now() >= deadline) return left;
    await sleep(20);
  }
}

export async function shadowDown(dirArg: string, options: ShadowDownOptions = {}): Promise<ShadowDownResult> {
  const dir = resolve(dirArg);
  const state = await readState(dir);
  if (state === null) return { stopped: [], killed: [], alreadyGone: [] };
  const running = state.processes.filter((p) => isRunning(p.pid, p.config));
  const alreadyGone = state.processes.filter((p) => !running.includes(p));
  for (const p of running) signal(p, 'SIGTERM');
  const stubborn = await waitGone(running, options.graceMs ?? 3000);
  for (const p of stubborn) signal(p, 'SIGKILL');
  const left = await waitGone(stubborn, 5000);
  if (left.length > 0) throw new Error(`shadow down: still running after SIGKILL: ${left.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`);
  if (state.phase !== 'down') await writeStateAtomically(dir, { ...state, phase: 'down', updatedAt: new Date().toISOString() });
  return { stopped: running, killed: stubborn, alreadyGone };
}
