/**
 * DIR/state.json: what a local shadow is made of, so `status` and `down` find
 * exactly its processes even after `up` was killed. `up` writes it before
 * each process is waited for (PID as soon as it is spawned, the port once the
 * process reports it), always atomically (a temporary file renamed over the
 * old one), so a reader never sees half a file.
 */
import { writeFileAtomically } from '../report/atomic-file.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SHADOW_STATE_FORMAT = 'shadowcast-shadow-state/1';

export type ShadowPhase = 'starting' | 'up' | 'failed' | 'down';

export interface ShadowProcessRecord {
  /** 'stub' or the emulated node's id. */
  readonly name: string;
  readonly role: 'stub' | 'emulator';
  /** Nodes this process answers for (`GET /n/<id>`). */
  readonly nodes: readonly string[];
  readonly pid: number;
  /** Null until the process has reported the port it bound. */
  readonly port: number | null;
  /** http://127.0.0.1:PORT once the port is known. */
  readonly url: string | null;
  readonly config: string;
  readonly log: string;
  readonly startedAt: string;
}

export interface ShadowStateFile {
  readonly format: typeof SHADOW_STATE_FORMAT;
  readonly phase: ShadowPhase;
  readonly plan: { readonly createdAt: string; readonly twin: string };
  readonly k: number;
  readonly seed: number | string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly processes: readonly ShadowProcessRecord[];
  /** nodeId -> base URL of the process serving it. */
  readonly addresses: Readonly<Record<string, string>>;
  /** Why the shadow failed to start (phase 'failed'). */
  readonly error?: string;
}

export const statePath = (dir: string): string => join(dir, 'state.json');

export async function readState(dir: string): Promise<ShadowStateFile | null> {
  let text: string;
  try {
    text = await readFile(statePath(dir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const data = JSON.parse(text) as Partial<ShadowStateFile>;
  if (data.format !== SHADOW_STATE_FORMAT || !Array.isArray(data.processes)) {
    throw new Error(`${statePath(dir)}: not a shadow state file (format ${String(data.format)})`);
  }
  return data as ShadowStateFile;
}

export async function writeStateAtomically(dir: string, state: ShadowStateFile): Promise<void> {
  await writeFileAtomically(statePath(dir), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Serializes updates of the state file: processes of one start level are
 * spawned concurrently, and each update must start from the last one written.
 */
export class StateWriter {
  private chain: Promise<void> = Promise.resolve();
  constructor(private readonly dir: string, private state: ShadowStateFile) {}

  get current(): ShadowStateFile {
    return this.state;
  }

  update(change: (s: ShadowStateFile) => ShadowStateFile): Promise<void> {
    const next = this.chain.then(async () => {
      this.state = { ...change(this.state), updatedAt: new Date().toISOString() };
      await writeStateAtomically(this.dir, this.state);
    });
    // A failed write must not stop later ones from being tried; the caller sees its own failure.
    this.chain = next.catch(() => {});
    return next;
  }
}
