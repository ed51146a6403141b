/**
 * Restarts emulators of a running local shadow with new specs, each on the
 * port it had, so its callers (whose configurations name that port) and the
 * injector keep reaching it. What the shadow is made of stays in
 * DIR/state.json: the new PID replaces the old one in the record before the
 * process is acknowledged (the rule of `shadow up`: no process outlives an
 * unrecorded start), and the configuration file keeps its path, so `shadow
 * status` and `shadow down` find the new process as they found the old.
 *
 * A restarted emulator starts like one of `shadow up`: from the plan's
 * predicted initial work of the node (its `initial` busy and queued
 * requests), so a baseline and a changed shadow measured after a restart
 * each start from the same predicted state.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEmulatorConfig, type EmulatorRuntimeConfig } from '../../twins/shadow/emulator-config.js';
import type { EmulatorSpec } from '../../twins/shadow/plan-types.js';
import { writeFileAtomically } from '../report/atomic-file.js';
import { waitHealthy } from '../shadow/materialise-health.js';
import { readState, SHADOW_STATE_FORMAT, statePath, writeStateAtomically, type ShadowProcessRecord, type ShadowStateFile } from '../shadow/materialise-state.js';
import { EMULATOR_SCRIPT } from '../shadow/materialise-up.js';
import { isRunning } from '../shadow/process-liveness.js';
import { acknowledge, waitForReady } from '../shadow/process-ready.js';
import { spawnShadowProcess } from '../shadow/process-spawn.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A running local shadow: its state, and the emulator record and configuration of each emulated node. */
export interface RunningShadow {
  readonly dir: string;
  readonly state: ShadowStateFile;
  readonly emulators: ReadonlyMap<string, { readonly record: ShadowProcessRecord; readonly config: EmulatorRuntimeConfig }>;
}

export class NoRunningShadowError extends Error {
  override readonly name = 'NoRunningShadowError';
}

/**
 * Reads DIR's shadow (synchronously: an applier describes its change before
 * deciding, without awaiting); refuses one that is not up or whose emulators
 * are not all running.
 */
export function readRunningShadow(dirArg: string): RunningShadow {
  const dir = resolve(dirArg);
  let state: ShadowStateFile;
  try {
    state = JSON.parse(readFileSync(statePath(dir), 'utf8')) as ShadowStateFile;
  } catch (e) {
    throw new NoRunningShadowError(`${dir}: no shadow here (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; start one with 'shadowcast shadow up')`);
  }
  if (state.format !== SHADOW_STATE_FORMAT || !Array.isArray(state.processes)) throw new NoRunningShadowError(`${statePath(dir)}: not a shadow state file (format ${String(state.format)})`);
  if (state.phase !== 'up') throw new NoRunningShadowError(`${dir}: the shadow is ${state.phase}, not up`);
  const emulators = new Map<string, { record: ShadowProcessRecord; config: EmulatorRuntimeConfig }>();
  for (const p of state.processes.filter((q) => q.role === 'emulator')) {
    if (!isRunning(p.pid, p.config) || p.port === null) throw new NoRunningShadowError(`${dir}: emulator ${p.name} (pid ${p.pid}) is not running; see ${p.log}`);
    const config = parseEmulatorConfig(JSON.parse(readFileSync(p.config, 'utf8')) as unknown, p.config);
    emulators.set(config.node, { record: p, config });
  }
  return { dir, state, emulators };
}

async function stop(p: ShadowProcessRecord, graceMs: number): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(p.pid, sig);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  };
  if (!isRunning(p.pid, p.config)) return;
  signal('SIGTERM');
  for (const [sig, ms] of [['SIGKILL', graceMs], [null, 5000]] as const) {
    const deadline = Date.now() + ms;
    while (isRunning(p.pid, p.config) && Date.now() < deadline) await sleep(20);
    if (!isRunning(p.pid, p.config)) return;
    if (sig !== null) signal(sig);
  }
  throw new Error(`emulator ${p.name} (pid ${p.pid}) is still running after SIGKILL`);
}

/**
 * Restarts the emulator of `node` with `spec` on its old port and records the
 * new PID. Resolves once it answers /healthz. Another process may take the
 * port in the instant between stop and bind; the start is then retried a few
 * times and otherwise fails naming the port and the log.
 */
export async function restartEmulator(shadow: RunningShadow, node: string, spec: EmulatorSpec, options: { readonly graceMs?: number; readonly readyTimeoutMs?: number } = {}): Promise<ShadowProcessRecord> {
  const e = shadow.emulators.get(node);
  if (e === undefined) throw new Error(`${shadow.dir}: node '${node}' has no emulator`);
  const { record, config } = e;
  await stop(record, options.graceMs ?? 2000);
  await writeFileAtomically(record.config, `${JSON.stringify({ ...config, spec, listen: { host: config.listen.host, port: record.port } }, null, 2)}\n`);
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const child = spawnShadowProcess({ script: EMULATOR_SCRIPT, configPath: record.config, logPath: record.log });
    const pid = child.pid!;
    try {
      const ready = waitForReady(child, options.readyTimeoutMs ?? 15_000, `emulator ${node} (pid ${pid}, log ${record.log})`);
      ready.catch(() => {});
      // Recorded before it is acknowledged: an unrecorded process exits when we go away (process-ready.ts).
      const fresh: ShadowProcessRecord = { ...record, pid, startedAt: new Date().toISOString() };
      const state = (await readState(shadow.dir))!;
      await writeStateAtomically(shadow.dir, { ...state, updatedAt: new Date().toISOString(), processes: state.processes.map((p) => (p.config === record.config ? fresh : p)) });
      const port = await ready;
      if (port !== record.port) throw new Error(`emulator ${node} bound port ${port}, not its old port ${record.port}`);
      await acknowledge(child);
      await waitHealthy(`emulator ${node} (pid ${pid}, log ${record.log})`, record.url!, 10_000);
      return fresh;
    } catch (err) {
      lastError = err;
      if (child.connected) child.disconnect();
      child.unref();
      await stop({ ...record, pid }, 500).catch(() => {});
      await sleep(100 * (attempt + 1));
    }
  }
  throw new Error(`could not restart emulator ${node} on port ${record.port}: ${(lastError as Error).message}`);
}

/** Restarts each node with its spec, one after the other; returns the shadow as it is afterwards. */
export async function restartEmulators(shadow: RunningShadow, specs: ReadonlyMap<string, EmulatorSpec>): Promise<RunningShadow> {
  for (const [node, spec] of specs) await restartEmulator(shadow, node, spec);
  return readRunningShadow(shadow.dir);
}
