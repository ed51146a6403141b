/**
 * Opening an input file the safe way, for every reader of the project: only
 * regular files (a device such as /dev/zero, a FIFO or a folder would read
 * forever or fail deep inside a parser), at most LIMITS.inputBytes, UTF-8
 * text without NUL bytes. Problems come back as one short sentence that never
 * quotes the file's contents; each reader wraps it in its own error class.
 */
import { open, stat } from 'node:fs/promises';
import { LIMITS } from '../../engine/limits.js';

const WHY: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'a folder, not a file',
  ENOTDIR: 'a path through something that is not a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code !== undefined && Object.hasOwn(WHY, code) ? WHY[code]! : code ?? 'unreadable';
}

/** Why `file` cannot be read as an input, or null when it can (a regular file within the size limit). */
export async function inputFileProblem(file: string, maxBytes: number = LIMITS.inputBytes): Promise<string | null> {
  let info;
  try {
    info = await stat(file);
  } catch (e) {
    return `cannot read: ${reason(e)}`;
  }
  if (info.isDirectory()) return 'cannot read: a folder, not a file';
  if (!info.isFile()) return 'cannot read: not a regular file (a device, FIFO or socket is refused)';
  if (info.size > maxBytes) return `cannot read: ${info.size} bytes is over the limit of ${maxBytes} bytes for an input file (docs/limits.md)`;
  return null;
}

/**
 * The file's text. `fail` turns a one-line problem into the reader's error.
 * The size is checked again while reading (a file can grow, and /proc files
 * report size 0).
 */
export async function readInputText(file: string, fail: (problem: string) => Error, maxBytes: number = LIMITS.inputBytes): Promise<string> {
  const problem = await inputFileProblem(file, maxBytes);
  if (problem !== null) throw fail(problem);
  let bytes: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const chunk = Buffer.alloc(Math.min(1 << 20, maxBytes + 1 - total));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        total += bytesRead;
        if (total > maxBytes) throw fail(`cannot read: more than ${maxBytes} bytes, the limit for an input file (docs/limits.md)`);
      }
      bytes = Buffer.concat(chunks, total);
    } finally {
      await handle.close();
    }
  } catch (e) {
    if (!(e as NodeJS.ErrnoException).code) throw e;
    throw fail(`cannot read: ${reason(e)}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fail('cannot read: not UTF-8 text');
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw fail(`cannot read: a NUL byte at line ${lineAt(text, nul)} (a binary file?)`);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
