import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Station } from './emulator-station.js';

test('workers serve first, then the waiting room fills, then requests are rejected', async () => {
  const s = new Station(1, 2, 1);
  const a = s.admit()!, b = s.admit()!, c = s.admit()!;
  assert.is(s.admit(), null);
  assert.is(s.busy, 2);
  assert.is(s.queued, 1);
  let cStarted = false;
  void c.started.then(() => (cStarted = true));
  await Promise.resolve();
  assert.not.ok(cStarted);
  a.release();
  await c.started;
  assert.ok(cStarted);
  assert.is(s.busy, 2);
  assert.is(s.queued, 0);
  b.release();
  c.release();
  assert.is(s.busy, 0);
  assert.throws(() => c.release(), /twice/);
});

test('replicas are chosen by fewest in flight, ties to the lowest index', () => {
  const s = new Station(3, 1, null);
  const picks = Array.from({ length: 6 }, () => s.admit()!.replica);
  assert.equal(picks, [0, 1, 2, 0, 1, 2]);
  assert.is(s.capacity, 3);
  assert.is(s.busy, 3);
  assert.is(s.queued, 3);
});

test('no replica: every request is rejected; queue 0: no waiting', () => {
  assert.is(new Station(0, 4, null).admit(), null);
  const s = new Station(1, 1, 0);
  assert.ok(s.admit());
  assert.is(s.admit(), null);
});

test.run();
