/**
 * Multi-server stations against Erlang's formulas: M/M/4 at rho 0.9 (Erlang C
 * and Wq), M/M/10/10 at offered load 8 (Erlang B = 0.1217) with exponential
 * and with lognormal service (insensitivity), and M/M/c/K blocking.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Exponential, LogNormal } from './distributions.js';
import { erlangB, mmc, mmckBlocking, mmckDistribution } from './queueing-theory.js';
import { assertCovers, replicateNetwork } from './test-support.js';

test('M/M/4 rho 0.9: Erlang C probability of waiting and Wq', () => {
  const c = 4, mu = 1, lambda = 0.9 * c * mu;
  const runs = replicateNetwork(
    () => ({ stations: [{ name: 'q', servers: c, service: new Exponential(mu), arrivals: lambda }] }),
    { seed: 201, replications: 16, warmup: 5_000, horizon: 200_000 },
  );
  const exact = mmc(lambda, mu, c);
  assertCovers('P(wait)', runs.map((r) => r.stations[0]!.probWait), exact.probWait);
  assertCovers('Wq', runs.map((r) => r.stations[0]!.meanWait), exact.wq);
  assertCovers('L', runs.map((r) => r.stations[0]!.meanInSystem), exact.l);
  assertCovers('utilization', runs.map((r) => r.stations[0]!.utilization), exact.rho);
});

test('Erlang B reference value: c = 10, a = 8 gives 0.1217', () => {
  assert.ok(Math.abs(erlangB(10, 8) - 0.1217) < 5e-5, `erlangB(10, 8) = ${erlangB(10, 8)}`);
});

for (const [label, service] of [
  ['exponential', () => new Exponential(1)],
  ['lognormal cv 2', () => LogNormal.fromMeanCv(1, 2)],
] as const) {
  test(`M/G/10/10 offered load 8, ${label} service: blocking = Erlang B (insensitivity)`, () => {
    const runs = replicateNetwork(
      () => ({ stations: [{ name: 'loss', servers: 10, capacity: 10, service: service(), arrivals: 8 }] }),
      { seed: 202, replications: 10, warmup: 1_000, horizon: 60_000 },
    );
    assertCovers('blocking', runs.map((r) => r.stations[0]!.blocking), erlangB(10, 8));
    // Carried load = a(1 − B) busy servers on average.
    assertCovers('busy servers', runs.map((r) => r.stations[0]!.utilization * 10), 8 * (1 - erlangB(10, 8)));
  });
}

test('M/M/2/5 at lambda 1.8: blocking and mean number in system', () => {
  const lambda = 1.8, mu = 1, c = 2, K = 5;
  const runs = replicateNetwork(
    () => ({ stations: [{ name: 'q', servers: c, capacity: K, service: new Exponential(mu), arrivals: lambda }] }),
    { seed: 203, replications: 10, warmup: 1_000, horizon: 100_000 },
  );
  const dist = mmckDistribution(lambda, mu, c, K);
  const l = dist.reduce((acc, p, n) => acc + n * p, 0);
  assertCovers('blocking', runs.map((r) => r.stations[0]!.blocking), mmckBlocking(lambda, mu, c, K));
  assertCovers('L', runs.map((r) => r.stations[0]!.meanInSystem), l);
  // Arrivals to a full station are dropped, never queued beyond K.
  for (const r of runs) assert.ok(r.stations[0]!.dropped > 0 && r.lost === r.stations[0]!.dropped);
});

test.run();
