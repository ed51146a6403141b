/**
 * The event calendar: a binary min-heap on typed arrays keyed by
 * (time, priority, insertion counter). Events live in slots that are recycled
 * through a free list, so memory depends on the number of pending events, not
 * on simulated time. Each slot knows its heap position, so cancelling an event
 * (a timeout that did not fire) is O(log n) with no scan.
 */

/** Priorities outside this range would overflow the packed tie-break key. */
export const MIN_PRIORITY = -512;
export const MAX_PRIORITY = 511;
// key = (priority - MIN_PRIORITY) * 2^43 + insertion counter: one double
// comparison breaks ties by priority, then FIFO, exactly below 2^53.
const PRIORITY_SCALE = 2 ** 43;

export class EventCalendar {
  // Heap arrays, parallel: the keys sit in the heap itself so comparisons
  // touch contiguous memory and need no indirection.
  private hTime: Float64Array;
  private hKey: Float64Array;
  private hSlot: Int32Array;
  // Per-slot payload and back-pointer into the heap (-1 when not scheduled).
  private pos: Int32Array;
  private slotHandler: Int32Array;
  private slotArg: Int32Array;
  private slotGen: Uint32Array;
  private freeSlots: Int32Array;
  private freeCount: number;
  private counter = 0;
  private n = 0;
  /** Insertions and cancellations so far: the calendar's work, counted (timings on a shared machine drift; counts do not). */
  inserted = 0;
  cancelled = 0;

  constructor(initialCapacity = 64) {
    const cap = Math.max(4, initialCapacity | 0);
    this.hTime = new Float64Array(cap);
    this.hKey = new Float64Array(cap);
    this.hSlot = new Int32Array(cap);
    this.pos = new Int32Array(cap).fill(-1);
    this.slotHandler = new Int32Array(cap);
    this.slotArg = new Int32Array(cap);
    this.slotGen = new Uint32Array(cap);
    this.freeSlots = new Int32Array(cap);
    for (let i = 0; i < cap; i++) this.freeSlots[i] = cap - 1 - i;
    this.freeCount = cap;
  }

  get size(): number {
    return this.n;
  }

  /** Slots allocated so far: the calendar's memory footprint in events. */
  get capacity(): number {
    return this.pos.length;
  }

  /**
   * Schedules (time, handler, arg). Returns an event handle: slot and
   * generation packed so that a stale handle (event already fired) cannot
   * cancel a later event that reused the slot.
   */
  push(time: number, handler: number, arg: number, priority = 0): number {
    return this.pushKeyed(time, handler, arg, (priority - MIN_PRIORITY) * PRIORITY_SCALE + this.counter++);
  }

  /**
   * Takes the tie-break key the next `push` at `priority` would get, without
   * scheduling anything: an event pushed later with `pushKeyed` and this key
   * runs exactly where it would have run had it been pushed now.
   */
  reserveKey(priority = 0): number {
    return (priority - MIN_PRIORITY) * PRIORITY_SCALE + this.counter++;
  }

  /** Schedules (time, handler, arg) with a key from `reserveKey`. */
  pushKeyed(time: number, handler: number, arg: number, key: number): number {
    if (this.freeCount === 0) this.grow();
    const slot = this.freeSlots[--this.freeCount]!;
    this.slotHandler[slot] = handler;
    this.slotArg[slot] = arg;
    this.inserted++;
    if (this.n >= this.hTime.length) this.growHeap();
    this.siftUpFrom(this.n++, time, key, slot);
    return slot + this.slotGen[slot]! * 0x100000000;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.hTime[0]! : Infinity;
  }

  /** Handler and argument of the event `pop` returned last. */
  lastHandler = 0;
  lastArg = 0;

  /** Removes the earliest event and returns its time; its payload is in lastHandler/lastArg. */
  pop(): number {
    const hTime = this.hTime;
    const time = hTime[0]!;
    const slot = this.hSlot[0]!;
    this.lastHandler = this.slotHandler[slot]!;
    this.lastArg = this.slotArg[slot]!;
    this.release(slot);
    const last = --this.n;
    if (last > 0) this.siftDown(0, hTime[last]!, this.hKey[last]!, this.hSlot[last]!);
    return time;
  }

  /** Cancels an event by handle; returns false if it already fired or was cancelled. */
  cancel(handle: number): boolean {
    const slot = handle % 0x100000000;
    const gen = Math.floor(handle / 0x100000000);
    if (slot < 0 || slot >= this.pos.length || this.slotGen[slot] !== gen) return false;
    const i = this.pos[slot]!;
    if (i < 0) return false;
    this.cancelled++;
    this.release(slot);
    const last = --this.n;
    if (i === last) return true;
    const t = this.hTime[last]!, k = this.hKey[last]!, s = this.hSlot[last]!;
    // The element moved into the hole may need to go either way.
    if (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.hTime[p]!;
      if (t < pt || (t === pt && k < this.hKey[p]!)) {
        this.siftUpFrom(i, t, k, s);
        return true;
      }
    }
    this.siftDown(i, t, k, s);
    return true;
  }

  /** Removes every pending event. */
  clear(): void {
    while (this.n > 0) this.release(this.hSlot[--this.n]!);
  }

  private release(slot: number): void {
    this.pos[slot] = -1;
    // 20-bit generations keep handles exact doubles (slot < 2^32, gen < 2^20).
    this.slotGen[slot] = (this.slotGen[slot]! + 1) & 0xfffff;
    this.freeSlots[this.freeCount++] = slot;
  }

  private siftDown(i: number, t: number, k: number, s: number): void {
    const hTime = this.hTime, hKey = this.hKey, hSlot = this.hSlot, pos = this.pos;
    const n = this.n;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = hTime[c]!, ck = hKey[c]!;
      const r = c + 1;
      if (r < n) {
        const rt = hTime[r]!;
        if (rt < ct || (rt === ct && hKey[r]! < ck)) {
          c = r;
          ct = rt;
          ck = hKey[r]!;
        }
      }
      if (t < ct || (t === ct && k < ck)) break;
      hTime[i] = ct;
      hKey[i] = ck;
      const cs = hSlot[c]!;
      hSlot[i] = cs;
      pos[cs] = i;
      i = c;
    }
    hTime[i] = t;
    hKey[i] = k;
    hSlot[i] = s;
    pos[s] = i;
  }

  private siftUpFrom(i: number, t: number, k: number, s: number): void {
    const hTime = this.hTime, hKey = this.hKey, hSlot = this.hSlot, pos = this.pos;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = hTime[p]!;
      if (pt < t || (pt === t && hKey[p]! < k)) break;
      hTime[i] = pt;
      hKey[i] = hKey[p]!;
      const ps = hSlot[p]!;
      hSlot[i] = ps;
      pos[ps] = i;
      i = p;
    }
    hTime[i] = t;
    hKey[i] = k;
    hSlot[i] = s;
    pos[s] = i;
  }

  private grow(): void {
    const old = this.pos.length;
    const cap = old * 2;
    const grown = (a: Int32Array, fill = 0) => { const b = new Int32Array(cap).fill(fill); b.set(a); return b; };
    this.pos = grown(this.pos, -1);
    this.slotHandler = grown(this.slotHandler);
    this.slotArg = grown(this.slotArg);
    const gen = new Uint32Array(cap); gen.set(this.slotGen); this.slotGen = gen;
    const free = new Int32Array(cap);
    free.set(this.freeSlots.subarray(0, this.freeCount));
    for (let s = cap - 1; s >= old; s--) free[this.freeCount++] = s;
    this.freeSlots = free;
  }

  private growHeap(): void {
    const cap = this.hTime.length * 2;
    const t = new Float64Array(cap); t.set(this.hTime); this.hTime = t;
    const k = new Float64Array(cap); k.set(this.hKey); this.hKey = k;
    const s = new Int32Array(cap); s.set(this.hSlot); this.hSlot = s;
  }
}
