/**
 * Deadlines of a few fixed lengths (call timeouts), kept out of the event
 * calendar. Most deadlines are cancelled (the answer comes first), and a
 * calendar entry per deadline costs a heap insertion and a heap removal each:
 * in a model with timeouts on its calls that is about half of all calendar
 * work. Deadlines of one length expire in the order they were set, so each
 * length gets a FIFO ring, and only its earliest deadline sits in the
 * calendar. Cancelling marks an entry dead in O(1) (the head, and the dead
 * entries right behind it, are dropped at once); when the calendar reaches a
 * deadline that is gone, the ring moves on to its next live one (a
 * placeholder event that `executed` leaves out). A ring holds the deadlines
 * set since its oldest live one: about (rate of deadlines) x (the
 * oldest one's age), at most rate x delay, 21 bytes each (twice that while
 * it grows).
 *
 * Each deadline takes its place in the event order (Simulator.reserveOrder)
 * when it is set, so a run fires every deadline exactly where one calendar
 * event per deadline would have, ties included: results are identical.
 */
import type { Handler, Simulator } from './simulator.js';

class DeadlineRing {
  time: Float64Array;
  order: Float64Array;
  arg: Int32Array;
  live: Uint8Array;
  mask: number;
  /** Sequence numbers: entries head .. tail − 1 are held; entry s sits at s & mask. */
  head = 0;
  tail = 0;
  /** A calendar event is pending for this ring: for entry `armedSeq`, which may have been dropped since. */
  armed = false;
  armedSeq = 0;

  constructor(readonly delay: number, capacity = 64) {
    this.time = new Float64Array(capacity);
    this.order = new Float64Array(capacity);
    this.arg = new Int32Array(capacity);
    this.live = new Uint8Array(capacity);
    this.mask = capacity - 1;
  }

  grow(): void {
    const cap = (this.mask + 1) * 2, mask = cap - 1;
    const time = new Float64Array(cap), order = new Float64Array(cap), arg = new Int32Array(cap), live = new Uint8Array(cap);
    for (let s = this.head; s < this.tail; s++) {
      const from = s & this.mask, to = s & mask;
      time[to] = this.time[from]!;
      order[to] = this.order[from]!;
      arg[to] = this.arg[from]!;
      live[to] = this.live[from]!;
    }
    this.time = time; this.order = order; this.arg = arg; this.live = live; this.mask = mask;
  }
}

export class FixedDelayTimers {
  private readonly rings: DeadlineRing[];
  /** Handles are sequence × stride + ring: stride is a power of two above the ring count. */
  private readonly stride: number;
  private readonly hFire: number;

  /** `delays`: the lengths deadlines may have (repeats are merged); `onExpire(arg)` runs when a deadline passes uncancelled. */
  constructor(private readonly sim: Simulator, delays: readonly number[], private readonly onExpire: Handler) {
    const distinct = [...new Set(delays)];
    for (const d of distinct) if (!(d >= 0 && Number.isFinite(d))) throw new RangeError(`FixedDelayTimers: a delay must be a finite number >= 0, got ${d}`);
    this.rings = distinct.map((d) => new DeadlineRing(d));
    let stride = 1;
    while (stride < this.rings.length) stride *= 2;
    this.stride = stride;
    this.hFire = sim.on((q) => this.fire(q));
  }

  /** The ring of deadlines of length `delay` (one given to the constructor). */
  ringOf(delay: number): number {
    for (let q = 0; q < this.rings.length; q++) if (this.rings[q]!.delay === delay) return q;
    throw new RangeError(`FixedDelayTimers: no ring for a delay of ${delay}`);
  }

  /** Sets a deadline `delay(ring)` from now for `arg`; returns a handle for `cancel`. */
  start(ring: number, arg: number): number {
    const r = this.rings[ring]!;
    if (r.tail - r.head > r.mask) r.grow();
    const i = r.tail & r.mask;
    r.time[i] = this.sim.now + r.delay;
    r.order[i] = this.sim.reserveOrder(0);
    r.arg[i] = arg;
    r.live[i] = 1;
    const seq = r.tail++;
    // Not armed means empty: every entry before this one has been passed.
    if (!r.armed) this.arm(ring, r);
    return seq * this.stride + ring;
  }

  /** Entries the rings hold (live, and cancelled ones not yet passed): their memory, in deadlines. */
  get held(): number {
    let n = 0;
    for (const r of this.rings) n += r.tail - r.head;
    return n;
  }

  /** Cancels a deadline; false if it already expired or was cancelled. */
  cancel(handle: number): boolean {
    const ring = handle % this.stride;
    const seq = (handle - ring) / this.stride;
    const r = this.rings[ring];
    if (r === undefined || seq < r.head || seq >= r.tail) return false;
    const i = seq & r.mask;
    if (r.live[i] === 0) return false;
    r.live[i] = 0;
    // Answers come mostly in the order the calls went out: the head is usually the one cancelled. Dropping it (and the
    // dead behind it) keeps the ring to the span of calls outstanding; its calendar event stays, as a placeholder.
    if (seq === r.head) while (r.head < r.tail && r.live[r.head & r.mask] === 0) r.head++;
    return true;
  }

  private arm(ring: number, r: DeadlineRing): void {
    const i = r.head & r.mask;
    this.sim.scheduleKeyed(r.time[i]!, r.order[i]!, this.hFire, ring);
    r.armed = true;
    r.armedSeq = r.head;
  }

  /** The calendar reached the deadline `ring` was armed for: expire it if it is still there and live, then arm the next live one. */
  private fire(ring: number): void {
    const r = this.rings[ring]!;
    r.armed = false;
    let expires = false, arg = 0;
    if (r.armedSeq === r.head) {
      const i = r.head & r.mask;
      expires = r.live[i] === 1;
      arg = r.arg[i]!;
      r.live[i] = 0;
      r.head++;
    }
    while (r.head < r.tail && r.live[r.head & r.mask] === 0) r.head++;
    if (r.head < r.tail) this.arm(ring, r);
    if (expires) this.onExpire(arg);
    else this.sim.uncount();
  }
}
