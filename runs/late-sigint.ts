/**
 * Ctrl-C after a command has finished its work (writing its last file, or
 * about to exit): Node's default would kill the process with 130 and no
 * word, which README's exit codes say means "interrupted, resume". Instead
 * the interrupt is answered and ignored, so the process ends with the run's
 * own exit code; a second Ctrl-C stops it at once (130).
 */
export function ignoreLateSigint(command: string): void {
  let seen = false;
  process.on('SIGINT', () => {
    if (seen) process.exit(130);
    seen = true;
    console.error(`shadowcast ${command}: interrupt ignored: the run had already finished its work; its results are kept and it exits with its own code (Ctrl-C again to stop now)`);
  });
}
