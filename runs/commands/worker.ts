/**
 * `shadowcast worker`: serves Monte Carlo chunks (any executor job) from the
 * Redis queue of this build until stopped (Ctrl-C / SIGTERM finish the tasks
 * in hand first). Start one per machine, as many as you like: docs/distributed.md.
 */
import { availableParallelism } from 'node:os';
import { once } from 'node:events';
import { checkRedisUrl } from '../executors/bullmq-connection.js';
import { startQueueWorker } from '../executors/bullmq-worker.js';
import { defineCommand, parseFlags, usageText } from '../flags.js';

export const WORKER = defineCommand({
  command: 'worker',
  flags: {
    redis: { kind: 'custom', value: 'URL', required: true, parse: checkRedisUrl, help: 'Redis the submitting runs use, e.g. redis://10.0.0.5:6379' },
    concurrency: { kind: 'positiveInt', value: 'N', absent: 'all cores', help: 'chunks computed at once (threads)' },
    'lock-duration': { kind: 'duration', default: '30s', help: 'a worker silent this long is taken for dead and its chunk runs elsewhere' },
    'stalled-interval': { kind: 'duration', default: '30s', help: "how often this worker looks for dead workers' chunks" },
  },
  notes: 'Runs until Ctrl-C or SIGTERM; a second Ctrl-C stops at once (the chunks in hand then run again elsewhere).',
});

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(WORKER, argv);
  if (!parsed) {
    console.log(usageText(WORKER));
    return 0;
  }
  const v = parsed.values;
  const worker = await startQueueWorker({
    url: v.redis,
    concurrency: v.concurrency ?? availableParallelism(),
    lockDurationMs: v['lock-duration'] * 1000,
    stalledIntervalMs: v['stalled-interval'] * 1000,
    log: (line) => console.log(line),
  });
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  process.once('SIGINT', () => process.exit(130));
  console.log(`worker ${worker.id}: stopping after the chunks in hand`);
  await worker.close();
  // A Redis that went away leaves reconnection timers behind: nothing more to wait for.
  process.exit(0);
}
