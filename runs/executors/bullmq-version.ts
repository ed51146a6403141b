/**
 * The code version a distributed run is tied to: the package version plus a
 * hash of the built code a worker would run (every .js file of engine/,
 * models/, twins/ and runs/ under dist/, tests left out). Two builds that
 * could compute a chunk differently get different versions, so a worker of
 * another build never serves a run (its queue is another) and its results
 * are refused if they arrive anyway.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/ of this build: the folder job modules are named relative to, here and on every worker. */
export const DIST_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CODE_FOLDERS = ['engine', 'models', 'twins', 'runs'];

async function codeFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await codeFiles(path));
    else if (entry.name.endsWith('.js') && !entry.name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

async function computeVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(DIST_ROOT, '..', 'package.json'), 'utf8')) as { version?: unknown };
  const hash = createHash('sha256');
  for (const folder of CODE_FOLDERS) {
    const files = (await codeFiles(join(DIST_ROOT, folder)).catch(() => [])).map((f) => relative(DIST_ROOT, f).split(sep).join('/')).sort();
    for (const file of files) hash.update(`${file}\0`).update(await readFile(join(DIST_ROOT, file))).update('\0');
  }
  return `${String(pkg.version ?? '0')}+${hash.digest('hex').slice(0, 12)}`;
}

let cached: Promise<string> | null = null;

/** `0.1.0+1a2b3c4d5e6f`: computed once per process. */
export function codeVersion(): Promise<string> {
  return cached ??= computeVersion();
}
