import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createStream } from '../../engine/rng.js';
import { mergeIncidents, perTestLevel, telemetryAnomalies, persistenceFor, robustAlarms, runPBound, seriesAlarms, type RobustAlarm, type WatchedSeries } from './detect-robust.js';

const PARAMS = { baseline: 60, minBaseline: 10, alphaPerHour: 0.25, stepsPerHour: 60 };

test('run bound: 1 / C(n + k, k), and the k-newest-are-largest frequency of exchangeable draws matches it', () => {
  assert.is(runPBound(3, 1), 1 / 4);
  assert.ok(Math.abs(runPBound(60, 3) - 6 / (61 * 62 * 63)) < 1e-15);
  // Monte Carlo: 5 + 2 uniform draws, last two above the first five's max: 1/21
  const rng = createStream(11, 0, 'mc');
  let hits = 0;
  const reps = 40_000;
  for (let r = 0; r < reps; r++) {
    let max = -1;
    for (let i = 0; i < 5; i++) max = Math.max(max, rng());
    if (rng() > max && rng() > max) hits++;
  }
  const sd = Math.sqrt((1 / 21) * (20 / 21) / reps);
  assert.ok(Math.abs(hits / reps - 1 / 21) < 4 * sd, `${hits / reps} vs ${1 / 21}`);
});

test('persistence from the Bonferroni budget: 76 series at 0.25 alarms/h ask for 3 minutes beyond a 60-point range', () => {
  const level = perTestLevel(PARAMS, 76);
  assert.ok(Math.abs(level - 0.25 / (76 * 60)) < 1e-18);
  assert.is(persistenceFor(60, level), 3);
  assert.is(persistenceFor(10, level), 7); // an idle baseline with 10 points asks for a longer run: 7!·10!/17! = 5.1e-5
  assert.is(persistenceFor(60, 1e-40, 10), null);
});

function noise(seed: number, name: string, n: number): Float64Array {
  const rng = createStream(seed, 0, name);
  // exponential: skewed, a heavier upper tail than a normal's
  return Float64Array.from({ length: n }, () => -Math.log(1 - rng()));
}

test('false alarms under no change match the bound (i.i.d. exponential noise, 20 series x 10 h x 10 seeds)', () => {
  // budget 5/h over 20 series -> level 4.17e-3 -> k = 2, p = 2/(61*62) per step and series
  const params = { ...PARAMS, alphaPerHour: 5 };
  let alarms = 0;
  for (let seed = 0; seed < 10; seed++) {
    const series: WatchedSeries[] = Array.from({ length: 20 }, (_, i) => ({ node: `n${i}`, metric: 'x', values: noise(seed, `s${i}`, 600), bad: 'increase', floor: 0 }));
    // from step 62 every test has a full 60-point baseline, so every run is 2 long
    const a = robustAlarms(series, params, 62);
    assert.ok(a.every((x) => x.run.length === 2));
    alarms += a.length;
  }
  const expected = (10 * 20 * (600 - 62) * 2) / (61 * 62); // 56.9
  assert.ok(alarms > 0.6 * expected && alarms < 1.4 * expected, `${alarms} alarms, ${expected.toFixed(1)} expected`);
});

test('a step change is raised once the run is long enough, with its evidence; NaN breaks a run and does not count as baseline', () => {
  const v = noise(3, 'step', 200);
  for (let t = 120; t < 126; t++) v[t] = v[t]! + 50;
  const s: WatchedSeries = { node: 'api', metric: 'cpu', values: v, bad: 'increase', floor: 5 };
  const level = perTestLevel(PARAMS, 76);
  const a = seriesAlarms(s, PARAMS, level);
  // one alarm: once the run's first point is in the baseline, the shifted level is the new normal (a change point, one page)
  assert.equal(a.map((x) => x.step), [122]);
  const first = a[0]!;
  assert.is(first.run.length, 3);
  assert.is(first.direction, 'above');
  assert.is(first.baseline.n, 60);
  assert.ok(first.pBound <= level && first.run.every((x) => x > first.baseline.max + 5));
  // a NaN inside the run: it restarts after it, and the NaN is no baseline point
  const w = Float64Array.from(v);
  w[120] = NaN;
  const b = seriesAlarms({ ...s, values: w }, PARAMS, level);
  assert.equal(b.map((x) => [x.step, x.baseline.n]), [[123, 59]]);
  // the floor: a 50-unit step against a floor of 60 is no alarm
  assert.equal(seriesAlarms({ ...s, floor: 60 }, PARAMS, level), []);
  // too few finite baseline points (9 < 10): not judged
  const idle = new Float64Array(200).fill(NaN);
  for (let t = 110; t < 119; t++) idle[t] = 1;
  for (let t = 120; t < 130; t++) idle[t] = 100;
  assert.equal(seriesAlarms({ ...s, values: idle }, PARAMS, level), []);
});

test('direction: a drop is an alarm for decrease and either, not for increase; either spends half the level per side', () => {
  const v = noise(4, 'drop', 200).map((x) => x + 100);
  for (let t = 120; t < 126; t++) v[t] = 10;
  const level = perTestLevel(PARAMS, 76);
  const mk = (bad: WatchedSeries['bad']): WatchedSeries => ({ node: 'api', metric: 'rate', values: v, bad, floor: 1 });
  assert.equal(seriesAlarms(mk('increase'), PARAMS, level), []);
  const down = seriesAlarms(mk('decrease'), PARAMS, level);
  assert.ok(down.length > 0 && down.every((x) => x.direction === 'below' && x.level === level));
  const either = seriesAlarms(mk('either'), PARAMS, level);
  assert.ok(either.length > 0 && either.every((x) => x.level === level / 2));
  assert.ok(either[0]!.step >= down[0]!.step);
});

function alarm(node: string, step: number, metric: string, pBound: number): RobustAlarm {
  return { node, metric, step, direction: 'above', run: [1], baseline: { n: 60, min: 0, median: 0, max: 0 }, floor: 0, pBound, level: 1 };
}

test('incidents: a node\'s alarms closer than the gap merge, the strongest alarm is the evidence', () => {
  const inc = mergeIncidents([alarm('a', 1, 'cpu', 1e-5), alarm('b', 5, 'cpu', 1e-6), alarm('a', 3, 'rate', 1e-7), alarm('a', 12, 'cpu', 1e-5), alarm('a', 30, 'cpu', 1e-5)], 10);
  assert.equal(inc.map((i) => [i.node, i.firstStep, i.lastStep, i.metrics, i.alarms]), [['a', 1, 12, ['cpu', 'rate'], 3], ['b', 5, 5, ['cpu'], 1], ['a', 30, 30, ['cpu'], 1]]);
  assert.is(inc[0]!.strongest.pBound, 1e-7);
});

test('incidents become typed telemetry anomalies with their evidence; several metrics or a strong bound make them critical', () => {
  const inc = mergeIncidents([alarm('a', 1, 'cpu', 1e-5), alarm('a', 3, 'rate', 1e-7), alarm('b', 5, 'cpu', 0.5)], 10);
  const [a, b] = telemetryAnomalies(inc);
  assert.is(a!.id, 'telemetry:a:cpu+rate:1');
  assert.is(a!.source, 'telemetry');
  assert.is(a!.severity, 'critical');
  assert.match(a!.summary, /^a: rate above its recent range \(0\.\.0\) for 1 points in a row from step 1 .*; also cpu$/);
  assert.ok(a!.evidence.source === 'telemetry' && a!.evidence.strongest.pBound === 1e-7 && a!.evidence.alarms === 2);
  // One metric, a bound of half the level: a warning.
  assert.is(b!.severity, 'warning');
});

test.run();
