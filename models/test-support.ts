/** Paths and small helpers for the models tests (compiled to dist/models/). */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

export { seasonalSeries } from './synthetic.js';
