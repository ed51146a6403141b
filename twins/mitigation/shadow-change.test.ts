import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EmulatorSpec, PlannedCall } from '../shadow/plan-types.js';
import { shadowSpecChanges } from './shadow-change.js';

const call = (to: string): PlannedCall => ({ to, mode: 'sync', meanCalls: 1, count: 'rounded', fanout: 'parallel', optional: false, timeout: null, retries: null });
const spec = (calls: PlannedCall[] = []): EmulatorSpec => ({
  replicas: 1, workersPerReplica: 2, queuePerReplica: 50, service: { type: 'exponential', mean: 0.02 }, delay: 0, work: 'sleep',
  callGroups: [{ name: 'main', calls }], initial: { busy: 0, queued: 0 }, cores: 0.5, memoryBytes: 2 ** 26,
});
// web → rec, web → cart (stubbed: not emulated), rec → db
const specs = new Map([['web', spec([call('rec'), call('cart')])], ['rec', spec([call('db')])], ['db', spec()]]);

test('capacity deltas set the node\'s own spec; the rest of it is kept', () => {
  const [c, ...rest] = shadowSpecChanges([{ op: 'replicas', node: 'rec', replicas: 3 }, { op: 'servers', node: 'rec', servers: 4 }, { op: 'queue', node: 'rec', capacity: null }], specs);
  assert.is(rest.length, 0, 'one node changed once, with all its deltas');
  assert.equal([c!.node, c!.before.replicas, c!.after.replicas, c!.after.workersPerReplica, c!.after.queuePerReplica], ['rec', 1, 3, 4, null]);
  assert.equal(c!.what, ['replicas 1 → 3', 'workers per replica 2 → 4', 'queue per replica 50 → none']);
  assert.equal(c!.after.callGroups, specs.get('rec')!.callGroups);
  assert.is(specs.get('rec')!.replicas, 1, 'the input is not modified');
});

test('timeouts and retries are the callers\' calls to the node', () => {
  const changes = shadowSpecChanges([{ op: 'timeout', node: 'rec', timeout: 0.5 }, { op: 'retries', node: 'db', retries: { max: 2, backoff: 0.1, jitter: 0.2 } }], specs);
  assert.equal(changes.map((c) => c.node), ['web', 'rec']);
  const web = changes[0]!.after.callGroups[0]!.calls;
  assert.equal(web.map((c) => [c.to, c.timeout]), [['rec', 0.5], ['cart', null]]);
  assert.equal(changes[1]!.after.callGroups[0]!.calls[0]!.retries, { max: 2, backoff: 0.1, jitter: 0.2 });
  assert.throws(() => shadowSpecChanges([{ op: 'timeout', node: 'web', timeout: 1 }], specs), /no emulated node of this shadow calls it/);
});

test('what the emulators cannot express is refused whole', () => {
  assert.throws(() => shadowSpecChanges([{ op: 'replicas', node: 'rec', replicas: 2 }, { op: 'rateLimit', entry: 'users', rate: 10, burst: 5 }], specs), /delta 1 \(rateLimit\) has no mechanism/);
  assert.throws(() => shadowSpecChanges([{ op: 'replicas', node: 'rec', replicas: 2, at: 60 }], specs), /takes effect at 60 s/);
  assert.throws(() => shadowSpecChanges([{ op: 'replicas', node: 'cart', replicas: 2 }], specs), /'cart': the node is not emulated/);
  assert.throws(() => shadowSpecChanges([{ op: 'replicas', node: 'rec', replicas: 0 }], specs), /whole number >= 1/);
  for (const op of ['serviceScale', 'memLimit'] as const) {
    const d = op === 'serviceScale' ? { op, node: 'rec', factor: 0.5 } : { op, node: 'rec', memLimit: 2 ** 28 };
    assert.throws(() => shadowSpecChanges([d], specs), /has no mechanism in the shadow/);
  }
});

test.run();
