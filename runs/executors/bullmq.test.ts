/**
 * The distributed executor against a real redis-server and real worker
 * processes: the same bytes as the local executor, the executor contract
 * (data as sent, one retry, a second failure stopping the run), a job of another build
 * refused by the worker, a run that finds only workers of another build told
 * so, and an unreachable Redis a clear error with exit code 4, not a hang.
 */
import { cp, readFile, symlink, appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../paths.js';
import { loadTwinFile } from '../../twins/definition/load.js';
import { withTempDir } from '../test-support.js';
import { openRedis } from './bullmq-connection.js';
import { BullMQExecutor, DistributedRunError } from './bullmq.js';
import { freePort, runCli, spawnWorker, startRedis, type WorkerProcess } from './bullmq-test-support.js';
import { codeVersion, DIST_ROOT } from './bullmq-version.js';
import { KEY_PREFIX, queueName, TaskEncoder, type WireJob } from './bullmq-wire.js';
import { TaskFailedError } from './executor.js';
import { testJob } from './test-jobs.js';
import { runMonteCarlo } from '../montecarlo/runner.js';

const SHOP = join(REPO_ROOT, 'twins/examples/shop.yaml');

async function stopAll(workers: readonly WorkerProcess[]): Promise<void> {
  await Promise.all(workers.map((w) => w.stop()));
}

/** summary.json without the run section (wall time, worker count, executor: how it ran, not what it found). */
async function findings(dir: string): Promise<string> {
  const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
  delete summary.run;
  return JSON.stringify(summary);
}

test('simulate on two bullmq workers writes the same bytes as the local executor', () => withTempDir('bullmq-same', async (dir) => {
  const redis = await startRedis(dir);
  const workers: WorkerProcess[] = [];
  try {
    workers.push(...await Promise.all([spawnWorker(redis.url, ['--concurrency', '1']), spawnWorker(redis.url, ['--concurrency', '1'])]));
    const common = ['simulate', '--twin', SHOP, '--replications', '6', '--horizon', '2m', '--window', '1m', '--seed', '5', '--quiet'];
    const [remote, local] = await Promise.all([
      runCli([...common, '--out', join(dir, 'remote'), '--executor', 'bullmq', '--redis', redis.url]),
      runCli([...common, '--out', join(dir, 'local'), '--workers', '0']),
    ]);
    assert.is(remote.code, 0, remote.out);
    assert.is(local.code, 0, local.out);
    for (const file of ['nodes.csv', 'windows.csv']) {
      assert.is(await readFile(join(dir, 'remote', file), 'utf8'), await readFile(join(dir, 'local', file), 'utf8'), file);
    }
    assert.is(await findings(join(dir, 'remote')), await findings(join(dir, 'local')));
    const run = (JSON.parse(await readFile(join(dir, 'remote', 'summary.json'), 'utf8')) as { run: { workers: number } }).run;
    assert.ok(run.workers >= 1 && run.workers <= 2, `served by ${run.workers} worker process(es), from the jobs' progress`);

    // The executor contract, remotely: data as sent, one retry, a task failing twice stops the run with TaskFailedError.
    const executor = new BullMQExecutor({ url: redis.url });
    try {
      const payload = { nan: NaN, map: new Map([['a', 1]]), times: new Float64Array([0.5, 1e-300]), big: 'x'.repeat(5000) };
      const retried: number[] = [];
      const ok = await executor.run(testJob, [{ kind: 'echo', value: payload }, { kind: 'fail', failAttempts: 1, value: 2 }], { onRetry: (i) => { retried.push(i); } });
      assert.equal(ok.map((r) => r.value), [payload, 2]);
      assert.equal(retried, [1]);
      const failure = await executor.run(testJob, [{ kind: 'fail', failAttempts: 2, value: 3 }]).then(() => null, (e: unknown) => e);
      assert.instance(failure, TaskFailedError);
      assert.match((failure as Error).message, 'planned failure on attempt 1');
    } finally {
      await executor.close();
    }
  } finally {
    await stopAll(workers);
    await redis.stop();
  }
}));

test("a worker refuses a job of another build; a run with only another build's workers stops and says so", () => withTempDir('bullmq-version', async (dir) => {
  const redis = await startRedis(dir);
  const workers: WorkerProcess[] = [];
  const connection = openRedis(redis.url, true);
  try {
    // A real worker of another build: this build copied, one file changed.
    const other = join(dir, 'other');
    for (const folder of ['engine', 'models', 'twins', 'runs']) await cp(join(DIST_ROOT, folder), join(other, 'dist', folder), { recursive: true });
    await cp(join(DIST_ROOT, '..', 'package.json'), join(other, 'package.json'));
    await symlink(join(DIST_ROOT, '..', 'node_modules'), join(other, 'node_modules'));
    await appendFile(join(other, 'dist', 'engine', 'index.js'), '\n// another build\n');
    workers.push(await spawnWorker(redis.url, ['--concurrency', '1'], join(other, 'dist', 'runs', 'cli.js')));
    const theirs = /version (\S+),/.exec(workers[0]!.output())![1]!;
    const ours = await codeVersion();
    assert.is.not(theirs, ours);

    // Put on its own queue by hand, a job of our build is refused without running.
    const queue = new Queue<WireJob>(queueName(theirs), { connection, prefix: KEY_PREFIX });
    const job = await queue.add('probe', { version: ours, module: 'runs/executors/test-jobs.js', task: new TaskEncoder().encode({ kind: 'echo', value: 1 }) }, { attempts: 2 });
    let failedReason: string | undefined;
    for (let i = 0; i < 200 && !failedReason; i++) {
      await sleep(50);
      failedReason = (await queue.getJob(job.id!))?.failedReason;
    }
    await queue.close();
    assert.match(failedReason ?? '', `refuses a task of version ${ours}`);

    // Our run: no worker of this build, so it stops naming the one it found.
    const twin = await loadTwinFile(SHOP);
    const executor = new BullMQExecutor({ url: redis.url, workerWaitSeconds: 1 });
    const refused = await runMonteCarlo(twin, { replications: 2, settings: { seed: 1, horizon: 60, reportWindow: 60 }, executor }).then(() => null, (e: unknown) => e).finally(() => executor.close());
    assert.instance(refused, DistributedRunError);
    assert.match((refused as Error).message, `no worker of version ${ours} is connected`);
    assert.match((refused as Error).message, `1 of version ${theirs}`);
  } finally {
    connection.disconnect();
    await stopAll(workers);
    await redis.stop();
  }
}));

test('an unreachable Redis: simulate and worker exit 4 with a clear message, no hang', () => withTempDir('bullmq-down', async (dir) => {
  const url = `redis://127.0.0.1:${await freePort()}`;
  const twin = join(dir, 'twin.yaml');
  await writeFile(twin, await readFile(SHOP, 'utf8'));
  const [sim, worker] = await Promise.all([
    runCli(['simulate', '--twin', twin, '--out', join(dir, 'out'), '--replications', '2', '--horizon', '1m', '--executor', 'bullmq', '--redis', url, '--quiet']),
    runCli(['worker', '--redis', url]),
  ]);
  for (const r of [sim, worker]) {
    assert.is(r.code, 4, r.out);
    assert.match(r.out, `cannot reach Redis at ${url}`);
    assert.not.match(r.out, /Error:|at .*\.js:\d+/, 'no class name nor stack');
  }
  const usage = await runCli(['simulate', '--twin', twin, '--out', join(dir, 'out'), '--executor', 'bullmq']);
  assert.is(usage.code, 2);
  assert.match(usage.out, '--executor bullmq needs --redis URL');
}));

test.run();
