/** Paths and small helpers for the models tests (compiled to dist/models/). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: this file runs from dist/models/. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The shared real data beside the checkout (never copied into the project). */
export const DATA_DIR = join(REPO_ROOT, '..', 'shared', 'data');
export const NAB_DIR = join(DATA_DIR, 'nab');
export const NEZHA_METRIC_DIR = join(DATA_DIR, 'nezha-train-ticket', '2023-01-29', 'metric');

/**
 * Runs `use` with a fresh folder under the OS temp folder and removes the
 * folder afterwards, whether `use` passed or threw: the suite leaves nothing
 * behind in /tmp.
 */
export async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'shadowcast-models-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writeTemp(dir: string, name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** Runs `f` with console.log and stderr silenced (commands under test print progress and tables). */
export async function silently<T>(f: () => Promise<T>): Promise<T> {
  const log = console.log, err = process.stderr.write.bind(process.stderr);
  console.log = () => undefined;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await f();
  } finally {
    console.log = log;
    process.stderr.write = err;
  }
}

export { seasonalSeries } from './synthetic.js';
