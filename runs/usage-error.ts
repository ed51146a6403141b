/**
 * The two error classes of the commands themselves (exit codes 2 and 3, see
 * runs/errors.ts). Kept free of imports: every command loads this file.
 */

/** A flag or positional argument is missing, unknown or malformed; carries the usage of the command it belongs to. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command as typed after `shadowcast`, e.g. `simulate` or `import zoo`. */
    readonly command: string,
    /** That command's usage text, printed after the message. */
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The subcommand an error came out of (`shadow plan`), for the `shadowcast
 * <command>:` prefix of errors whose class carries no command: set once, by
 * the innermost dispatcher.
 */
export const failedIn = new WeakMap<object, string>();

/** The run was stopped by Ctrl-C (SIGINT); the message says what was kept and how to resume. Exit 130, as a shell reports an interrupted program. */
export class InterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InterruptedError';
  }
}

/** A problem in an input the command itself reads (not through a reader with its own error class): the message names the file and what was expected. */
export class InputError extends Error {
  constructor(
    message: string,
    /** The command as typed after `shadowcast` when it says more than the top-level name (`import zoo`). */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}
