import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FixedDelayTimers } from './deadlines.js';
import { createStream } from './rng.js';
import { Simulator } from './simulator.js';

/**
 * A small model run twice: once with a calendar event per deadline, once
 * with FixedDelayTimers. Every time is on an integer grid and the delays are
 * whole numbers, so deadlines tie with each other and with other events all
 * the time: the two runs agree only if each deadline keeps the place in the
 * event order it had when it was set.
 */
function run(useRings: boolean): { log: string[]; executed: number; work: Simulator['calendarWork'] } {
  const sim = new Simulator(4);
  const rng = createStream(3, 0, 'deadlines');
  const log: string[] = [];
  const delays = [1, 2, 5];
  const handles = new Map<number, number>();
  let next = 0;
  let onExpire = (id: number) => { handles.delete(id); log.push(`${sim.now} expire ${id}`); };
  const hExpire = sim.on((id) => onExpire(id));
  const timers = new FixedDelayTimers(sim, [...delays, 2], (id) => onExpire(id));
  const set = (delay: number) => {
    const id = next++;
    handles.set(id, useRings ? timers.start(timers.ringOf(delay), id) : sim.schedule(delay, hExpire, id));
  };
  const cancel = (id: number) => {
    const h = handles.get(id)!;
    handles.delete(id);
    assert.ok(useRings ? timers.cancel(h) : sim.cancel(h));
    assert.not.ok(useRings ? timers.cancel(h) : sim.cancel(h), 'a cancelled deadline cannot be cancelled twice');
  };
  const hWork = sim.on((k) => {
    log.push(`${sim.now} work ${k}`);
    // Each unit of work sets a deadline or two and cancels some pending ones (answers that came in time).
    const n = 1 + Math.floor(rng() * 2);
    for (let i = 0; i < n; i++) set(delays[Math.floor(rng() * delays.length)]!);
    for (const id of [...handles.keys()]) if (rng() < 0.3) cancel(id);
    if (sim.now < 200) sim.schedule(Math.floor(rng() * 3), hWork, k);
  });
  // An expiry may itself set a new deadline (a retry with its own timeout).
  const plain = onExpire;
  onExpire = (id) => { plain(id); if (id % 7 === 0 && sim.now < 200) set(delays[id % 3]!); };
  for (let k = 0; k < 3; k++) sim.schedule(0, hWork, k);
  sim.run();
  return { log, executed: sim.executed, work: sim.calendarWork };
}

test('fixed-delay deadlines fire exactly where one calendar event each would, ties included', () => {
  const calendar = run(false);
  const rings = run(true);
  assert.ok(calendar.log.filter((l) => l.includes('expire')).length > 100, 'the workload lets many deadlines expire');
  assert.equal(rings.log, calendar.log);
  assert.is(rings.executed, calendar.executed, 'placeholders of cancelled deadlines are not counted as events');
  // The point of it: cancelled deadlines cost the calendar nothing.
  assert.ok(calendar.work.cancelled > 100, `one event per deadline: ${calendar.work.cancelled} cancellations`);
  assert.is(rings.work.cancelled, 0);
  assert.ok(rings.work.inserted < calendar.work.inserted, `${rings.work.inserted} insertions against ${calendar.work.inserted}`);
});

test('a handle is refused once its deadline expired, and for an unknown ring', () => {
  const sim = new Simulator();
  const fired: number[] = [];
  const timers = new FixedDelayTimers(sim, [1], (a) => fired.push(a));
  const h = timers.start(timers.ringOf(1), 42);
  sim.run();
  assert.equal(fired, [42]);
  assert.is(sim.now, 1);
  assert.not.ok(timers.cancel(h));
  assert.throws(() => timers.ringOf(2), /no ring for a delay of 2/);
  assert.throws(() => new FixedDelayTimers(sim, [-1], () => {}), /finite number >= 0/);
});

test('answers in the order the calls went out keep a ring to the calls outstanding, placeholders and all', () => {
  const sim = new Simulator();
  const fired: number[] = [];
  const timers = new FixedDelayTimers(sim, [60], (a) => fired.push(a));
  const handles: number[] = [];
  let most = 0, mostAfter = 0;
  // 10 000 calls, one every 10 ms, each answered 50 ms later (long before its 60 s deadline), except call 5000.
  const hCall = sim.on((k) => {
    handles[k] = timers.start(0, k);
    if (k + 1 < 10_000) sim.schedule(0.01, hCall, k + 1);
    if (k !== 5000) sim.schedule(0.05, hAnswer, k);
  });
  const hAnswer = sim.on((k) => {
    assert.ok(timers.cancel(handles[k]!));
    if (k < 5000) most = Math.max(most, timers.held); else mostAfter = Math.max(mostAfter, timers.held);
  });
  sim.schedule(0, hCall, 0);
  sim.run();
  assert.equal(fired, [5000], 'the unanswered one expires');
  assert.ok(Math.abs(sim.now - (50 + 60)) < 1e-9, 'call 5000 goes out at 50 s and expires 60 s later');
  assert.ok(most <= 6, `while every call is answered: the ~5 calls outstanding, not the 60 s of calls made (${most})`);
  assert.ok(mostAfter <= 5001, `behind the unanswered call: the calls made since (${mostAfter})`);
  assert.is(timers.held, 0);
  assert.is(sim.executed, 10_000 + 9_999 + 1, 'calls, answers and the expiry; no placeholder');
});

test('a ring grows past its first capacity without losing order', () => {
  const sim = new Simulator();
  const fired: number[] = [];
  const timers = new FixedDelayTimers(sim, [10], (a) => fired.push(a));
  const hSet = sim.on((k) => { timers.start(0, k); if (k < 499) sim.schedule(0.01, hSet, k + 1); });
  sim.schedule(0, hSet, 0);
  sim.run();
  assert.equal(fired, Array.from({ length: 500 }, (_, k) => k));
});

test.run();
