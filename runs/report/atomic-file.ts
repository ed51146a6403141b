/**
 * One file written all or nothing: the text goes to a temporary file beside
 * the target (same filesystem), then a rename puts it in place, so a reader
 * sees the old file or the new one, never a part. A failed write removes its
 * temporary file. (A whole output *set* is swapped by atomic.ts instead.)
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../usage-error.js';

export async function writeFileAtomically(file: string, data: string | Uint8Array): Promise<string> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    // The system says EISDIR about the temp file's rename; the user gave a folder where a file goes.
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new InputError(`${file}: is a folder; give a file name`);
    throw e;
  }
  return file;
}
