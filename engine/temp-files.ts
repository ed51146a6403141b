/**
 * Temp files of single-file writers (write beside the target, then rename):
 * a writer killed mid-write leaves its temp file behind, named after the
 * target and the writer's process id (`.NAME.PID.HEX.tmp`, `NAME.PID.tmp`).
 * Before writing a target, a writer removes those of that target whose
 * process is gone; a live writer's file is never touched.
 */
import { open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Whether a process with this id is running (EPERM: it is, under another user). */
export function writerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Removes `dir`'s leftover temp files of `target` (a file name in `dir`) whose writer process is gone. */
export async function removeDeadTemps(dir: string, target: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const pattern = new RegExp(`^\\.?${escapeRegExp(target)}\\.(\\d+)(?:\\.[0-9a-f]+)?\\.tmp$`);
  for (const name of names) {
    const m = pattern.exec(name);
    if (m && Number(m[1]) !== process.pid && !writerAlive(Number(m[1]))) await rm(join(dir, name), { force: true });
  }
}

/** Makes a rename in `dir` durable (fsync of the folder); a system that cannot sync a folder is left as it is. */
export async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not every platform lets a folder be opened or synced (Windows); the rename itself is still atomic.
  }
}
