/**
 * Spawns a shadow process that outlives the command that started it:
 * detached (its own process group, so a Ctrl-C or a kill of the group of
 * `shadow up` does not reach it), stdout and stderr appended to its log
 * file, and an IPC channel for the start handshake only (process-ready.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface SpawnRequest {
  /** Compiled entry script (emulator-main.js or stub-main.js). */
  readonly script: string;
  readonly configPath: string;
  readonly logPath: string;
}

export function spawnShadowProcess(req: SpawnRequest): ChildProcess {
  const log = openSync(req.logPath, 'a');
  try {
    const child = spawn(process.execPath, [req.script, req.configPath], {
      detached: true,
      stdio: ['ignore', log, log, 'ipc'],
      env: process.env,
    });
    if (child.pid === undefined) {
      // spawn reports failures (ENOENT, EAGAIN) as an 'error' event with no pid.
      throw new Error(`could not start ${req.script} ${req.configPath}`);
    }
    return child;
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(log);
  }
}
