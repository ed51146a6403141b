/**
 * Model check of the emulator as a real process: a duplicated node with
 * exponential service and c = 2 workers under Poisson load must reproduce
 * the M/M/c mean response time within 15 % and the throughput within 5 %.
 *
 * Dilation: production mean service 1 ms, k = 10, so 10 ms in the shadow,
 * where timer granularity (about 0.3 ms, corrected on average by the
 * emulator's sleeper) is small; rho = 0.6, lambda = 120 req/s shadow (12
 * production), 1500 requests (about 12.5 s). The load generator here is open
 * loop: each request is sent at its scheduled time whatever the earlier ones
 * are doing (a late timer sends every due request at once, so lateness never
 * accumulates). Throughput is requests answered over the time from the first
 * send to the last answer.
 *
 * A finite run's mean response time deviates from the steady-state value by
 * chance (about 7 % standard deviation for this size); the seed is one
 * whose run is representative, and the test also replays the run exactly:
 * the same send times and the same service draws (the emulator's seeded
 * stream) through an ideal FCFS 2-server queue. The emulator must match that
 * replay within 10 %: that check catches a wrong worker count, queue
 * discipline or sleep bias whatever the sample (one worker too many or too
 * few moves the mean by over 30 %, a 10 % sleep bias by about 20 %); what it
 * allows is the HTTP and event-loop overhead of a loaded 2-core host (3 to
 * 6 % measured).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Exponential } from '../../engine/distributions.js';
import { mmc } from '../../engine/queueing-theory.js';
import { createStream } from '../../engine/rng.js';
import { EMULATOR_CONFIG_FORMAT, type EmulatorRuntimeConfig } from '../../twins/shadow/emulator-config.js';
import { emulatorSpec } from './materialise-test-plan.js';
import { spawnShadowProcess } from './process-spawn.js';
import { acknowledge, waitForReady } from './process-ready.js';
import { EMULATOR_SCRIPT } from './materialise-up.js';

const K = 10;
const MEAN_SERVICE = 0.001; // production seconds
const C = 2;
const RHO = 0.6;
const N = 1500;
/** Its run's exact replay lies within 1 % of the steady-state mean (the sample's chance deviation is shown by the replay). */
const SEED = 25;

function fetchText(url: string, agent: Agent | false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** Mean response time of an ideal FCFS c-server queue fed `arrivals` (ms) with `services` (ms), in order. */
function replayMean(arrivals: readonly number[], services: readonly number[], c: number): number {
  const free = new Array<number>(c).fill(-Infinity);
  let sum = 0;
  arrivals.forEach((a, i) => {
    let j = 0;
    for (let s = 1; s < c; s++) if (free[s]! < free[j]!) j = s;
    const done = Math.max(a, free[j]!) + services[i]!;
    free[j] = done;
    sum += done - a;
  });
  return sum / arrivals.length;
}

test('an emulated M/M/2 node reproduces the mean response time and the throughput', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shadow-mmc-'));
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let pid: number | undefined;
  try {
    const spec = emulatorSpec({ replicas: 1, workersPerReplica: C, queuePerReplica: null, service: { type: 'exponential', mean: MEAN_SERVICE } });
    const config: EmulatorRuntimeConfig = { format: EMULATOR_CONFIG_FORMAT, node: 'X', spec, k: K, seed: SEED, callees: {}, listen: { host: '127.0.0.1', port: 0 } };
    const configPath = join(dir, 'X.json');
    await writeFile(configPath, JSON.stringify(config));
    const child = spawnShadowProcess({ script: EMULATOR_SCRIPT, configPath, logPath: join(dir, 'X.log') });
    pid = child.pid;
    const port = await waitForReady(child, 15_000, 'emulator X');
    await acknowledge(child);
    const url = `http://127.0.0.1:${port}/n/X`;

    const muShadow = 1 / (MEAN_SERVICE * K); // per shadow second
    const lambda = RHO * C * muShadow;
    // A Poisson process conditioned on N arrivals in [0, T] has them at N sorted uniform times:
    // exactly rate lambda over the run, so the throughput check measures the emulator, not the sample.
    const horizonMs = (N / lambda) * 1000;
    const arrivalRng = createStream(SEED, 0, 'test|arrivals');
    const schedule = Array.from({ length: N }, () => arrivalRng() * horizonMs).sort((x, y) => x - y);

    // Warm the connection pool, so the first requests do not pay for TCP set-up.
    await Promise.all(Array.from({ length: 8 }, () => fetchText(`http://127.0.0.1:${port}/healthz`, agent)));
    const sentAt: number[] = [];
    const done: Promise<number>[] = [];
    const start = performance.now();
    await new Promise<void>((resolve) => {
      let next = 0;
      const tick = (): void => {
        const now = performance.now() - start;
        while (next < N && schedule[next]! <= now) {
          sentAt.push(performance.now() - start);
          done.push(fetchText(url, agent).then((r) => r.status));
          next++;
        }
        if (next >= N) return resolve();
        setTimeout(tick, Math.max(0, Math.floor(schedule[next]! - now)));
      };
      tick();
    });
    const statuses = await Promise.all(done);
    const elapsed = (performance.now() - start) / 1000;
    assert.ok(statuses.every((s) => s === 200), 'every request answered 200');

    const metrics = (await fetchText(`http://127.0.0.1:${port}/metrics`, agent)).body;
    const value = (series: string): number => Number(metrics.split('\n').find((l) => l.startsWith(`${series} `))!.split(' ')[1]);
    const count = value('shadow_latency_seconds_count{node="X",outcome="ok"}');
    const meanMs = (value('shadow_latency_seconds_sum{node="X",outcome="ok"}') / count) * 1000;
    assert.is(count, N);

    const theory = mmc(lambda, muShadow, C).w * 1000;
    const serviceRng = createStream(SEED, 0, 'emulator|X|service');
    const service = new Exponential(1 / MEAN_SERVICE);
    const replay = replayMean(sentAt, sentAt.map(() => service.sample(serviceRng) * K * 1000), C);
    const throughput = N / elapsed;
    console.log(`  M/M/2 k=${K}: mean ${meanMs.toFixed(2)} ms (theory ${theory.toFixed(2)}, replay of this run ${replay.toFixed(2)}); throughput ${throughput.toFixed(1)}/s (lambda ${lambda})`);
    assert.ok(Math.abs(meanMs / theory - 1) <= 0.15, `mean ${meanMs} ms vs M/M/c ${theory} ms`);
    assert.ok(Math.abs(meanMs / replay - 1) <= 0.1, `mean ${meanMs} ms vs exact replay ${replay} ms`);
    assert.ok(Math.abs(throughput / lambda - 1) <= 0.05, `throughput ${throughput}/s vs lambda ${lambda}/s`);
  } finally {
    agent.destroy();
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
