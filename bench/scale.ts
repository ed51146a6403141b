/**
 * Scale-out of the Monte Carlo, measured side by side in one run on one
 * workload (the shop, one replication per chunk): one local worker thread,
 * two, and BullMQ with two `shadowcast worker` processes (one thread each)
 * on a redis-server on loopback; plus the queue's own cost per chunk (tiny
 * echo tasks through one worker process, against the same on one local
 * thread). Worker processes are started before the clock runs.
 *
 * This machine's speed drifts by up to 2x within minutes (other tenants), so
 * one timing of each configuration after the other can put a slow minute on
 * either side of a ratio. The three configurations run in rounds
 * (BENCH_SCALE_ROUNDS, default 3), one after another within a round; each
 * ratio is taken within a round and the median over rounds is judged, with
 * the range shown. Every executor runs a small warm-up chunk of the same
 * model first, so the clock sees neither thread start-up nor JIT warm-up.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../runs/paths.js';
import { loadTwinFile } from '../twins/definition/load.js';
import { runMonteCarlo } from '../runs/montecarlo/runner.js';
import { BullMQExecutor } from '../runs/executors/bullmq.js';
import { spawnWorker, startRedis, type WorkerProcess } from '../runs/executors/bullmq-test-support.js';
import { PiscinaExecutor } from '../runs/executors/piscina.js';
import type { Executor } from '../runs/executors/executor.js';
import { testJob, type TestTask } from '../runs/executors/test-jobs.js';
import { stableJson } from '../twins/definition/content-hash.js';
import { withTempDir } from '../runs/test-support.js';
import type { BenchSection, Cell } from './table.js';
import { benchScaleMicroservices } from './scale-microservices.js';

const REPLICATIONS = Number(process.env.BENCH_SCALE_REPLICATIONS ?? 16);
const HORIZON = Number(process.env.BENCH_SCALE_HORIZON ?? 900);
const ECHO_TASKS = Number(process.env.BENCH_SCALE_ECHO_TASKS ?? 200);
const ROUNDS = Math.max(1, Number(process.env.BENCH_SCALE_ROUNDS ?? 3));
/** BENCH_SCALE_MICROSERVICES=0 leaves out the 100-service rows (a full 1000-replication run: the slow part), to measure the executors alone. */
const MICROSERVICES = process.env.BENCH_SCALE_MICROSERVICES !== '0';

async function timed<T>(body: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = performance.now();
  const value = await body();
  return { seconds: (performance.now() - t0) / 1000, value };
}

const median = (xs: readonly number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const range = (xs: readonly number[]) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;

async function closing<T>(executor: Executor, body: (e: Executor) => Promise<T>): Promise<T> {
  try {
    return await body(executor);
  } finally {
    await executor.close();
  }
}

export async function benchScale(): Promise<BenchSection[]> {
  // The 100-service rows first: they need no Redis (bench/scale-microservices.ts).
  const microservices = MICROSERVICES ? await benchScaleMicroservices() : [];
  const twin = await loadTwinFile(join(REPO_ROOT, 'twins/examples/shop.yaml'));
  const workload = { replications: REPLICATIONS, settings: { horizon: HORIZON, reportWindow: 300, seed: 3 }, chunkSize: 1 };
  const echo: TestTask[] = Array.from({ length: ECHO_TASKS }, (_, i) => ({ kind: 'echo', value: i }));
  const rows: Record<string, Cell>[] = [];
  const row = (run: string, workers: number, seconds: number, tasks: number) => rows.push({ run, workers, seconds, 'chunks/s': tasks / seconds, 'ms/chunk': (1000 * seconds) / tasks });

  return withTempDir('bench-scale', async (dir) => {
    const redis = await startRedis(dir);
    const workers: WorkerProcess[] = [];
    try {
      workers.push(...await Promise.all([spawnWorker(redis.url, ['--concurrency', '1']), spawnWorker(redis.url, ['--concurrency', '1'])]));
      // Every executor warmed first (threads started, connection open, the model's code compiled on every worker), so the clock sees the runs only.
      const warmUp = { replications: 4, settings: { horizon: 120, reportWindow: 60, seed: 9 }, chunkSize: 1 };
      const monteCarlo = (make: () => Executor) => closing(make(), async (executor) => {
        await executor.run(testJob, echo.slice(0, 4));
        await runMonteCarlo(twin, { ...warmUp, executor });
        return timed(() => runMonteCarlo(twin, { ...workload, executor }));
      });
      const seconds = { local1: [] as number[], local2: [] as number[], remote2: [] as number[] };
      const localRatios: number[] = [], remoteRatios: number[] = [];
      let same = true;
      for (let round = 0; round < ROUNDS; round++) {
        const local1 = await monteCarlo(() => new PiscinaExecutor(1));
        const local2 = await monteCarlo(() => new PiscinaExecutor(2));
        const remote2 = await monteCarlo(() => new BullMQExecutor({ url: redis.url, pollMs: 20 }));
        seconds.local1.push(local1.seconds); seconds.local2.push(local2.seconds); seconds.remote2.push(remote2.seconds);
        localRatios.push(local1.seconds / local2.seconds);
        remoteRatios.push(local1.seconds / remote2.seconds);
        same &&= stableJson(remote2.value.summary) === stableJson(local1.value.summary) && stableJson(local2.value.summary) === stableJson(local1.value.summary);
      }
      const of = `median of ${ROUNDS}`;
      row(`shop ${REPLICATIONS} x ${HORIZON / 60}m, local, ${of}`, 1, median(seconds.local1), REPLICATIONS);
      row(`shop ${REPLICATIONS} x ${HORIZON / 60}m, local, ${of}`, 2, median(seconds.local2), REPLICATIONS);
      row(`shop ${REPLICATIONS} x ${HORIZON / 60}m, bullmq (2 processes), ${of}`, 2, median(seconds.remote2), REPLICATIONS);

      // Queue overhead: one process, so the tasks queue behind each other and every one pays the full round trip.
      await workers.pop()!.stop();
      const echoes = (make: () => Executor) => closing(make(), async (executor) => {
        await executor.run(testJob, echo.slice(0, 4));
        return timed(() => executor.run(testJob, echo));
      });
      const localEcho = await echoes(() => new PiscinaExecutor(1));
      const remoteEcho = await echoes(() => new BullMQExecutor({ url: redis.url, pollMs: 20 }));
      row(`${ECHO_TASKS} echo tasks, local thread`, 1, localEcho.seconds, ECHO_TASKS);
      row(`${ECHO_TASKS} echo tasks, bullmq (1 process)`, 1, remoteEcho.seconds, ECHO_TASKS);

      const localSpeedup = median(localRatios), remoteSpeedup = median(remoteRatios);
      const overheadMs = (1000 * (remoteEcho.seconds - localEcho.seconds)) / ECHO_TASKS;
      return [...microservices, {
        name: 'scale',
        title: `Scale-out: shop Monte Carlo, 1 replication per chunk; local piscina threads vs BullMQ worker processes on loopback Redis`,
        columns: ['run', 'workers', 'seconds', 'chunks/s', 'ms/chunk'],
        rows,
        targets: [
          { what: 'two local workers vs one', met: localSpeedup >= 1.9, detail: `${localSpeedup.toFixed(2)}x, median of ${ROUNDS} rounds (${range(localRatios)}; target >= 1.9x)` },
          { what: 'bullmq, two worker processes vs one local worker', met: remoteSpeedup >= 1.7, detail: `${remoteSpeedup.toFixed(2)}x, median of ${ROUNDS} rounds (${range(remoteRatios)}; target >= 1.7x)` },
          { what: 'bullmq and two local workers give the summary of one local worker', met: same, detail: same ? 'same summary in every round' : 'summaries differ' },
          { what: 'queue overhead per chunk', met: true, detail: `${overheadMs.toFixed(2)} ms (echo task, bullmq minus local thread; reported)` },
        ],
        extra: { localSpeedup, remoteSpeedup, localRatios, remoteRatios, seconds, overheadMs, replications: REPLICATIONS, horizonSeconds: HORIZON, echoTasks: ECHO_TASKS },
      }];
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await redis.stop();
    }
  });
}
