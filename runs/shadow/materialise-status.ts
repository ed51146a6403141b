/**
 * `shadow status` for the local target: per recorded process, whether it is
 * alive (still our process: process-liveness.ts), whether it answers
 * /healthz, and where it is. A crashed emulator shows as dead.
 */
import { resolve } from 'node:path';
import { readState, type ShadowPhase, type ShadowProcessRecord } from './materialise-state.js';
import { checkHealth } from './materialise-health.js';
import { isRunning } from './process-liveness.js';

export interface ShadowProcessStatus extends ShadowProcessRecord {
  readonly alive: boolean;
  readonly healthy: boolean;
}

export interface ShadowStatus {
  readonly dir: string;
  /** Phase recorded by up/down; 'up' with dead processes means some crashed. */
  readonly phase: ShadowPhase;
  readonly k: number;
  readonly processes: readonly ShadowProcessStatus[];
  readonly addresses: Readonly<Record<string, string>>;
}

/** Null when DIR holds no shadow state. */
export async function shadowStatus(dirArg: string): Promise<ShadowStatus | null> {
  const dir = resolve(dirArg);
  const state = await readState(dir);
  if (state === null) return null;
  const processes = await Promise.all(state.processes.map(async (p) => {
    const alive = isRunning(p.pid, p.config);
    const healthy = alive && p.url !== null && (await checkHealth(p.url));
    return { ...p, alive, healthy };
  }));
  return { dir, phase: state.phase, k: state.k, processes, addresses: state.addresses };
}
