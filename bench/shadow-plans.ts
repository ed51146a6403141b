/**
 * Shadow plans built by hand for the bench (no twin, no planner), in the
 * shape materialise-test-plan.ts uses: a 10-process fan-out for start-up
 * time, and a single duplicated node for the emulator's overhead and its
 * M/M/c reproduction. Everything in production units; k is the plan's.
 */
import { SHADOW_PLAN_FORMAT, type EmulatorSpec, type PlannedNode, type ShadowPlan, type TrafficSchedule } from '../twins/shadow/plan-types.js';
import { emulatorSpec, syncCall } from '../runs/shadow/materialise-test-plan.js';

const duplicated = (id: string, emulator: EmulatorSpec): PlannedNode => ({ id, action: 'duplicate', reasons: ['bench fixture'], pFail: null, emulator, stub: null });
const stubbed = (id: string): PlannedNode => ({
  id, action: 'stub', reasons: ['bench fixture'], pFail: null, emulator: null,
  stub: { latency: { p50: 0.001, p95: 0.002, p99: 0.003 }, errorRate: 0 },
});

/** `seed`: the plan's simulation seed, which shadowUp gives every process as the seed of its random streams. */
function benchPlan(nodes: readonly PlannedNode[], traffic: TrafficSchedule, k: number, duration: number, seed = 7): ShadowPlan {
  const processes = nodes.filter((n) => n.action === 'duplicate').length + (nodes.some((n) => n.action === 'stub') ? 1 : 0);
  return {
    format: SHADOW_PLAN_FORMAT,
    createdAt: '2025-01-01T00:00:00.000Z',
    target: 'local',
    twin: { name: 'bench', source: 'bench', hash: 'none' },
    result: { dir: 'none', replications: 1, horizon: duration, seed }, forecast: null,
    fidelity: { value: 1, threshold: 0, depth: 0, auto: null },
    mode: 'reproduce',
    budget: { processes, cores: 2, memoryBytes: 2 ** 31 },
    dilation: { k, reason: 'bench' },
    startAt: 0,
    duration,
    nodes,
    traffic: [traffic],
    dropped: [], trimmed: [], warnings: [],
    cost: { processes, cores: 1, memoryBytes: processes * 2 ** 26, shadowSeconds: duration * k, requests: traffic.rates[0]! * duration },
  };
}

const constant = (node: string, rate: number): TrafficSchedule => ({ entry: 'bench', node, source: { kind: 'constant' }, step: 60, rates: [rate], process: 'poisson' });

/**
 * Nine emulators and one stubbed node (ten processes with the stub's), in
 * three start levels: gw fans out in parallel to a, b, c, then calls d;
 * a -> e, f; b -> f, g; c -> g, h (two parallel calls each); d -> h, s;
 * the leaves e..h call the stub s.
 */
export function fanOutPlan(): ShadowPlan {
  const calling = (...to: string[]): EmulatorSpec => emulatorSpec({ callGroups: [{ name: 'main', calls: to.map((t) => syncCall(t)) }] });
  const nodes: PlannedNode[] = [
    duplicated('gw', emulatorSpec({ callGroups: [{ name: 'fan', calls: ['a', 'b', 'c'].map((t) => syncCall(t)) }, { name: 'then', calls: [syncCall('d')] }] })),
    duplicated('a', calling('e', 'f')),
    duplicated('b', calling('f', 'g')),
    duplicated('c', emulatorSpec({ callGroups: [{ name: 'main', calls: [syncCall('g', { meanCalls: 2 }), syncCall('h', { meanCalls: 2 })] }] })),
    duplicated('d', calling('h', 's')),
    ...['e', 'f', 'g', 'h'].map((id) => duplicated(id, calling('s'))),
    stubbed('s'),
  ];
  return benchPlan(nodes, constant('gw', 10), 1, 60);
}

/** One duplicated node `id` with the given service, c workers on one replica, an unbounded queue, no calls, Poisson traffic at `rate` (production). */
export function singleNodePlan(id: string, spec: Pick<EmulatorSpec, 'service' | 'workersPerReplica'>, rate: number, k: number, duration: number, seed = 7): ShadowPlan {
  const emulator = emulatorSpec({ replicas: 1, queuePerReplica: null, ...spec });
  return benchPlan([duplicated(id, emulator)], constant(id, rate), k, duration, seed);
}
