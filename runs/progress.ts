/**
 * Progress reporting: a bar on a terminal (cli-progress), plain lines otherwise
 * (CI logs and pipes should not fill with carriage returns).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Advance to `done` out of the total. */
  update(done: number): void;
  stop(): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY && !process.env.CI) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} | eta {eta}s`, stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  // Plain lines at each 10 % so a log shows progress without flooding.
  let lastDecile = -1;
  return {
    update(done) {
      const decile = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total}\n`);
      }
    },
    stop() {},
  };
}
