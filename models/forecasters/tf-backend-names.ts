/**
 * The tfjs backend names, apart from tf-backend.ts so that the CLI's options
 * table can list them without importing tfjs (which costs ~0.8 s per call).
 * `auto` is wasm where its package loads (about 6x faster than cpu for the
 * LSTM here), else cpu, with a note saying which.
 */
export type BackendName = 'cpu' | 'wasm' | 'tensorflow' | 'tensorflow-gpu' | 'webgpu';
export const BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'tensorflow', 'tensorflow-gpu', 'webgpu'];
export type BackendChoice = BackendName | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', ...BACKENDS];
