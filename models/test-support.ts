/** Paths and small helpers for the models tests (compiled to dist/models/). */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';

/** Repository root: this file runs from dist/models/. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The shared real data beside the checkout (never copied into the project). */
export const DATA_DIR = join(REPO_ROOT, '..', 'shared', 'data');
export const NAB_DIR = join(DATA_DIR, 'nab');
export const NEZHA_METRIC_DIR = join(DATA_DIR, 'nezha-train-ticket', '2023-01-29', 'metric');

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'shadowcast-models-'));
}

export async function writeTemp(dir: string, name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** level + amplitude * sin(daily phase) + AR(1) noise, deterministic from the seed. */
export function seasonalSeries(n: number, period: number, seed: string, opts: { level?: number; amplitude?: number; noise?: number; ar?: number } = {}): Float64Array {
  const rng = seedrandom(seed);
  const { level = 50, amplitude = 10, noise = 1, ar = 0.5 } = opts;
  const y = new Float64Array(n);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const u = Math.max(rng(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
    e = ar * e + noise * z;
    y[i] = level + amplitude * Math.sin((2 * Math.PI * i) / period) + e;
  }
  return y;
}
