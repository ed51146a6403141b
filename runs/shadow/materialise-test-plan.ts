/**
 * A small shadow plan built by hand for the tests (no planner): duplicated
 * nodes A -> B, both calling the stubbed node S.
 */
import { SHADOW_PLAN_FORMAT, type EmulatorSpec, type PlannedCall, type PlannedNode, type ShadowPlan } from '../../twins/shadow/plan-types.js';

export function syncCall(to: string, extra: Partial<PlannedCall> = {}): PlannedCall {
  return { to, mode: 'sync', meanCalls: 1, count: 'rounded', fanout: 'parallel', optional: false, timeout: null, retries: null, ...extra };
}

export function emulatorSpec(extra: Partial<EmulatorSpec> = {}): EmulatorSpec {
  return {
    replicas: 1, workersPerReplica: 4, queuePerReplica: 50,
    service: { type: 'exponential', mean: 0.001 }, delay: 0, work: 'sleep',
    callGroups: [], initial: { busy: 0, queued: 0 }, cores: 0.5, memoryBytes: 64 * 2 ** 20,
    ...extra,
  };
}

const node = (id: string, action: PlannedNode['action'], emulator: EmulatorSpec | null): PlannedNode => ({
  id, action, reasons: ['test fixture'], pFail: null, emulator,
  stub: action === 'stub' ? { latency: { p50: 0.001, p95: 0.002, p99: 0.003 }, errorRate: 0 } : null,
});

/** A -> B, A -> S, B -> S; A and B duplicated, S stubbed, O omitted. */
export function testPlan(k = 2): ShadowPlan {
  return {
    format: SHADOW_PLAN_FORMAT,
    createdAt: '2025-01-01T00:00:00.000Z',
    target: 'local',
    twin: { name: 'test', source: 'test', hash: 'none' },
    result: { dir: 'none', replications: 1, horizon: 60, seed: 7 }, forecast: null,
    fidelity: { value: 0.5, threshold: 0.1, depth: 1, auto: null },
    mode: 'reproduce',
    budget: { processes: 4, cores: 2, memoryBytes: 2 ** 30 },
    dilation: { k, reason: 'test' },
    startAt: 0,
    duration: 10,
    nodes: [
      node('A', 'duplicate', emulatorSpec({ callGroups: [{ name: 'main', calls: [syncCall('B'), syncCall('S')] }], initial: { busy: 1, queued: 2 } })),
      node('B', 'duplicate', emulatorSpec({ callGroups: [{ name: 'main', calls: [syncCall('S')] }] })),
      node('S', 'stub', null),
      node('O', 'omit', null),
    ],
    traffic: [{ entry: 'web', node: 'A', source: { kind: 'constant' }, step: 10, rates: [10], process: 'poisson' }],
    dropped: [], trimmed: [], warnings: [],
    cost: { processes: 3, cores: 1, memoryBytes: 2 ** 27, shadowSeconds: 10 * k, requests: 100 },
  };
}
