/**
 * Is a recorded shadow process still running, and is it still ours?
 * A PID alone can be reused by an unrelated process after ours ended, and a
 * child whose parent was killed can linger as a zombie (no longer running,
 * its port already free) if the init process does not reap it. So on Linux a
 * PID counts as our live process only when /proc says it is not a zombie and
 * its command line names the configuration file we started it with. Where
 * /proc is missing, `kill(pid, 0)` alone decides.
 */
import { readFileSync } from 'node:fs';

export type Liveness = 'running' | 'gone' | 'zombie' | 'other';

export function liveness(pid: number, configPath: string): Liveness {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: the PID exists but belongs to another user: not a process we started.
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? 'other' : 'gone';
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && process.platform !== 'linux') return 'running';
    return code === 'ENOENT' ? 'gone' : 'running';
  }
  // The state letter follows the command name in parentheses, which may itself hold spaces or ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') return 'zombie';
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes(configPath) ? 'running' : 'other';
  } catch {
    return 'gone';
  }
}

export function isRunning(pid: number, configPath: string): boolean {
  return liveness(pid, configPath) === 'running';
}
