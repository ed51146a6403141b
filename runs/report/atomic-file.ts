/**
 * One file written all or nothing: the text goes to a temporary file beside
 * the target (same filesystem), then a rename puts it in place, so a reader
 * sees the old file or the new one, never a part. A failed write removes its
 * temporary file. The file is synced before the rename and the folder after
 * it (writeDurably, which atomic.ts uses too), so a crash keeps the old file or the new
 * one. Temp files of this target left by a writer that died are removed
 * first (engine/temp-files.ts). (A whole output *set* is swapped by atomic.ts
 * instead.)
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { removeDeadTemps, syncFolder } from '../../engine/temp-files.js';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../usage-error.js';

/** A new file (refused if it exists), written and flushed to disk: after a power cut it is whole or absent, never empty. */
export async function writeDurably(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomically(file: string, data: string | Uint8Array): Promise<string> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  await removeDeadTemps(dir, basename(file));
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeDurably(temp, data);
    await rename(temp, file);
    await syncFolder(dir);
  } catch (e) {
    await rm(temp, { force: true });
    // The system says EISDIR about the temp file's rename; the user gave a folder where a file goes.
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new InputError(`${file}: is a folder; give a file name`);
    throw e;
  }
  return file;
}
