/**
 * Writes a set of files into a folder so that a reader sees all or none of
 * them: everything goes to a temp folder beside the target first and is
 * renamed into place only once every file is written.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function writeFilesAtomically(dir: string, files: Readonly<Record<string, string>>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const tmp = await mkdtemp(join(dir, '.writing-'));
  try {
    for (const [name, body] of Object.entries(files)) await writeFile(join(tmp, name), body);
    const out: string[] = [];
    for (const name of Object.keys(files)) {
      await rename(join(tmp, name), join(dir, name));
      out.push(join(dir, name));
    }
    return out;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
