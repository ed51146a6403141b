/**
 * Selecting the tfjs backend, loudly. tfjs falls back to another backend
 * silently when one fails to initialise (setBackend resolves to false and the
 * old backend stays active), so every selection is checked: the backend that
 * is active afterwards must be the one asked for, or BackendUnavailableError.
 *
 *  auto            wasm where it loads, else cpu (the default)
 *  cpu             pure JS, always available
 *  wasm            @tensorflow/tfjs-backend-wasm; its .wasm files are loaded
 *                  from the installed package directory (works offline)
 *  tensorflow      @tensorflow/tfjs-node (libtensorflow), loaded by dynamic
 *  tensorflow-gpu  import only when installed (@tensorflow/tfjs-node-gpu);
 *                  both register the backend named `tensorflow`
 *  webgpu          @tensorflow/tfjs-backend-webgpu, needs navigator.gpu
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

import { BACKENDS } from './tf-backend-names.js';
import type { BackendChoice, BackendName } from './tf-backend-names.js';

export { BACKENDS, BACKEND_CHOICES } from './tf-backend-names.js';
export type { BackendChoice, BackendName } from './tf-backend-names.js';

export class BackendUnavailableError extends Error {
  constructor(readonly backend: string, reason: string) {
    super(`tfjs backend "${backend}" is not available: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

/** Imports an optional package by a name TypeScript does not resolve at compile time. */
async function importOptional(pkg: string, backend: string, hint: string): Promise<unknown> {
  try {
    return await import(pkg);
  } catch (e) {
    throw new BackendUnavailableError(backend, `${pkg} could not be loaded (${(e as Error).message.split('\n')[0]}). ${hint}`);
  }
}

async function register(name: BackendName): Promise<string> {
  switch (name) {
    case 'cpu':
      return 'cpu';
    case 'wasm': {
      const wasm = (await importOptional('@tensorflow/tfjs-backend-wasm', name, 'Install @tensorflow/tfjs-backend-wasm.')) as { setWasmPaths(p: string): void };
      const dir = dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm')));
      wasm.setWasmPaths(`${dir}/`);
      return 'wasm';
    }
    case 'tensorflow':
    case 'tensorflow-gpu': {
      const pkg = name === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      await importOptional(pkg, name, `Install ${pkg} (it downloads libtensorflow, so it needs internet access at install time), or use --backend cpu or wasm.`);
      if (!tf.findBackend('tensorflow')) {
        throw new BackendUnavailableError(name, `${pkg} loaded but registered its backend with a different @tensorflow/tfjs-core than @tensorflow/tfjs ${tf.version.tfjs} (align their versions)`);
      }
      return 'tensorflow';
    }
    case 'webgpu':
      await importOptional('@tensorflow/tfjs-backend-webgpu', name, 'Install @tensorflow/tfjs-backend-webgpu and run where navigator.gpu exists.');
      return 'webgpu';
  }
}

/** `auto`: wasm where it loads, else cpu; returns tf and, when it fell back, why. */
export async function useBackendChoice(choice: BackendChoice): Promise<{ tf: typeof tf; note?: string }> {
  if (choice !== 'auto') return { tf: await useBackend(choice) };
  try {
    return { tf: await useBackend('wasm') };
  } catch (e) {
    if (!(e instanceof BackendUnavailableError)) throw e;
    return { tf: await useBackend('cpu'), note: `backend auto: wasm unavailable (${e.message}), cpu used` };
  }
}

/** Makes `name` the active tfjs backend or throws BackendUnavailableError; returns tf. */
export async function useBackend(name: BackendName): Promise<typeof tf> {
  // Production mode: no per-op debug checks, and no "install tfjs-node" banner on stderr for every CLI run.
  tf.enableProdMode();
  if (!BACKENDS.includes(name)) throw new BackendUnavailableError(name, `unknown backend; expected one of ${BACKENDS.join(', ')}`);
  const registered = await register(name);
  let ok: boolean;
  try {
    ok = await tf.setBackend(registered);
    await tf.ready();
  } catch (e) {
    throw new BackendUnavailableError(name, (e as Error).message);
  }
  assertBackend(name, ok);
  return tf;
}

/** Fails unless the active backend is the one asked for (tfjs would otherwise carry on with another one). */
export function assertBackend(name: BackendName, setOk = true): void {
  const want = name === 'tensorflow-gpu' ? 'tensorflow' : name;
  const active = tf.getBackend();
  if (!setOk || active !== want) throw new BackendUnavailableError(name, `initialisation failed and tfjs fell back to "${active}"`);
}
