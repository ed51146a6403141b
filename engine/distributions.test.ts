import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PoissonArrivals, RateFunction } from './arrivals.js';
import { Deterministic, Empirical, Exponential, Gamma, LogNormal, Normal, Uniform, distributionFromSpec, type Distribution, type DistributionSpec } from './distributions.js';
import { normalQuantile } from './quantiles.js';
import { createStream } from './rng.js';
import { Tally } from './statistics.js';

function moments(d: Distribution, n: number, seed: number): Tally {
  const rng = createStream(seed, 0, d.name);
  const t = new Tally();
  for (let i = 0; i < n; i++) t.add(d.sample(rng));
  return t;
}

const cases: Array<[string, Distribution]> = [
  ['exponential', new Exponential(2)],
  ['deterministic', new Deterministic(0.3)],
  ['uniform', new Uniform(1, 3)],
  ['normal', new Normal(5, 1)],
  // cv 0.8: heavier tails make the sample variance too noisy to check at 400k draws.
  ['lognormal mean/cv', LogNormal.fromMeanCv(0.2, 0.8)],
  ['lognormal p50/p99', LogNormal.fromPercentiles(0.1, 0.5)],
  ['gamma shape 0.5', new Gamma(0.5, 2)],
  ['gamma mean/cv', Gamma.fromMeanCv(1, 0.5)],
  ['empirical', new Empirical([1, 2, 2, 7])],
];

for (const [label, d] of cases) {
  test(`${label}: sample mean and variance match the declared moments`, () => {
    const n = 400_000;
    const t = moments(d, n, 11);
    // 4.5 standard errors: a correct sampler fails with probability ~1e-5.
    const se = Math.sqrt(d.variance / n);
    assert.ok(Math.abs(t.mean - d.mean) <= 4.5 * se + 1e-12, `${label}: mean ${t.mean} vs ${d.mean}`);
    if (d.variance > 0) assert.ok(Math.abs(t.variance / d.variance - 1) < 0.06, `${label}: variance ${t.variance} vs ${d.variance}`);
    assert.ok(t.min >= 0, `${label}: negative duration ${t.min}`);
  });
}

test('lognormal by percentiles has the median and p99 it was given', () => {
  const d = LogNormal.fromPercentiles(0.1, 0.5);
  const rng = createStream(3, 0, 'p');
  const xs = Array.from({ length: 200_000 }, () => d.sample(rng)).sort((a, b) => a - b);
  assert.ok(Math.abs(xs[100_000]! / 0.1 - 1) < 0.01, `median ${xs[100_000]}`);
  assert.ok(Math.abs(xs[198_000]! / 0.5 - 1) < 0.03, `p99 ${xs[198_000]}`);
  assert.ok(Math.abs(normalQuantile(0.99) - 2.326348) < 1e-6);
});

test('invalid parameters fail at construction, naming the parameter and the value', () => {
  assert.throws(() => new Exponential(-1), /exponential: rate must be a finite number > 0, got -1/);
  assert.throws(() => new Exponential(NaN), /rate must be a finite number > 0, got NaN/);
  assert.throws(() => new Uniform(2, 1), /uniform: max must be a finite number > min \(2\), got 1/);
  assert.throws(() => LogNormal.fromMeanCv(1, -0.5), /lognormal: cv must be a finite number >= 0, got -0.5/);
  assert.throws(() => LogNormal.fromPercentiles(0.5, 0.1), /p99 must be a finite number >= p50/);
  assert.throws(() => new Gamma(0, 1), /gamma: shape must be a finite number > 0, got 0/);
  assert.throws(() => new Empirical([]), /empirical: values must be a non-empty sample, got 0 values/);
  assert.throws(() => new Empirical([1, -2]), /values\[1\] must be a finite number >= 0, got -2/);
  assert.throws(() => new Normal(1, -1), /normal: sd must be a finite number >= 0, got -1/);
  assert.throws(() => distributionFromSpec({ type: 'exponential', mean: -3 }, 'nodes[3].service'), /nodes\[3\]\.service: exponential: mean must be a finite number > 0, got -3/);
  assert.throws(() => new RateFunction([0, 10], [1, -2]), /rates\[1\] must be a finite number >= 0, got -2/);
  assert.throws(() => new RateFunction([0, 0], [1, 2]), /times\[1\] must be greater than times\[0\]/);
});

test('distributionFromSpec builds every kind', () => {
  const specs: DistributionSpec[] = [
    { type: 'exponential', rate: 4 }, { type: 'deterministic', value: 1 }, { type: 'uniform', min: 0, max: 1 },
    { type: 'normal', mean: 1, sd: 0.1 }, { type: 'lognormal', mean: 1, cv: 1 }, { type: 'lognormal', p50: 1, p99: 3 },
    { type: 'gamma', shape: 2, scale: 1 }, { type: 'gamma', mean: 1, cv: 2 }, { type: 'empirical', values: [1, 2] },
  ];
  for (const s of specs) assert.ok(distributionFromSpec(s).mean > 0, s.type);
});

for (const shape of ['constant', 'linear'] as const) {
  test(`non-homogeneous Poisson (${shape}): counts per interval match the integrated rate`, () => {
    const rate = new RateFunction([0, 100, 200, 300], [2, 10, 0.5, 4], shape);
    const arrivals = new PoissonArrivals(rate);
    const reps = 400;
    const bins = [0, 50, 100, 150, 200, 250, 300, 400];
    const counts = new Float64Array(bins.length - 1);
    for (let r = 0; r < reps; r++) {
      const rng = createStream(5, r, 'nhpp');
      let t = arrivals.next(0, rng);
      while (t < 400) {
        let b = 0;
        while (t >= bins[b + 1]!) b++;
        counts[b]!++;
        t = arrivals.next(t, rng);
      }
    }
    for (let b = 0; b < counts.length; b++) {
      const expected = rate.cumulativeAt(bins[b + 1]!) - rate.cumulativeAt(bins[b]!);
      const mean = counts[b]! / reps;
      // Poisson: variance = mean; 4.5 standard errors.
      assert.ok(Math.abs(mean - expected) <= 4.5 * Math.sqrt(expected / reps), `bin ${bins[b]}: ${mean} vs ${expected}`);
    }
    // Inversion is exact: Λ(Λ⁻¹(x)) = x.
    for (const x of [0.3, 150, 700, 1500]) assert.ok(Math.abs(rate.cumulativeAt(rate.inverseCumulative(x)) - x) < 1e-7 * x);
  });
}

test('a rate that drops to zero for good ends the arrivals', () => {
  const arrivals = new PoissonArrivals(new RateFunction([0, 10], [5, 0]));
  const rng = createStream(1, 0, 'z');
  let t = 0, n = 0;
  while ((t = arrivals.next(t, rng)) !== Infinity) { n++; assert.ok(t < 10); }
  assert.ok(n > 20);
});

test.run();
