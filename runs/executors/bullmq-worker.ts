/**
 * A worker process of the distributed executor: takes tasks from the queue
 * of its own build, runs each on a piscina thread (so the process's event
 * loop stays free to renew BullMQ's job locks while a chunk computes), and
 * returns the serialized result. A job of another build is refused without
 * running. A worker that dies mid-task (SIGKILL, a lost machine) loses its
 * lock; BullMQ's stalled-job check on another worker puts the task back in
 * the queue, and the one completion that holds the lock is the one kept.
 */
import { hostname } from 'node:os';
import { Piscina } from 'piscina';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { MAX_ATTEMPTS } from './executor.js';
import { openRedis, probeRedis, redactUrl, withTimeout } from './bullmq-connection.js';
import { registerWorker } from './bullmq-registry.js';
import { codeVersion } from './bullmq-version.js';
import { encodeValue, KEY_PREFIX, moduleUrl, queueName, TaskDecoder, type WireJob, type WireProgress, type WireResult } from './bullmq-wire.js';
import type { TaskEnvelope } from './piscina.js';

export interface QueueWorkerOptions {
  readonly url: string;
  /** Tasks run at once (piscina threads). */
  readonly concurrency: number;
  /** BullMQ lock duration: a worker silent this long is taken for dead. Default 30 s. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs of dead workers. Default 30 s. */
  readonly stalledIntervalMs?: number;
  readonly connectTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface QueueWorker {
  readonly id: string;
  readonly version: string;
  readonly queue: string;
  /** Stops taking tasks, lets the running ones finish, and releases everything. */
  close(): Promise<void>;
}

const WORKER_URL = new URL('./piscina-worker.js', import.meta.url);
/** How long a stopping worker waits to hand its chunks in. */
const CLOSE_MS = 10_000;

export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  if (!(Number.isInteger(o.concurrency) && o.concurrency >= 1)) throw new RangeError(`concurrency must be an integer >= 1, got ${o.concurrency}`);
  const log = o.log ?? (() => {});
  await probeRedis(o.url, o.connectTimeoutMs ?? 5_000);
  const version = await codeVersion();
  const id = `${hostname()}:${process.pid}`;
  const queue = queueName(version);
  const redis = openRedis(o.url, true);
  const decoder = new TaskDecoder(redis);
  const pool = new Piscina<TaskEnvelope, unknown>({ filename: WORKER_URL.href, minThreads: o.concurrency, maxThreads: o.concurrency });

  const handle = async (job: Job<WireJob, WireResult>): Promise<WireResult> => {
    const data = job.data;
    if (data.version !== version) {
      throw new UnrecoverableError(`worker ${id} runs version ${version} and refuses a task of version ${data.version}: its result could differ; start a worker from the submitter's build`);
    }
    await job.updateProgress({ worker: id } satisfies WireProgress);
    const task = await decoder.decode(data.task);
    // Earlier tries of this task: failed attempts and restarts after a dead worker.
    const attempt = Math.min(MAX_ATTEMPTS - 1, job.attemptsMade + job.stalledCounter);
    const result = await pool.run({ module: moduleUrl(data.module), task, attempt } satisfies TaskEnvelope);
    return { version, worker: id, result: encodeValue(result) };
  };

  const worker = new Worker<WireJob, WireResult>(queue, handle, {
    connection: redis,
    prefix: KEY_PREFIX,
    concurrency: o.concurrency,
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 30_000,
    // One restart after a dead worker, as one retry after a failed attempt (MAX_ATTEMPTS).
    maxStalledCount: MAX_ATTEMPTS - 1,
  });
  worker.on('failed', (job, err) => log(`task ${job?.id ?? '?'} failed: ${err.message}`));
  worker.on('error', (err) => log(`queue error: ${err.message}`));
  const unregister = registerWorker(redis, { id, version, concurrency: o.concurrency });
  await worker.waitUntilReady();
  log(`worker ${id}, version ${version}, serving queue ${queue} at ${redactUrl(o.url)} with ${o.concurrency} thread(s)`);

  let closing: Promise<void> | null = null;
  return {
    id, version, queue,
    close: () => closing ??= (async () => {
      // With Redis gone, BullMQ would wait for it forever: the chunks in hand are then lost anyway (they run again elsewhere).
      const graceful = await withTimeout(worker.close().then(() => unregister()), CLOSE_MS, 'Redis did not answer').then(() => true, () => false);
      if (!graceful) log(`Redis did not answer within ${CLOSE_MS / 1000} s: stopping without it`);
      redis.disconnect();
      await pool.destroy();
      if (!graceful) void worker.close(true).catch(() => {});
    })(),
  };
}
