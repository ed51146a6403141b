import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventCalendar } from './calendar.js';
import { createStream } from './rng.js';
import { Simulator } from './simulator.js';

test('pops in time order, ties by priority then insertion order', () => {
  const cal = new EventCalendar(4);
  cal.push(2, 0, 1);
  cal.push(1, 0, 2);
  cal.push(1, 0, 3);
  cal.push(1, 0, 4, -1); // higher priority at the same time goes first
  cal.push(0.5, 0, 5);
  const order: number[] = [];
  while (cal.size > 0) { cal.pop(); order.push(cal.lastArg); }
  assert.equal(order, [5, 4, 2, 3, 1]);
});

test('random pushes, pops and cancels agree with a sorted reference', () => {
  const rng = createStream(1, 0, 'calendar');
  const cal = new EventCalendar(2);
  const live = new Map<number, { t: number; seq: number; arg: number }>();
  let seq = 0;
  for (let step = 0; step < 20_000; step++) {
    const u = rng();
    if (u < 0.5 || live.size === 0) {
      // Coarse times so that ties are frequent.
      const t = Math.floor(rng() * 50);
      const h = cal.push(t, 0, seq);
      live.set(h, { t, seq, arg: seq });
      seq++;
    } else if (u < 0.7) {
      const handles = [...live.keys()];
      const h = handles[Math.floor(rng() * handles.length)]!;
      assert.ok(cal.cancel(h));
      assert.not.ok(cal.cancel(h), 'a cancelled handle cannot cancel twice');
      live.delete(h);
    } else {
      const expected = [...live.entries()].sort((a, b) => a[1].t - b[1].t || a[1].seq - b[1].seq)[0]!;
      const t = cal.pop();
      assert.is(t, expected[1].t);
      assert.is(cal.lastArg, expected[1].arg);
      live.delete(expected[0]);
      assert.not.ok(cal.cancel(expected[0]), 'a fired event cannot be cancelled');
    }
    assert.is(cal.size, live.size);
  }
});

test('memory stays flat: slots are recycled', () => {
  const cal = new EventCalendar(8);
  let t = 0;
  for (let i = 0; i < 4; i++) cal.push(i, 0, i);
  for (let i = 0; i < 1_000_000; i++) { t = cal.pop(); cal.push(t + 1, 0, 0); }
  assert.is(cal.capacity, 8);
});

test('simulator runs handlers in order, stops at the horizon and cancels', () => {
  const sim = new Simulator();
  const seen: string[] = [];
  const h = sim.on((arg) => seen.push(`${sim.now}:${arg}`));
  sim.schedule(3, h, 3);
  const cancelled = sim.schedule(2, h, 2);
  sim.schedule(1, h, 1);
  sim.schedule(10, h, 10);
  assert.ok(sim.cancel(cancelled));
  sim.run(5);
  assert.equal(seen, ['1:1', '3:3']);
  assert.is(sim.now, 5);
  assert.is(sim.pending, 1);
  assert.throws(() => sim.schedule(-1, h), /delay must be >= 0, got -1/);
  assert.throws(() => sim.scheduleAt(4, h), /before now/);
});

test.run();
