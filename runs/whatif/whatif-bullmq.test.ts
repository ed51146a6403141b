/**
 * A what-if batch on BullMQ workers (a real redis-server and two real worker
 * processes): the same cells.json, cells.csv and report.html as on local threads.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { whatif } from '../commands/whatif.js';
import { spawnWorker, startRedis, type WorkerProcess } from '../executors/bullmq-test-support.js';
import { withTempDir } from '../test-support.js';
import { writeBatch } from './test-batch.js';

test('whatif --executor bullmq writes the same files as local threads', () => withTempDir('whatif-bullmq', async (dir) => {
  const redis = await startRedis(dir);
  const workers: WorkerProcess[] = [];
  try {
    workers.push(...await Promise.all([spawnWorker(redis.url, ['--concurrency', '1']), spawnWorker(redis.url, ['--concurrency', '1'])]));
    const batch = await writeBatch(dir, '  svc.replicas: [1, 4]\n');
    const base = { batch, find: false, target: undefined, maxCells: 64, yes: false, workers: undefined, resume: false, quiet: true } as const;
    await whatif({ ...base, out: join(dir, 'local'), workers: 0 });
    await whatif({ ...base, out: join(dir, 'remote'), executor: { kind: 'bullmq', redis: redis.url } });
    for (const f of ['cells.json', 'cells.csv', 'report.html']) {
      assert.is(await readFile(join(dir, 'remote', f), 'utf8'), await readFile(join(dir, 'local', f), 'utf8'), f);
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await redis.stop();
  }
}));

test.run();
