/**
 * M/D/1 and M/G/1 with lognormal service against Pollaczek–Khinchine:
 * Wq = λ E[S²] / (2(1 − ρ)). These also check that the station uses the
 * service distribution it is given, not an exponential with the same mean.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Deterministic, LogNormal, type Distribution } from './distributions.js';
import { mmc, pollaczekKhinchine } from './queueing-theory.js';
import { assertCovers, replicateNetwork } from './test-support.js';

const cases: Array<[string, () => Distribution, number]> = [
  ['M/D/1 rho 0.7', () => new Deterministic(1), 0.7],
  ['M/G/1 lognormal cv 1.5, rho 0.7', () => LogNormal.fromMeanCv(1, 1.5), 0.7],
];

for (const [label, service, rho] of cases) {
  test(`${label}: Wq and L match Pollaczek–Khinchine`, () => {
    const d = service();
    const lambda = rho / d.mean;
    const runs = replicateNetwork(
      () => ({ stations: [{ name: 'q', servers: 1, service: service(), arrivals: lambda }] }),
      { seed: 301, replications: 20, warmup: 5_000, horizon: 400_000 },
    );
    const exact = pollaczekKhinchine(lambda, d.mean, d.variance);
    const wq = assertCovers('Wq', runs.map((r) => r.stations[0]!.meanWait), exact.wq);
    assertCovers('L', runs.map((r) => r.stations[0]!.meanInSystem), exact.l);
    // The exponential answer must be excluded, or the test could not tell the distributions apart.
    const mm1 = mmc(lambda, 1 / d.mean, 1).wq;
    assert.ok(Math.abs(wq.mean - mm1) > 3 * wq.halfWidth, `${label}: Wq ${wq.mean} cannot be told apart from M/M/1's ${mm1}`);
  });
}

test.run();
