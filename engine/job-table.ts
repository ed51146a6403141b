/**
 * Job identities for models whose jobs travel between stations: a recycled
 * integer id and the time the job entered the system. Ids are reused through
 * a free list, so memory tracks the jobs in flight, not the jobs ever made.
 */
export class JobTable {
  private entry: Float64Array;
  private free: Int32Array;
  private freeCount = 0;
  private next = 0;

  constructor(capacity = 256) {
    this.entry = new Float64Array(capacity);
    this.free = new Int32Array(capacity);
  }

  create(now: number): number {
    let id: number;
    if (this.freeCount > 0) id = this.free[--this.freeCount]!;
    else {
      id = this.next++;
      if (id >= this.entry.length) {
        const grown = new Float64Array(this.entry.length * 2);
        grown.set(this.entry);
        this.entry = grown;
        const free = new Int32Array(grown.length);
        free.set(this.free);
        this.free = free;
      }
    }
    this.entry[id] = now;
    return id;
  }

  entryTime(id: number): number {
    return this.entry[id]!;
  }

  release(id: number): void {
    this.free[this.freeCount++] = id;
  }

  /** Ids ever allocated: the table's memory, in jobs. */
  get allocated(): number {
    return this.next;
  }
}
