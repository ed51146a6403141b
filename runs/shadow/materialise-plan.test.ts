import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localLayout, fileNamesFor, ShadowPlanError } from './materialise-plan.js';
import { emulatorSpec, syncCall, testPlan } from './materialise-test-plan.js';
import type { PlannedNode, ShadowPlan } from '../../twins/shadow/plan-types.js';

function withNodes(nodes: PlannedNode[]): ShadowPlan {
  return { ...testPlan(), nodes, traffic: [] };
}

test('callees start before callers; stubs and omitted nodes are not emulator levels', () => {
  const layout = localLayout(testPlan());
  assert.equal(layout.levels, [['B'], ['A']]);
  assert.equal([...layout.stubs.keys()], ['S']);
  assert.equal([...layout.emulators.keys()], ['A', 'B']);
});

test('independent nodes share a level', () => {
  const dup = (id: string, calls: string[]): PlannedNode => ({ id, action: 'duplicate', reasons: [], pFail: null, stub: null, emulator: emulatorSpec({ callGroups: [{ name: 'g', calls: calls.map((c) => syncCall(c)) }] }) });
  const layout = localLayout(withNodes([dup('top', ['l', 'r']), dup('l', ['leaf']), dup('r', ['leaf']), dup('leaf', [])]));
  assert.equal(layout.levels, [['leaf'], ['l', 'r'], ['top']]);
});

test('a call to an omitted or unknown node, a cycle, a kubernetes plan are refused with names', () => {
  const plan = testPlan();
  const toOmitted = plan.nodes.map((n) => (n.id === 'B' ? { ...n, emulator: emulatorSpec({ callGroups: [{ name: 'g', calls: [syncCall('O')] }] }) } : n));
  assert.throws(() => localLayout({ ...plan, nodes: toOmitted }), (e: Error) => e instanceof ShadowPlanError && /B calls O, which the plan omits/.test(e.message));
  const toUnknown = plan.nodes.map((n) => (n.id === 'B' ? { ...n, emulator: emulatorSpec({ callGroups: [{ name: 'g', calls: [syncCall('Z')] }] }) } : n));
  assert.throws(() => localLayout({ ...plan, nodes: toUnknown }), /B calls Z, which the plan does not name/);
  const cycle = plan.nodes.map((n) => (n.id === 'B' ? { ...n, emulator: emulatorSpec({ callGroups: [{ name: 'g', calls: [syncCall('A', { mode: 'async' })] }] }) } : n));
  assert.throws(() => localLayout({ ...plan, nodes: cycle }), /A, B form a cycle/);
  assert.throws(() => localLayout({ ...plan, target: 'kubernetes' }), /targets kubernetes/);
  const badService = plan.nodes.map((n) => (n.id === 'B' ? { ...n, emulator: emulatorSpec({ service: { type: 'exponential', mean: -1 } }) } : n));
  assert.throws(() => localLayout({ ...plan, nodes: badService }), /nodes\[B\]\.emulator\.service/);
  assert.throws(() => localLayout({ ...plan, traffic: [{ ...plan.traffic[0]!, node: 'O' }] }), /arrives at O/);
});

test('file names are safe and distinct', () => {
  const names = fileNamesFor(['a/b', 'a_b', 'stub', '..x', 'ok-1']);
  assert.equal([...names.values()], ['a_b', 'a_b-2', 'stub-2', '_x', 'ok-1']);
});

test.run();
