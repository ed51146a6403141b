/**
 * A small hand-made twin and Kubernetes-target plan for the tests of the
 * manifests (twins/shadow/manifests.test.ts) and of the adapter that applies
 * them (runs/shadow/kubernetes.test.ts): duplicated Front_End -> cart, both
 * calling the stubbed db; Front_End autoscales in the twin.
 */
import { twinFromObject } from '../definition/load.js';
import { twinContentHash } from '../definition/content-hash.js';
import type { Twin } from '../definition/types.js';
import { SHADOW_PLAN_FORMAT, type EmulatorSpec, type PlannedCall, type PlannedNode, type ShadowPlan } from './plan-types.js';

export const IMAGE = 'registry.example/shadowcast:1.0';
export const NS = 'shadowcast-shadow-shop-test';

/** Front_End -> cart, Front_End -> db, cart -> db; Front_End autoscales. */
export function smallTwin(extra: { frontEndId?: string; cartId?: string } = {}): Twin {
  const fe = extra.frontEndId ?? 'Front_End', cart = extra.cartId ?? 'cart';
  return twinFromObject({
    name: 'Shop_Test',
    nodes: [
      { id: fe, replicas: 2, servers: 4, queue: 50, service: { type: 'exponential', mean: 0.01 }, autoscale: { target: 0.6, min: 2, max: 8 } },
      { id: cart, servers: 2, queue: 20, service: { type: 'exponential', mean: 0.005 } },
      { id: 'db', service: { type: 'exponential', mean: 0.002 } },
    ],
    edges: [
      { type: 'call', from: fe, to: cart, mean: 1, timeout: 0.5 },
      { type: 'call', from: fe, to: 'db', mean: 1 },
      { type: 'call', from: cart, to: 'db', mean: 1 },
    ],
    entries: [{ id: 'web', node: fe, rate: 10 }],
  }, { source: 'small-twin' });
}

const call = (to: string, extra: Partial<PlannedCall> = {}): PlannedCall => ({
  to, mode: 'sync', meanCalls: 1, count: 'rounded', fanout: 'sequential', optional: false, timeout: null, retries: null, ...extra,
});

const emulator = (extra: Partial<EmulatorSpec>): EmulatorSpec => ({
  replicas: 1, workersPerReplica: 1, queuePerReplica: null, service: { type: 'exponential', mean: 0.01 }, delay: 0, work: 'sleep',
  callGroups: [], initial: { busy: 0, queued: 0 }, cores: 0.1, memoryBytes: 100 * 2 ** 20, ...extra,
});

export function smallPlan(twin: Twin, extra: { replicas?: number; ids?: [string, string] } = {}): ShadowPlan {
  const [fe, cart] = extra.ids ?? ['Front_End', 'cart'];
  const node = (id: string, action: PlannedNode['action'], spec: EmulatorSpec | null): PlannedNode => ({
    id, action, reasons: ['test'], pFail: null, emulator: spec,
    stub: action === 'stub' ? { latency: { p50: 0.002, p95: 0.006, p99: 0.01 }, errorRate: 0.01 } : null,
  });
  return {
    format: SHADOW_PLAN_FORMAT, createdAt: '2025-01-01T00:00:00.000Z', target: 'kubernetes',
    twin: { name: twin.name, source: twin.source, hash: twinContentHash(twin) },
    result: { dir: 'sim', replications: 4, horizon: 300, seed: 7 }, forecast: null,
    fidelity: { value: 0.5, threshold: 0.1, depth: 1, auto: null }, mode: 'reproduce',
    budget: { processes: 8, cores: 2, memoryBytes: 2 ** 30 },
    dilation: { k: 2.5, reason: 'test' }, startAt: 0, duration: 60,
    nodes: [
      node(fe, 'duplicate', emulator({
        replicas: extra.replicas ?? 3, workersPerReplica: 4, queuePerReplica: 50, cores: 0.9, memoryBytes: (80 + 30) * 2 ** 20,
        callGroups: [{ name: 'g0', calls: [call(cart, { timeout: 0.5 })] }, { name: 'g1', calls: [call('db')] }],
        initial: { busy: 7, queued: 4 },
      })),
      node(cart, 'duplicate', emulator({ workersPerReplica: 2, queuePerReplica: 20, service: { type: 'exponential', mean: 0.005 }, callGroups: [{ name: 'g0', calls: [call('db')] }] })),
      node('db', 'stub', null),
    ],
    traffic: [{ entry: 'web', node: fe, source: { kind: 'constant' }, step: 60, rates: [10], process: 'poisson' }],
    dropped: [], trimmed: [], warnings: [],
    cost: { processes: 4, cores: 1, memoryBytes: 2 ** 28, shadowSeconds: 150, requests: 600 },
  };
}
