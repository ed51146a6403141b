/**
 * Station behaviour beyond the textbook means: non-preemptive priority
 * classes against Cobham's formula, capacity checks, determinism of streams.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Exponential } from './distributions.js';
import { OpenNetwork } from './network.js';
import { replicate } from './replicate.js';
import { StreamFactory, createStream } from './rng.js';
import { Simulator } from './simulator.js';
import { Station } from './station.js';
import { assertCovers, replicateNetwork } from './test-support.js';

test('two priority classes in M/M/1: waits match Cobham’s non-preemptive formula', () => {
  const mu = 1, l0 = 0.3, l1 = 0.4;
  const runs = replicate({
    build: ({ sim, streams }) => {
      const st = new Station(sim, { name: 'prio', servers: 1, service: new Exponential(mu), classes: 2, rng: streams.stream('service') });
      const source = (cls: number, rate: number) => {
        const rng = streams.stream(`arrivals:${cls}`);
        const h = sim.on(() => {
          st.arrive(0, cls);
          sim.schedule(-Math.log(1 - rng()) / rate, h);
        });
        sim.schedule(-Math.log(1 - rng()) / rate, h);
      };
      source(0, l0);
      source(1, l1);
      // Wait in queue = sojourn − mean service; the per-class sojourn tallies are the station's own.
      return { resetStatistics: () => st.resetStatistics(), collect: () => st.results().sojournByClass.map((t) => t.mean - 1 / mu) };
    },
  }, { seed: 501, replications: 10, warmup: 5_000, horizon: 300_000 });
  // Cobham: W0 = Σ λ_k E[S²]/2; Wq_k = W0 / ((1 − σ_{k−1})(1 − σ_k)).
  const w0 = ((l0 + l1) * 2) / 2;
  const s0 = l0 / mu, s1 = (l0 + l1) / mu;
  assertCovers('class 0 wait', runs.map((r) => r[0]!), w0 / (1 - s0));
  assertCovers('class 1 wait', runs.map((r) => r[1]!), w0 / ((1 - s0) * (1 - s1)));
});

test('station parameters are validated with the name and value', () => {
  const sim = new Simulator();
  const rng = createStream(1, 0, 's');
  assert.throws(() => new Station(sim, { name: 'db', servers: 0, service: new Exponential(1), rng }), /station db: servers \(c\) must be an integer >= 1, got 0/);
  assert.throws(() => new Station(sim, { name: 'db', servers: 4, capacity: 2, service: new Exponential(1), rng }), /station db: capacity \(K\) must be an integer >= servers \(4\), got 2/);
  assert.throws(() => new OpenNetwork(sim, { stations: [{ name: 'x', servers: 1, service: new Exponential(1), arrivals: -2 }] }, new StreamFactory(1, 0)), /arrivals must be a finite rate > 0, got -2/);
  assert.throws(() => new OpenNetwork(sim, { stations: [{ name: 'x', servers: 1, service: new Exponential(1) }], routing: [[1.2]] }, new StreamFactory(1, 0)), /routing\[0\]\[0\] must be a probability/);
});

test('same seed and replication give identical results; another replication differs', () => {
  const spec = () => ({ stations: [{ name: 'q', servers: 2, service: new Exponential(1), arrivals: 1.5 }] });
  const a = replicateNetwork(spec, { seed: 9, replications: 3, warmup: 10, horizon: 2_000 });
  const b = replicateNetwork(spec, { seed: 9, replications: 3, warmup: 10, horizon: 2_000 });
  assert.equal(a.map((r) => r.stations[0]!.meanSojourn), b.map((r) => r.stations[0]!.meanSojourn));
  assert.is.not(a[0]!.stations[0]!.meanSojourn, a[1]!.stations[0]!.meanSojourn);
  // A chunk starting at replication 1 reproduces replications 1 and 2 exactly (what workers rely on).
  const chunk = replicateNetwork(spec, { seed: 9, replications: 2, warmup: 10, horizon: 2_000, first: 1 });
  assert.equal(chunk.map((r) => r.stations[0]!.meanSojourn), a.slice(1).map((r) => r.stations[0]!.meanSojourn));
});

test.run();
