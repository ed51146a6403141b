/**
 * `shadow up` for the local target: starts a plan's shadow as OS processes
 * on loopback and records them in DIR/state.json.
 *
 * Order: the stub process first (every stubbed node on one port), then the
 * emulators level by level, callees before callers (materialise-plan.ts), so
 * each emulator's configuration names the addresses of all its callees; the
 * processes of one level start concurrently. Each process binds port 0 and
 * reports the port the OS gave it (process-ready.ts): ports are never chosen
 * here, so none can be taken between choice and bind. A process's PID is
 * written to state.json as soon as it is spawned and its port as soon as it
 * is reported, before any waiting for health; only then is the process
 * acknowledged and does it inject its predicted initial work (t0 of that
 * node). If anything fails, what was started is stopped (shadowDown) and the
 * error names the process and its log.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ShadowPlan } from '../../twins/shadow/plan-types.js';
import { EMULATOR_CONFIG_FORMAT, type EmulatorRuntimeConfig } from '../../twins/shadow/emulator-config.js';
import { STUB_CONFIG_FORMAT, type StubRuntimeConfig } from '../../twins/shadow/stub-config.js';
import { localLayout } from './materialise-plan.js';
import { SHADOW_STATE_FORMAT, StateWriter, readState, type ShadowProcessRecord, type ShadowStateFile } from './materialise-state.js';
import { waitHealthy } from './materialise-health.js';
import { shadowDown } from './materialise-down.js';
import { isRunning } from './process-liveness.js';
import { spawnShadowProcess } from './process-spawn.js';
import { acknowledge, waitForReady } from './process-ready.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const EMULATOR_SCRIPT = join(HERE, 'emulator-main.js');
export const STUB_SCRIPT = join(HERE, 'stub-main.js');
const LOOPBACK = '127.0.0.1';

export interface ShadowUpOptions {
  /** Seed of every process's random streams (default: the plan's simulation seed). */
  readonly seed?: number | string;
  /** Time-dilation factor (default: the plan's dilation.k). */
  readonly k?: number;
  /** How long one process may take to report its port (default 15 s). */
  readonly readyTimeoutMs?: number;
  /** How long all processes together may take to answer /healthz after that (default 10 s). */
  readonly healthTimeoutMs?: number;
}

/** DIR already holds a shadow with live processes. */
export class ShadowAlreadyRunningError extends Error {
  override readonly name = 'ShadowAlreadyRunningError';
  constructor(dir: string, readonly running: readonly ShadowProcessRecord[]) {
    super(`${dir} already holds a running shadow: ${running.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}; run shadow down --dir ${dir} first`);
  }
}

type ConfigBody = Omit<EmulatorRuntimeConfig, 'listen'> | Omit<StubRuntimeConfig, 'listen'>;

interface Started {
  readonly url: string;
}

export async function shadowUp(plan: ShadowPlan, dirArg: string, options: ShadowUpOptions = {}): Promise<ShadowStateFile> {
  const layout = localLayout(plan);
  const dir = resolve(dirArg);
  const k = options.k ?? plan.dilation.k;
  if (!(Number.isFinite(k) && k >= 1)) throw new RangeError(`k must be a finite number >= 1, got ${k}`);
  const seed = options.seed ?? plan.result.seed;
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const healthTimeoutMs = options.healthTimeoutMs ?? 10_000;

  const previous = await readState(dir);
  if (previous !== null) {
    const running = previous.processes.filter((p) => isRunning(p.pid, p.config));
    if (running.length > 0) throw new ShadowAlreadyRunningError(dir, running);
  }
  await mkdir(join(dir, 'logs'), { recursive: true });
  await mkdir(join(dir, 'config'), { recursive: true });
  const now = new Date().toISOString();
  const writer = new StateWriter(dir, {
    format: SHADOW_STATE_FORMAT, phase: 'starting', plan: { createdAt: plan.createdAt, twin: plan.twin.name },
    k, seed, startedAt: now, updatedAt: now, processes: [], addresses: {},
  });
  await writer.update((s) => s);

  const start = async (name: string, role: ShadowProcessRecord['role'], nodes: readonly string[], file: string, body: ConfigBody): Promise<Started> => {
    const configPath = join(dir, 'config', `${file}.json`);
    const logPath = join(dir, 'logs', `${file}.log`);
    await writeFile(configPath, `${JSON.stringify({ ...body, listen: { host: LOOPBACK, port: 0 } }, null, 2)}\n`);
    const child = spawnShadowProcess({ script: role === 'stub' ? STUB_SCRIPT : EMULATOR_SCRIPT, configPath, logPath });
    const pid = child.pid!;
    const what = `${role} ${name} (pid ${pid}, log ${logPath})`;
    try {
      const ready = waitForReady(child, readyTimeoutMs, what);
      // Awaited below; until then a rejection (the child died at once) must not count as unhandled.
      ready.catch(() => {});
      const record: ShadowProcessRecord = { name, role, nodes, pid, port: null, url: null, config: configPath, log: logPath, startedAt: new Date().toISOString() };
      await writer.update((s) => ({ ...s, processes: [...s.processes, record] }));
      const port = await ready;
      const url = `http://${LOOPBACK}:${port}`;
      await writer.update((s) => ({
        ...s,
        processes: s.processes.map((p) => (p.pid === pid ? { ...p, port, url } : p)),
        addresses: { ...s.addresses, ...Object.fromEntries(nodes.map((n) => [n, url])) },
      }));
      await acknowledge(child);
      return { url };
    } catch (e) {
      if (child.connected) child.disconnect();
      child.unref();
      throw e;
    }
  };

  try {
    if (layout.stubs.size > 0) {
      const nodes = Object.fromEntries(layout.stubs);
      await start('stub', 'stub', [...layout.stubs.keys()], 'stub', { format: STUB_CONFIG_FORMAT, nodes, k, seed });
    }
    for (const level of layout.levels) {
      await Promise.all(level.map((id) => {
        const spec = layout.emulators.get(id)!;
        const addresses = writer.current.addresses;
        const callees = Object.fromEntries(spec.callGroups.flatMap((g) => g.calls.map((c) => [c.to, addresses[c.to]!])));
        return start(id, 'emulator', [id], layout.fileNames.get(id)!, { format: EMULATOR_CONFIG_FORMAT, node: id, spec, k, seed, callees });
      }));
    }
    await Promise.all(writer.current.processes.map((p) => waitHealthy(`${p.role} ${p.name} (pid ${p.pid}, log ${p.log})`, p.url!, healthTimeoutMs)));
    await writer.update((s) => ({ ...s, phase: 'up' }));
    return writer.current;
  } catch (e) {
    const message = (e as Error).message;
    await writer.update((s) => ({ ...s, phase: 'failed', error: message })).catch(() => {});
    await shadowDown(dir).catch(() => {});
    throw new Error(`shadow up failed; what had started was stopped: ${message}`, { cause: e });
  }
}
