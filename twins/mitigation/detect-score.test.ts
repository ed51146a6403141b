import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { poissonInterval, scoreDetection, type LabelledFault, type ScoreOptions } from './detect-score.js';

test('Poisson (Garwood) intervals against tabulated values', () => {
  const [lo0, hi0] = poissonInterval(0);
  assert.is(lo0, 0);
  assert.ok(Math.abs(hi0 - 3.6889) < 1e-3, `${hi0}`);
  const [lo4, hi4] = poissonInterval(4);
  assert.ok(Math.abs(lo4 - 1.0899) < 1e-3 && Math.abs(hi4 - 10.2416) < 1e-3, `${lo4} ${hi4}`);
  const [lo13, hi13] = poissonInterval(13);
  assert.ok(Math.abs(lo13 - 6.9219) < 1e-3 && Math.abs(hi13 - 22.2302) < 1e-3, `${lo13} ${hi13}`);
  assert.throws(() => poissonInterval(1.5), /non-negative integer/);
});

const O: ScoreOptions = { faultSteps: 5, graceSteps: 5, cleanMarginSteps: 10, stepsPerHour: 60, mergeGap: 10, callers: new Map([['db', ['api']]]) };
const faults: LabelledFault[] = [
  { id: 'f1', node: 'db', type: 'cpu', startStep: 100, footprint: true },
  { id: 'f2', node: 'db', type: 'return', startStep: 300, footprint: false },
  { id: 'f3', node: 'web', type: 'cpu', startStep: 700, footprint: true },
];

test('scoring: hits on the faulted node or a direct caller within the window; clean-time incidents are false alarms', () => {
  const alarms = [
    { node: 'db', step: 104, metric: 'cpu' },
    { node: 'api', step: 102, metric: 'latency' }, // caller, earlier: the hit
    { node: 'web', step: 95, metric: 'cpu' }, // inside the margin before f1: neither hit nor false alarm
    { node: 'web', step: 711, metric: 'cpu' }, // one step past f3's window [700, 710]
    { node: 'x', step: 500, metric: 'cpu' }, { node: 'x', step: 505, metric: 'rate' }, // one incident
    { node: 'x', step: 520, metric: 'cpu' }, // a second
  ];
  const s = scoreDetection(faults, alarms, 1000, () => true, O);
  assert.equal(s.faults.map((f) => f.hit && [f.hit.node, f.hit.step, f.hit.via]), [['api', 102, 'caller'], null, null]);
  assert.equal([s.recall.count, s.recall.of, s.recallAll.count, s.recallAll.of], [1, 2, 1, 3]);
  // dirty: [90, 120], [290, 320], [690, 720] -> 93 steps; clean 907 steps
  assert.is(s.falseAlarms.count, 2);
  assert.ok(Math.abs(s.falseAlarms.of - 907 / 60) < 1e-12);
  assert.equal(s.falseAlarmNodes, { x: 2 });
  assert.equal(s.falseAlarmFirst.map((x) => [x.node, x.step]), [['x', 500], ['x', 520]]);
  assert.ok(s.recall.lo < 0.5 && s.recall.hi > 0.5);
  // a span: steps < 400 only -> f1, f2; the x incidents are outside
  const half = scoreDetection(faults, alarms, 1000, (t) => t < 400, O);
  assert.equal([half.recallAll.of, half.falseAlarms.count], [2, 0]);
  assert.ok(Math.abs(half.falseAlarms.of - (400 - 62) / 60) < 1e-12);
  // without the call graph the caller's alarm is no hit; db's own at 104 is
  const own = scoreDetection(faults, alarms, 1000, () => true, { ...O, callers: new Map() });
  assert.equal(own.faults[0]!.hit, { step: 104, node: 'db', metric: 'cpu', via: 'faulty' });
});

test.run();
