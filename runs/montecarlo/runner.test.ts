/**
 * The Monte Carlo runner: bit-identical results for any number of workers
 * and across runs, a crashed worker's chunk retried once, a second crash
 * stopping the run with a clear message, checkpoints that resume an
 * interrupted or cancelled run, settings that reach the workers whole, and
 * common random numbers for comparing variants.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../paths.js';
import { Tally } from '../../engine/index.js';
import { exampleFile } from '../../twins/examples/paths.js';
import type { SimulationSettings } from '../../twins/flow/simulate.js';
import { applyScenario } from '../../twins/scenario/index.js';
import { loadTwinFile } from '../../twins/definition/load.js';
import { readStateSnapshot } from '../../twins/state.js';
import type { Executor, Job, RunOptions } from '../executors/executor.js';
import { PiscinaExecutor } from '../executors/piscina.js';
import { testJob, type TestTask } from '../executors/test-jobs.js';
import { stableJson } from '../../twins/definition/content-hash.js';
import { MonteCarloError, runMonteCarlo, type MonteCarloOptions, type MonteCarloResult } from './runner.js';
import type { ChunkTask } from './task.js';
import { withTempDir } from '../test-support.js';

const shop = await loadTwinFile(join(REPO_ROOT, 'twins/examples/shop.yaml'));
const base: MonteCarloOptions = { replications: 7, settings: { seed: 21, horizon: 90, reportWindow: 30 }, chunkSize: 2 };

/** The reference: base, in this thread, no checkpoints (computed once, compared against by several tests). */
let reference: Promise<MonteCarloResult> | null = null;
const clean = () => (reference ??= runMonteCarlo(shop, { ...base, workers: 0 }));


test('identical results for 0 (in-thread), 1, 2 and 3 workers, and for a repeated run', async () => {
  const runs = await Promise.all([clean(), ...[1, 2, 3].map((workers) => runMonteCarlo(shop, { ...base, workers }))]);
  const again = await runMonteCarlo(shop, { ...base, workers: 2 });
  const reference = stableJson(runs[0]!.summary);
  for (const r of [...runs, again]) assert.is(stableJson(r.summary), reference, `workers=${r.workers}`);
  assert.is(runs[0]!.summary.count, 7);
  assert.is(runs[0]!.chunks, 4);
  const other = await runMonteCarlo(shop, { ...base, workers: 0, settings: { ...base.settings, seed: 22 } });
  assert.is.not(stableJson(other.summary), reference, 'another seed gives other results');
});

test('a worker that crashes (or a chunk that throws in this thread) has its chunk retried once, with the same result', async () => {
  for (const workers of [2, 0]) {
    const crashed = await runMonteCarlo(shop, { ...base, workers, crash: { chunk: 1, attempts: 1 } });
    assert.is(crashed.retriedChunks, 1, `workers=${workers}`);
    assert.is(stableJson(crashed.summary), stableJson((await clean()).summary), `workers=${workers}`);
  }
});

test('a chunk that crashes twice stops the run with a clear message; checkpoints let it resume', () => withTempDir('ckpt', async (dir) => {
  let message = '';
  try {
    await runMonteCarlo(shop, { ...base, workers: 2, checkpointDir: dir, crash: { chunk: 2, attempts: 2 } });
  } catch (e) {
    assert.instance(e, MonteCarloError);
    message = (e as Error).message;
  }
  assert.match(message, /chunk 2 \(replications 4\.\.5\) failed twice/);
  const resumed = await runMonteCarlo(shop, { ...base, workers: 2, checkpointDir: dir });
  assert.ok(resumed.resumedChunks >= 1 && resumed.resumedChunks < resumed.chunks, `resumed ${resumed.resumedChunks} of ${resumed.chunks}`);
  assert.is(stableJson(resumed.summary), stableJson((await clean()).summary));
  // A finished run leaves every chunk checkpointed; a second resume recomputes nothing.
  const third = await runMonteCarlo(shop, { ...base, workers: 2, checkpointDir: dir });
  assert.is(third.resumedChunks, third.chunks);
  const keyDirs = await readdir(dir);
  assert.is(keyDirs.length, 1, 'one folder per run key');
}));

test('cancel stops a run (in this thread and on a pool), keeps the finished chunks, and the resumed run is the same', async () => {
  const chunks = (await clean()).chunks;
  for (const workers of [0, 2]) {
    await withTempDir('ckpt', async (dir) => {
      const controller = new AbortController();
      let progressAtCancel = -1;
      const cancelled = await runMonteCarlo(shop, {
        ...base, workers, checkpointDir: dir, signal: controller.signal,
        onProgress: (done) => { if (done > 0 && progressAtCancel < 0) { progressAtCancel = done; controller.abort(); } },
      }).then(() => null, (e: unknown) => e);
      assert.is((cancelled as Error | null)?.name, 'AbortError', `workers=${workers}: the run rejects as aborted`);
      const keyDirs = await readdir(dir);
      assert.is(keyDirs.length, 1);
      const saved = (await readdir(join(dir, keyDirs[0]!))).filter((f) => f.endsWith('.json')).length;
      assert.ok(saved >= 1 && saved < chunks, `workers=${workers}: ${saved} of ${chunks} chunks checkpointed (${progressAtCancel} replications done at cancel)`);
      const resumed = await runMonteCarlo(shop, { ...base, workers, checkpointDir: dir });
      assert.is(resumed.resumedChunks, saved, `workers=${workers}: every checkpoint written is used`);
      assert.is(stableJson(resumed.summary), stableJson((await clean()).summary), `workers=${workers}`);
    });
  }
});

/** Runs the chunks on a pool and, besides, sends each chunk's settings through the same pool to an echo job: what a worker thread receives. */
class SettingsProbe implements Executor {
  readonly kind = 'settings-probe';
  readonly workers = 2;
  private readonly pool = new PiscinaExecutor(2);
  readonly handed: SimulationSettings[] = [];
  readonly received: unknown[] = [];

  async run<Task, Result>(job: Job<Task, Result>, tasks: readonly Task[], options?: RunOptions<Result>): Promise<Result[]> {
    const settings = (tasks as readonly unknown[] as readonly ChunkTask[]).map((t) => t.settings);
    this.handed.push(...settings);
    const echoed = await this.pool.run(testJob, settings.map((value): TestTask => ({ kind: 'echo', value })));
    this.received.push(...echoed.map((r) => r.value));
    return this.pool.run(job, tasks, options);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

test('the settings reach the worker threads whole: every field, known to the runner or not', async () => {
  const state = await readStateSnapshot(exampleFile('shop-state.json'), shop);
  // Non-default values for the model's options, and a field no code knows yet (as a new mitigation setting would be).
  const settings: SimulationSettings = Object.assign({ ...base.settings, warmup: 30, state }, { probe: { mitigation: 'scale-out', factors: new Float64Array([1.5, 2]) } });
  const probe = new SettingsProbe();
  try {
    const pooled = await runMonteCarlo(shop, { ...base, settings, executor: probe });
    assert.is(probe.handed.length, pooled.chunks);
    assert.ok(probe.handed.every((s) => s === settings), 'the runner passes the caller\'s object itself');
    for (const s of probe.received) assert.equal(s, settings, 'a worker thread gets every field unchanged');
    const inThread = await runMonteCarlo(shop, { ...base, settings, workers: 0 });
    assert.is(stableJson(pooled.summary), stableJson(inThread.summary), 'pooled and in-thread runs agree with non-default settings');
    assert.is.not(stableJson(inThread.summary), stableJson((await clean()).summary), 'the non-default settings took effect');
  } finally {
    await probe.close();
  }
});

test('common random numbers: a variant compared on the same seed has far less noise in the difference', async () => {
  // A 10 % faster catalog: both variants vary alike, so only shared random numbers can cancel the noise.
  const variant = applyScenario(shop, [{ op: 'serviceScale', node: 'productcatalog', factor: 0.9 }]);
  const opts = { replications: 12, settings: { horizon: 120, reportWindow: 120 }, workers: 2, chunkSize: 3 };
  const a = await runMonteCarlo(shop, { ...opts, settings: { ...opts.settings, seed: 31 } });
  const same = await runMonteCarlo(variant, { ...opts, settings: { ...opts.settings, seed: 31 } });
  const indep = await runMonteCarlo(variant, { ...opts, settings: { ...opts.settings, seed: 32 } });
  const node = shop.indexOf.get('productcatalog')!;
  const diff = (x: typeof a, y: typeof a, metric: 'utilization' | 'meanLatency') => {
    const t = new Tally();
    x.summary.nodes[node]!.metrics[metric].forEach((v, i) => t.add(v - y.summary.nodes[node]!.metrics[metric][i]!));
    return t;
  };
  // Measured: 240x less variance in the utilization difference, 5.6x in the latency difference.
  const u = [diff(a, same, 'utilization'), diff(a, indep, 'utilization')] as const;
  const l = [diff(a, same, 'meanLatency'), diff(a, indep, 'meanLatency')] as const;
  assert.ok(u[0].mean > 0 && l[0].mean > 0, 'a faster catalog is less busy and answers sooner');
  assert.ok(u[0].variance * 20 < u[1].variance, `utilization: CRN variance ${u[0].variance} vs independent ${u[1].variance}`);
  assert.ok(l[0].variance * 2 < l[1].variance, `latency: CRN variance ${l[0].variance} vs independent ${l[1].variance}`);
});

test.run();
