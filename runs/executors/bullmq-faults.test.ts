/**
 * Faults of a distributed run, against a real redis-server and real worker
 * processes: a worker killed mid-chunk, a Redis restarted mid-run (the run
 * carries on), and a Redis gone for longer than the run waits (it stops with
 * a clear message; run again, it resumes from its checkpoints without
 * recomputing what finished). Each ends with exactly the local result:
 * nothing lost, nothing counted twice.
 */
import { readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../paths.js';
import { stableJson } from '../../twins/definition/content-hash.js';
import { loadTwinFile } from '../../twins/definition/load.js';
import { withTempDir } from '../test-support.js';
import { runMonteCarlo, type MonteCarloOptions } from '../montecarlo/runner.js';
import { openRedis, RedisUnavailableError } from './bullmq-connection.js';
import { BullMQExecutor } from './bullmq.js';
import { spawnWorker, startRedis, type RedisServer, type WorkerProcess } from './bullmq-test-support.js';
import { codeVersion } from './bullmq-version.js';
import { KEY_PREFIX, queueName, type WireJob, type WireProgress } from './bullmq-wire.js';

const shop = await loadTwinFile(join(REPO_ROOT, 'twins/examples/shop.yaml'));
const base: MonteCarloOptions = { replications: 6, chunkSize: 1, settings: { seed: 11, horizon: 180, reportWindow: 60 } };
const reference = stableJson((await runMonteCarlo(shop, { ...base, workers: 0 })).summary);
/** Short locks, so a dead worker's chunk is taken back within seconds. */
const FAST = ['--concurrency', '1', '--lock-duration', '2s', '--stalled-interval', '1s'];

async function withCluster(prefix: string, body: (redis: RedisServer, workers: WorkerProcess[], dir: string) => Promise<void>): Promise<void> {
  await withTempDir(prefix, async (dir) => {
    const redis = await startRedis(dir);
    const workers: WorkerProcess[] = [];
    try {
      workers.push(...await Promise.all([spawnWorker(redis.url, FAST), spawnWorker(redis.url, FAST)]));
      await body(redis, workers, dir);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await redis.stop();
    }
  });
}

test('a worker killed with SIGKILL mid-chunk: the chunk runs again on the other worker, nothing lost or counted twice', () => withCluster('bullmq-kill', async (redis, workers) => {
  const connection = openRedis(redis.url, true);
  const queue = new Queue<WireJob>(queueName(await codeVersion()), { connection, prefix: KEY_PREFIX });
  const executor = new BullMQExecutor({ url: redis.url });
  const seen: { killed: WorkerProcess | null } = { killed: null };
  let running = true;
  // The victim: the first worker seen holding a chunk (its job's progress names it as it starts computing).
  const killer = (async () => {
    while (!seen.killed && running) {
      for (const job of await queue.getActive()) {
        const victim = workers.find((w) => `${hostname()}:${w.child.pid}` === (job.progress as Partial<WireProgress>).worker);
        if (victim && !seen.killed) {
          victim.child.kill('SIGKILL');
          seen.killed = victim;
        }
      }
      await sleep(20);
    }
  })();
  try {
    const r = await runMonteCarlo(shop, { ...base, executor }).finally(() => { running = false; });
    await killer;
    assert.ok(seen.killed, 'a worker was killed mid-chunk');
    assert.is(seen.killed!.child.signalCode, 'SIGKILL');
    assert.ok(r.retriedChunks >= 1, `${r.retriedChunks} chunk(s) retried`);
    assert.is(r.summary.count, base.replications);
    assert.is(stableJson(r.summary), reference);
  } finally {
    running = false;
    await executor.close();
    await queue.close();
    connection.disconnect();
  }
}));

test('Redis restarted mid-run (its jobs lost): the run carries on to the same result', () => withCluster('bullmq-restart', async (redis) => {
  const executor = new BullMQExecutor({ url: redis.url });
  let restart: Promise<void> | null = null;
  try {
    const r = await runMonteCarlo(shop, {
      ...base, executor,
      onProgress: (done) => { if (done > 0) restart ??= redis.stop().then(() => redis.start()); },
    });
    await restart;
    assert.ok(restart, 'restarted');
    assert.ok(executor.resubmitted >= 1, `${executor.resubmitted} lost job(s) put back`);
    assert.is(stableJson(r.summary), reference);
  } finally {
    await executor.close();
  }
}));

test('Redis gone longer than the run waits: a clear stop, then the run again resumes without recomputing', () => withCluster('bullmq-resume', async (redis, _workers, dir) => {
  const checkpointDir = join(dir, 'chunks');
  let stopped: Promise<void> | null = null;
  const first = new BullMQExecutor({ url: redis.url, reconnectSeconds: 1 });
  const failure = await runMonteCarlo(shop, {
    ...base, executor: first, checkpointDir,
    onProgress: (done) => { if (done > 0) stopped ??= redis.stop(); },
  }).then(() => null, (e: unknown) => e).finally(() => first.close());
  assert.instance(failure, RedisUnavailableError);
  assert.match((failure as Error).message, /lost Redis at .* run the same command again to resume/);
  await stopped;
  const [key] = await readdir(checkpointDir);
  const saved = (await readdir(join(checkpointDir, key!))).filter((f) => f.endsWith('.json')).length;
  assert.ok(saved >= 1 && saved < base.replications, `${saved} chunk(s) checkpointed before the stop`);

  await redis.start();
  const second = new BullMQExecutor({ url: redis.url });
  try {
    const r = await runMonteCarlo(shop, { ...base, executor: second, checkpointDir });
    assert.is(r.resumedChunks, saved, 'every checkpointed chunk taken, none recomputed');
    assert.is(stableJson(r.summary), reference);
  } finally {
    await second.close();
  }
}));

test.run();
