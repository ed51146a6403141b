/**
 * The distributed executor: each task becomes a BullMQ job on the queue of
 * this build (bullmq-wire.ts), served by `shadowcast worker` processes on
 * any machine that reaches the Redis. The submitter follows its jobs by
 * polling their state (one pipelined read per poll, no blocking connection),
 * which also makes it robust to a Redis restart: a job that vanished with a
 * restarted Redis is put back, and a Redis that stays away longer than
 * `reconnectSeconds` stops the run with a clear message — every result
 * delivered before is kept by the caller (the Monte Carlo runner's
 * checkpoints), so running the command again resumes.
 *
 * Retries follow the executor contract: a failed attempt is retried once
 * (BullMQ `attempts`), a task whose worker died is restarted once (BullMQ's
 * stalled-job check, `maxStalledCount` on the worker); a result is delivered
 * once, from the one completion that held the job's lock.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { MAX_ATTEMPTS, TaskFailedError, type Executor, type Job, type RunOptions } from './executor.js';
import { openRedis, probeRedis, redactUrl, RedisUnavailableError, whenReady, withTimeout } from './bullmq-connection.js';
import { describeWorkers, liveWorkers, type WorkerEntry } from './bullmq-registry.js';
import { codeVersion } from './bullmq-version.js';
import { decodeValue, KEY_PREFIX, moduleName, queueName, TaskEncoder, type WireJob, type WireProgress, type WireResult } from './bullmq-wire.js';

export interface BullMQExecutorOptions {
  /** redis://host:port of the Redis the workers use. */
  readonly url: string;
  /** How long a run waits for a Redis that went away before it stops. Default 60 s. */
  readonly reconnectSeconds?: number;
  /** How long a run waits for a worker of this build (at the start, or after all of them left). Default 60 s. */
  readonly workerWaitSeconds?: number;
  /** Bound on the first connection. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Between two reads of the jobs' state. Default 100 ms. */
  readonly pollMs?: number;
}

/** The job hash fields a poll reads (BullMQ's names): never the job's data. */
const FIELDS = ['timestamp', 'finishedOn', 'returnvalue', 'failedReason', 'progress', 'atm', 'stc'] as const;
type Row = Record<(typeof FIELDS)[number], string | null>;
/** Read the worker registry every this many polls. */
const REGISTRY_EVERY = 20;

export class DistributedRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistributedRunError';
  }
}

interface Connected {
  readonly redis: Redis;
  readonly queue: Queue<WireJob, WireResult>;
  readonly version: string;
}

export class BullMQExecutor implements Executor {
  readonly kind = 'bullmq';
  private connected: Connected | null = null;
  private served = 0;
  /** Retries seen in the last run because a job vanished with a restarted Redis. */
  resubmitted = 0;

  constructor(readonly options: BullMQExecutorOptions) {}

  /** Worker processes that ran tasks of the last run (from the jobs' progress). */
  get workers(): number {
    return this.served;
  }

  /** One connection per executor even when runs start at once (what-if cells share it): the first call's promise is kept. */
  private connecting: Promise<Connected> | null = null;

  private connect(): Promise<Connected> {
    this.connecting ??= this.open().catch((e: unknown) => {
      this.connecting = null;
      throw e;
    });
    return this.connecting;
  }

  private async open(): Promise<Connected> {
    await probeRedis(this.options.url, this.options.connectTimeoutMs ?? 5_000);
    const version = await codeVersion();
    const redis = openRedis(this.options.url, false);
    await whenReady(redis, this.options.url, this.options.connectTimeoutMs ?? 5_000);
    const queue = new Queue<WireJob, WireResult>(queueName(version), { connection: redis, prefix: KEY_PREFIX });
    queue.on('error', () => { /* a failed command is handled where it was issued */ });
    return this.connected = { redis, queue, version };
  }

  /** The live workers of this build, waiting up to `waitMs` for one; throws DistributedRunError naming the others when none came. */
  private async ownWorkers(c: Connected, signal: AbortSignal | undefined, waitMs: number): Promise<WorkerEntry[]> {
    const until = Date.now() + waitMs;
    for (;;) {
      const all = await liveWorkers(c.redis);
      const own = all.filter((w) => w.version === c.version);
      if (own.length > 0) return own;
      if (Date.now() >= until) {
        const others = all.length ? `; connected: ${describeWorkers(all)}, which cannot serve it` : '';
        throw new DistributedRunError(`no worker of version ${c.version} is connected to ${redactUrl(this.options.url)}${others}; start one from this build with 'shadowcast worker --redis ${redactUrl(this.options.url)}'`);
      }
      signal?.throwIfAborted();
      await sleep(500);
    }
  }

  async run<Task, Result>(job: Job<Task, Result>, tasks: readonly Task[], options: RunOptions<Result> = {}): Promise<Result[]> {
    const signal = options.signal;
    signal?.throwIfAborted();
    if (tasks.length === 0) return [];
    const c = await this.connect();
    const module = moduleName(job.module);
    const encoder = new TaskEncoder();
    const data: WireJob[] = tasks.map((task) => ({ version: c.version, module, task: encoder.encode(task) }));
    const run = randomUUID();
    const jobId = (i: number) => `${run}-${i}`;
    const submit = async (indexes: readonly number[]) => {
      await encoder.upload(c.redis);
      await c.queue.addBulk(indexes.map((i) => ({
        name: job.name, data: data[i]!,
        // Jobs are removed once read; the age bounds only what an interrupted submitter leaves behind.
        opts: { jobId: jobId(i), attempts: MAX_ATTEMPTS, removeOnComplete: { age: 3_600 }, removeOnFail: { age: 86_400 } },
      })));
    };

    this.served = 0;
    this.resubmitted = 0;
    const workerWaitMs = 1000 * (this.options.workerWaitSeconds ?? 60);
    await this.ownWorkers(c, signal, workerWaitMs);
    await submit(tasks.map((_, i) => i));

    const results = new Array<Result>(tasks.length);
    const pending = new Set(tasks.map((_, i) => i));
    const retriesSeen = new Array<number>(tasks.length).fill(0);
    const servedBy = new Set<string>();
    const finished: string[] = [];
    const reconnectMs = 1000 * (this.options.reconnectSeconds ?? 60);
    let lastContact = Date.now(), lastWorker = Date.now(), polls = 0;
    try {
      while (pending.size > 0) {
        signal?.throwIfAborted();
        const ids = [...pending];
        let rows: Row[];
        try {
          rows = await withTimeout(this.read(c, ids.map(jobId)), 5_000, 'no answer in 5 s');
          if (++polls % REGISTRY_EVERY === 0) {
            if ((await liveWorkers(c.redis)).some((w) => w.version === c.version)) lastWorker = Date.now();
            else if (Date.now() - lastWorker > workerWaitMs) await this.ownWorkers(c, signal, 0);
          }
          lastContact = Date.now();
        } catch (e) {
          if (e instanceof DistributedRunError) throw e;
          if (Date.now() - lastContact > reconnectMs) {
            const reason = e instanceof Error ? e.message : String(e);
            throw new RedisUnavailableError(`lost Redis at ${redactUrl(this.options.url)} for ${Math.round(reconnectMs / 1000)} s (${reason}); ${tasks.length - pending.size} of ${tasks.length} task(s) had finished and are kept: run the same command again to resume`);
          }
          await sleep(250);
          continue;
        }
        const lost: number[] = [];
        for (const [k, i] of ids.entries()) {
          const row = rows[k]!;
          // No hash at all: the job vanished (a Redis restarted without persistence); put it back.
          if (row.timestamp === null) {
            lost.push(i);
            continue;
          }
          if (row.progress) {
            const progress = JSON.parse(row.progress) as Partial<WireProgress>;
            if (progress.worker) servedBy.add(progress.worker);
          }
          const failedForGood = row.finishedOn !== null && row.failedReason !== null && row.returnvalue === null;
          // BullMQ counts every finished attempt in atm (the successful one too) and every restart after a dead worker in stc.
          const tries = Number(row.atm ?? 0) + Number(row.stc ?? 0) - (row.finishedOn !== null ? 1 : 0);
          for (; retriesSeen[i]! < tries; retriesSeen[i]!++) options.onRetry?.(i, new Error(row.failedReason ?? 'its worker stopped answering'));
          if (failedForGood) {
            throw new TaskFailedError(i, [new Error(row.failedReason!)]);
          }
          if (row.finishedOn === null || row.returnvalue === null) continue;
          const wire = JSON.parse(row.returnvalue) as WireResult;
          if (wire.version !== c.version) {
            throw new TaskFailedError(i, [new Error(`worker ${wire.worker} of version ${wire.version} answered a task of version ${c.version}; results of another build are never merged`)]);
          }
          servedBy.add(wire.worker);
          const result = decodeValue(wire.result) as Result;
          results[i] = result;
          pending.delete(i);
          finished.push(jobId(i));
          await options.onResult?.(i, result);
        }
        if (lost.length > 0) {
          this.resubmitted += lost.length;
          await submit(lost).catch(() => { /* Redis away again: the next poll sees them still missing */ });
        }
        this.served = servedBy.size;
        if (pending.size > 0) await sleep(this.options.pollMs ?? 100);
      }
    } finally {
      this.served = servedBy.size;
      // Best effort: what is left expires by itself (removeOnComplete / removeOnFail ages).
      await withTimeout(Promise.allSettled([...finished, ...[...pending].map(jobId)].map((id) => c.queue.remove(id))), 5_000, 'cleanup').catch(() => {});
    }
    return results;
  }

  private async read(c: Connected, ids: readonly string[]): Promise<Row[]> {
    const batch = c.redis.pipeline();
    for (const id of ids) batch.hmget(c.queue.toKey(id), ...FIELDS);
    const replies = (await batch.exec()) ?? [];
    return replies.map(([error, values]) => {
      if (error) throw error;
      const v = values as (string | null)[];
      return Object.fromEntries(FIELDS.map((f, k) => [f, v[k] ?? null])) as Row;
    });
  }

  async close(): Promise<void> {
    // A connection still being opened is waited for, then closed: none is left reconnecting after the run.
    if (this.connecting) await this.connecting.catch(() => null);
    this.connecting = null;
    const c = this.connected;
    this.connected = null;
    if (!c) return;
    await withTimeout(c.queue.close(), 5_000, 'close').catch(() => {});
    c.redis.disconnect();
  }
}
