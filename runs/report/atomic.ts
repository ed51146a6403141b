/**
 * Writes a set of files as one folder so that a reader sees the old complete
 * set or the new complete set, never a mix.
 *
 * The new set is written (and fsynced) in a temp folder beside DIR, on the
 * same filesystem, named `.<name>.new-<pid>-<random>`. Then:
 *   1. DIR is renamed aside to `.<name>.old-<pid>-<random>`;
 *   2. the temp folder is renamed to DIR (DIR now holds the new set);
 *   3. every entry of the old folder that the new set does not have (the
 *      `.chunks/` checkpoints, anything else the user keeps there) is moved
 *      into DIR by rename;
 *   4. the old folder, now holding only superseded outputs, is removed.
 * Node has no atomic folder exchange, so between 1 and 2 DIR does not exist
 * for an instant; a crash there leaves the old set complete under its `.old-`
 * name, and the next write puts it back first (recoverLeftovers). A failed
 * write removes its temp folder and leaves DIR as it found it.
 *
 * Leftovers are only touched when the process that made them is gone (the pid
 * in the name), so a write in progress keeps its folders. Two writes to the
 * same DIR at once are still not supported: one of them may fail.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../usage-error.js';
// Each file of a set is written durably, so the renamed-in set is never a set of empty files after a power cut.
import { writeDurably } from './atomic-file.js';

/** Temp/old folder names this process is using right now (its own pid says "alive" for them all). */
const inFlight = new Set<string>();

/**
 * Refuses, before any work, an output folder that exists as something else
 * (a file), or that holds a folder where one of its output `files` goes
 * (paths relative to `dir`): the run would otherwise fail at its first
 * checkpoint with the system's ENOTDIR, or after all its work at the final
 * write, or (a set swapped in by writeFilesAtomically) remove that folder
 * with the superseded outputs.
 */
export async function checkOutputFolder(dir: string, flag = '--out', options: { readonly replacedWhole?: boolean; readonly files?: readonly string[] } = {}): Promise<void> {
  const existing = await lstat(dir).catch(() => null);
  if (existing && !existing.isDirectory()) throw new InputError(`${flag} ${dir}: exists and is not a folder`);
  // A folder replaced as a whole when the results are written (writeFilesAtomically) cannot be the current one: refused now, not after the run.
  if (existing && options.replacedWhole && holdsCurrentFolder(await followLink(resolve(dir)))) throw new InputError(`${flag} ${dir}: the output folder must not be the current folder or hold it (it is replaced as a whole); name a new folder, e.g. ${flag} out`);
  if (existing) {
    const clash = await foldersAt(dir, options.files ?? []);
    if (clash.length > 0) throw new InputError(`${flag} ${dir}: ${folderClashMessage(dir, clash)}`);
  }
}

/** The `names` (paths relative to `dir`) that exist as folders; `stat` follows links, so a link to a folder counts too. */
async function foldersAt(dir: string, names: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) if ((await stat(join(dir, name)).catch(() => null))?.isDirectory()) found.push(name);
  return found;
}

function folderClashMessage(dir: string, names: readonly string[]): string {
  const paths = names.map((n) => join(dir, n)).join(', ');
  return `${paths} ${names.length === 1 ? 'is a folder where an output file goes' : 'are folders where output files go'} (writing the outputs would replace ${names.length === 1 ? 'it and what it holds' : 'them and what they hold'}); move or rename ${names.length === 1 ? 'it' : 'them'}, or name another output folder`;
}

/** Whether `target` is the current folder or one of its parents. */
function holdsCurrentFolder(target: string): boolean {
  const fromTarget = relative(target, process.cwd());
  return fromTarget !== '..' && !fromTarget.startsWith(`..${sep}`) && !isAbsolute(fromTarget);
}

/**
 * Refuses, before any work, an output file that exists as a folder: the
 * final rename would otherwise fail with the system's EISDIR after all the
 * work is done.
 */
export async function checkOutputFile(file: string, flag = '--out'): Promise<void> {
  const existing = await lstat(file).catch(() => null);
  if (existing?.isDirectory()) throw new InputError(`${flag} ${file}: is a folder; give a file name`);
}

export async function writeFilesAtomically(dir: string, files: Readonly<Record<string, string>>): Promise<string[]> {
  const names = Object.keys(files);
  for (const name of names) {
    if (name !== basename(name) || name === '.' || name === '..' || name === '') throw new RangeError(`writeFilesAtomically: '${name}' is not a plain file name`);
  }
  const target = await followLink(resolve(dir));
  if (holdsCurrentFolder(target)) {
    // The folder is replaced as a whole: the process would be left standing in the removed old one.
    throw new RangeError(`${dir}: the output folder must not be the current folder or hold it`);
  }
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  await recoverLeftovers(target, new Set(names));
  const existing = await isPresent(target) ? await lstat(target) : null;
  if (existing && !existing.isDirectory()) throw new Error(`${dir}: exists and is not a folder`);
  // An output name taken by a folder (the user's) would go with the superseded outputs when the old set is removed:
  // refused, nothing touched. Commands refuse it before their work (checkOutputFolder's `files`); this is the last guard.
  const clash = existing ? await foldersAt(target, names) : [];
  if (clash.length > 0) throw new InputError(`${dir}: ${folderClashMessage(dir, clash)}`);

  // mkdir rather than mkdtemp: the folder becomes DIR, so it gets DIR's usual mode, not mkdtemp's 0700.
  const fresh = join(parent, `${leftoverPrefix(target, 'new')}${process.pid}-${randomBytes(6).toString('hex')}`);
  await mkdir(fresh);
  inFlight.add(fresh);
  try {
    if (existing) await chmod(fresh, existing.mode & 0o7777);
    for (const name of names) await writeDurably(join(fresh, name), files[name]!);
    await swapIn(target, fresh, new Set(names));
  } catch (e) {
    // Nothing half-written stays behind; after a successful swap the temp path no longer exists.
    await rm(fresh, { recursive: true, force: true });
    throw e;
  } finally {
    inFlight.delete(fresh);
  }
  return names.map((name) => join(dir, name));
}

/**
 * Puts back what an interrupted write left beside `dir` (an absolute path),
 * given the names of the output files:
 *  - if `dir` is missing, or holds none of the outputs while the newest
 *    `.old-` folder does (the crash fell between the two renames and a
 *    resumed run has since made `dir/.chunks/` again), what `dir` holds is
 *    merged into that `.old-` folder, which is then renamed back to `dir`:
 *    the old set reappears whole, by one rename;
 *  - the entries of any other `.old-` folder that `dir` lacks (checkpoints
 *    caught mid-carry) are merged into `dir`, except outputs, which the set
 *    in `dir` supersedes;
 *  - the `.old-` and `.new-` folders of finished processes are removed.
 * Exported so a caller can recover before it reads `dir` (e.g. before
 * resuming from `dir/.chunks/`).
 */
export async function recoverLeftovers(dir: string, outputs: ReadonlySet<string>): Promise<void> {
  const parent = dirname(dir);
  let siblings: string[];
  try {
    siblings = await readdir(parent);
  } catch (e) {
    if (isCode(e, 'ENOENT')) return;
    throw e;
  }
  const stale = (prefix: string): string[] =>
    siblings.filter((s) => s.startsWith(prefix) && !isLive(join(parent, s), prefix)).map((s) => join(parent, s));
  const olds = await newestFirst(stale(leftoverPrefix(dir, 'old')));
  const newest = olds[0];
  if (newest && (!(await isPresent(dir)) || (!(await holdsAny(dir, outputs)) && (await holdsAny(newest, outputs))))) {
    if (await isPresent(dir)) {
      await carryOver(dir, newest, new Set());
      await rm(dir, { recursive: true, force: true });
    }
    await rename(newest, dir);
    olds.shift();
  }
  for (const old of olds) {
    if (await isPresent(dir)) await carryOver(old, dir, outputs);
    await rm(old, { recursive: true, force: true });
  }
  for (const fresh of stale(leftoverPrefix(dir, 'new'))) await rm(fresh, { recursive: true, force: true });
}

async function swapIn(target: string, fresh: string, written: ReadonlySet<string>): Promise<void> {
  if (!(await isPresent(target))) {
    await rename(fresh, target);
    return;
  }
  const old = join(dirname(target), `${leftoverPrefix(target, 'old')}${process.pid}-${randomBytes(6).toString('hex')}`);
  inFlight.add(old);
  try {
    await rename(target, old);
    try {
      await rename(fresh, target);
    } catch (e) {
      // The new set could not go in: the old one goes back (if even that fails, the next write recovers it).
      await rename(old, target).catch(() => undefined);
      throw e;
    }
    await carryOver(old, target, written);
    await rm(old, { recursive: true, force: true });
  } finally {
    inFlight.delete(old);
  }
}

/** Per-file temp folders the earlier writer left inside DIR when it crashed: dropped, not carried. */
const LEGACY_TEMP_PREFIX = '.writing-';

/**
 * Moves, by rename, every entry of `from` that `into` lacks, except the
 * top-level `outputs`; folders both hold (`.chunks/`) are merged the same way,
 * and on a clash of files `into` keeps its own.
 */
async function carryOver(from: string, into: string, outputs: ReadonlySet<string>): Promise<void> {
  const present = new Set(await readdir(into));
  for (const entry of await readdir(from)) {
    if (outputs.has(entry) || entry.startsWith(LEGACY_TEMP_PREFIX)) continue;
    const source = join(from, entry), destination = join(into, entry);
    if (!present.has(entry)) await rename(source, destination);
    else if ((await lstat(source)).isDirectory() && (await lstat(destination)).isDirectory()) await carryOver(source, destination, new Set());
  }
}

async function holdsAny(dir: string, names: ReadonlySet<string>): Promise<boolean> {
  if (!(await isPresent(dir))) return false;
  return (await readdir(dir)).some((entry) => names.has(entry));
}

/** `.<name>.new-` / `.<name>.old-`: hidden siblings of `dir`, on its filesystem. */
function leftoverPrefix(dir: string, kind: 'new' | 'old'): string {
  return `.${basename(dir)}.${kind}-`;
}

/** A leftover is live while the process named in it runs (this process: while the write that made it runs). */
function isLive(path: string, prefix: string): boolean {
  const pid = Number(basename(path).slice(prefix.length).split('-')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return inFlight.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return !isCode(e, 'ESRCH'); // EPERM: alive, owned by someone else
  }
}

/** A DIR that is a symbolic link keeps its link: the swap happens where the link points. */
async function followLink(path: string): Promise<string> {
  try {
    return (await lstat(path)).isSymbolicLink() ? await realpath(path) : path;
  } catch (e) {
    if (isCode(e, 'ENOENT')) return path;
    throw e;
  }
}

async function newestFirst(paths: readonly string[]): Promise<string[]> {
  const times = await Promise.all(paths.map(async (p) => ({ p, t: (await lstat(p)).mtimeMs })));
  return times.sort((a, b) => b.t - a.t).map((x) => x.p);
}

async function isPresent(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if (isCode(e, 'ENOENT')) return false;
    throw e;
  }
}

function isCode(e: unknown, code: string): boolean {
  return e instanceof Error && (e as NodeJS.ErrnoException).code === code;
}
