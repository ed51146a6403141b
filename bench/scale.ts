/**
 * Scale-out of the Monte Carlo, measured side by side in one run on one
 * workload (the shop, one replication per chunk): one local worker thread,
 * two, and BullMQ with two `shadowcast worker` processes (one thread each)
 * on a redis-server on loopback; plus the queue's own cost per chunk (tiny
 * echo tasks through one worker process, against the same on one local
 * thread). Worker processes are started before the clock runs.
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
/** BENCH_SCALE_MICROSERVICES=0 leaves out the 100-service rows (a full 1000-replication run: the slow part), to measure the executors alone. */
const MICROSERVICES = process.env.BENCH_SCALE_MICROSERVICES !== '0';

async function timed<T>(body: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = performance.now();
  const value = await body();
  return { seconds: (performance.now() - t0) / 1000, value };
}

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
      // Every executor warmed first (threads started, connection open), so the clock sees the runs only.
      const monteCarlo = (make: () => Executor) => closing(make(), async (executor) => {
        await executor.run(testJob, echo.slice(0, 4));
        return timed(() => runMonteCarlo(twin, { ...workload, executor }));
      });
      const local1 = await monteCarlo(() => new PiscinaExecutor(1));
      const local2 = await monteCarlo(() => new PiscinaExecutor(2));
      const remote2 = await monteCarlo(() => new BullMQExecutor({ url: redis.url, pollMs: 20 }));
      row(`shop ${REPLICATIONS} x ${HORIZON / 60}m, local`, 1, local1.seconds, REPLICATIONS);
      row(`shop ${REPLICATIONS} x ${HORIZON / 60}m, local`, 2, local2.seconds, REPLICATIONS);
      row(`shop ${REPLICATIONS} x ${HORIZON / 60}m, bullmq (2 processes)`, 2, remote2.seconds, REPLICATIONS);
      const same = stableJson(remote2.value.summary) === stableJson(local1.value.summary);

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

      const localSpeedup = local1.seconds / local2.seconds, remoteSpeedup = local1.seconds / remote2.seconds;
      const overheadMs = (1000 * (remoteEcho.seconds - localEcho.seconds)) / ECHO_TASKS;
      return [...microservices, {
        name: 'scale',
        title: `Scale-out: shop Monte Carlo, 1 replication per chunk; local piscina threads vs BullMQ worker processes on loopback Redis`,
        columns: ['run', 'workers', 'seconds', 'chunks/s', 'ms/chunk'],
        rows,
        targets: [
          { what: 'two local workers vs one', met: localSpeedup >= 1.9, detail: `${localSpeedup.toFixed(2)}x (target >= 1.9x)` },
          { what: 'bullmq, two worker processes vs one local worker', met: remoteSpeedup >= 1.7, detail: `${remoteSpeedup.toFixed(2)}x (target >= 1.7x)` },
          { what: 'bullmq result identical to local', met: same, detail: same ? 'same summary' : 'summaries differ' },
          { what: 'queue overhead per chunk', met: true, detail: `${overheadMs.toFixed(2)} ms (echo task, bullmq minus local thread; reported)` },
        ],
        extra: { localSpeedup, remoteSpeedup, overheadMs, replications: REPLICATIONS, horizonSeconds: HORIZON, echoTasks: ECHO_TASKS },
      }];
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await redis.stop();
    }
  });
}
