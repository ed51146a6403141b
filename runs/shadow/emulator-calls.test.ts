import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createStream } from '../../engine/rng.js';
import { backoffMs, callCount, runCallGroups, type CallEnvironment } from './emulator-calls.js';
import type { AttemptOutcome } from './emulator-http-client.js';
import { syncCall } from './materialise-test-plan.js';

/** A fake network: each callee answers with a scripted outcome after `latency` ticks of a microtask. */
function fakeEnv(answer: (to: string, n: number) => AttemptOutcome) {
  const sent: string[] = [];
  const deadlines: (number | null)[] = [];
  const sleeps: number[] = [];
  const counts = new Map<string, number>();
  const env: CallEnvironment = {
    k: 10,
    countRng: createStream(1, 0, 'counts'),
    jitterRng: createStream(1, 0, 'jitter'),
    attempt: async (to, deadline) => {
      sent.push(to);
      deadlines.push(deadline);
      const n = (counts.get(to) ?? 0) + 1;
      counts.set(to, n);
      await new Promise((r) => setImmediate(r));
      return answer(to, n);
    },
    sleep: async (ms) => void sleeps.push(ms),
  };
  return { env, sent, deadlines, sleeps };
}

test('call counts: rounded is floor(m) + Bernoulli(frac m), poisson has mean m', () => {
  const rng = createStream(3, 0, 'n');
  const n = 20000;
  let sumR = 0, sumP = 0, minR = Infinity, maxR = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = callCount({ meanCalls: 2.3, count: 'rounded' }, rng);
    minR = Math.min(minR, r);
    maxR = Math.max(maxR, r);
    sumR += r;
    sumP += callCount({ meanCalls: 2.3, count: 'poisson' }, rng);
  }
  assert.is(minR, 2);
  assert.is(maxR, 3);
  assert.ok(Math.abs(sumR / n - 2.3) < 0.02, `rounded mean ${sumR / n}`);
  assert.ok(Math.abs(sumP / n - 2.3) < 0.05, `poisson mean ${sumP / n}`);
});

test('groups run in order; a timeout is timeout * k in ms; sequential fanout sends one call at a time', async () => {
  const order: string[] = [];
  let inFlightC = 0, maxInFlightC = 0;
  const { env, deadlines } = fakeEnv(() => 'ok');
  const base = env.attempt;
  const env2: CallEnvironment = {
    ...env,
    attempt: async (to, d) => {
      order.push(to);
      if (to === 'C') maxInFlightC = Math.max(maxInFlightC, ++inFlightC);
      const o = await base(to, d);
      if (to === 'C') inFlightC--;
      return o;
    },
  };
  const ok = await runCallGroups(env2, [
    { calls: [syncCall('B', { timeout: 0.05 })] },
    { calls: [syncCall('C', { meanCalls: 3, fanout: 'sequential' })] },
  ]);
  assert.ok(ok);
  assert.equal(order, ['B', 'C', 'C', 'C']);
  assert.is(maxInFlightC, 1);
  assert.is(deadlines[0], 500);
});

test('parallel fanout sends all calls at once', async () => {
  let inFlight = 0, max = 0;
  const { env } = fakeEnv(() => 'ok');
  const base = env.attempt;
  const ok = await runCallGroups({ ...env, attempt: async (to, d) => { max = Math.max(max, ++inFlight); const o = await base(to, d); inFlight--; return o; } },
    [{ calls: [syncCall('C', { meanCalls: 4, fanout: 'parallel' })] }]);
  assert.ok(ok);
  assert.is(max, 4);
});

test('retries: 1 + max attempts, backoff * k * 2^(retry-1) within the jitter band', async () => {
  const { env, sent, sleeps } = fakeEnv(() => 'timeout');
  const ok = await runCallGroups(env, [{ calls: [syncCall('B', { retries: { max: 3, backoff: 0.01, jitter: 0.2 } })] }]);
  assert.not.ok(ok);
  assert.is(sent.length, 4);
  assert.is(sleeps.length, 3);
  sleeps.forEach((ms, i) => {
    const nominal = 0.01 * 10 * 1000 * 2 ** i;
    assert.ok(ms >= nominal * 0.8 && ms <= nominal * 1.2, `backoff ${i + 1}: ${ms} vs ${nominal}`);
  });
  const r = createStream(9, 0, 'x');
  assert.is(backoffMs(syncCall('B', { retries: { max: 1, backoff: 0.5, jitter: 0 } }), 2, 4, r), 4000);
});

test('a retry that succeeds makes the call succeed', async () => {
  const { env, sent } = fakeEnv((_to, n) => (n < 3 ? 'error' : 'ok'));
  assert.ok(await runCallGroups(env, [{ calls: [syncCall('B', { retries: { max: 5, backoff: 0, jitter: 0 } })] }]));
  assert.is(sent.length, 3);
});

test('an optional failed call is ignored; a mandatory one fails fast and later groups are not run', async () => {
  const opt = fakeEnv((to) => (to === 'bad' ? 'error' : 'ok'));
  assert.ok(await runCallGroups(opt.env, [{ calls: [syncCall('bad', { optional: true, meanCalls: 2, fanout: 'sequential' }), syncCall('good')] }, { calls: [syncCall('after')] }]));
  assert.equal([...opt.sent].sort(), ['after', 'bad', 'bad', 'good']);

  const man = fakeEnv((to) => (to === 'bad' ? 'error' : 'ok'));
  assert.not.ok(await runCallGroups(man.env, [{ calls: [syncCall('bad'), syncCall('slow', { meanCalls: 3, fanout: 'sequential' })] }, { calls: [syncCall('after')] }]));
  // The failure stops the sequential lane after its current call and the next group never starts.
  assert.not.ok(man.sent.includes('after'));
  assert.ok(man.sent.filter((s) => s === 'slow').length < 3);
});

test('async calls are sent and not waited for; their failure does not matter', async () => {
  let release!: () => void;
  const never = new Promise<AttemptOutcome>((r) => (release = () => r('error')));
  const sent: string[] = [];
  const { env } = fakeEnv(() => 'ok');
  const ok = await runCallGroups({ ...env, attempt: (to) => { sent.push(to); return never; } }, [{ calls: [syncCall('q', { mode: 'async', meanCalls: 2 })] }]);
  assert.ok(ok);
  assert.equal(sent, ['q', 'q']);
  release();
});

test.run();
