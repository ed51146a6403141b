/**
 * M/M/1 at rho 0.5 and 0.8 and a tandem of two M/M/1 against exact results:
 * W, Wq, L and the p95 of the sojourn time (which is Exp(μ − λ)).
 */
import { test } from 'uvu';
import { Exponential } from './distributions.js';
import { mm1SojournQuantile, mmc } from './queueing-theory.js';
import { assertCovers, replicateNetwork } from './test-support.js';

for (const rho of [0.5, 0.8]) {
  test(`M/M/1 rho ${rho}: W, Wq, L and sojourn p95 match the exact values`, () => {
    const mu = 1, lambda = rho * mu;
    // Higher load means slower mixing: run longer to keep the half-width under 3 %.
    const horizon = rho === 0.8 ? 400_000 : 100_000;
    const runs = replicateNetwork(
      () => ({ stations: [{ name: 'q', servers: 1, service: new Exponential(mu), arrivals: lambda }] }),
      { seed: 101, replications: 10, warmup: horizon / 20, horizon },
    );
    const exact = mmc(lambda, mu, 1);
    const st = runs.map((r) => r.stations[0]!);
    assertCovers('W', st.map((s) => s.meanSojourn), exact.w);
    assertCovers('Wq', st.map((s) => s.meanWait), exact.wq);
    assertCovers('L', st.map((s) => s.meanInSystem), exact.l);
    assertCovers('p95 sojourn', st.map((s) => s.sojourn.quantile(0.95)), mm1SojournQuantile(lambda, mu, 0.95), { knownRelError: st[0]!.sojourn.alpha });
  });
}

test('tandem of two M/M/1: per-station and end-to-end sojourn', () => {
  const lambda = 0.6, mu1 = 1.0, mu2 = 0.8;
  const runs = replicateNetwork(
    () => ({
      stations: [
        { name: 'first', servers: 1, service: new Exponential(mu1), arrivals: lambda },
        { name: 'second', servers: 1, service: new Exponential(mu2) },
      ],
      routing: [[0, 1], [0, 0]],
    }),
    { seed: 102, replications: 10, warmup: 5_000, horizon: 200_000 },
  );
  // Burke's theorem: the output of an M/M/1 is Poisson, so each station is M/M/1 with rate λ.
  const w1 = 1 / (mu1 - lambda), w2 = 1 / (mu2 - lambda);
  assertCovers('W first', runs.map((r) => r.stations[0]!.meanSojourn), w1);
  assertCovers('W second', runs.map((r) => r.stations[1]!.meanSojourn), w2);
  assertCovers('end-to-end W', runs.map((r) => r.sojourn.mean), w1 + w2);
  assertCovers('throughput second', runs.map((r) => r.stations[1]!.throughput), lambda);
});

test.run();
