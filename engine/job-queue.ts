/**
 * A growable FIFO ring buffer of (job, enqueue time) on typed arrays: no
 * allocation per job, and memory bounded by the longest queue seen.
 */
export class JobQueue {
  private jobs: Int32Array;
  private times: Float64Array;
  private head = 0;
  length = 0;

  constructor(capacity = 16) {
    this.jobs = new Int32Array(capacity);
    this.times = new Float64Array(capacity);
  }

  push(job: number, time: number): void {
    if (this.length === this.jobs.length) this.grow();
    const i = (this.head + this.length) % this.jobs.length;
    this.jobs[i] = job;
    this.times[i] = time;
    this.length++;
  }

  /** Enqueue time of the head job; read before `shift`. */
  headTime(): number {
    return this.times[this.head]!;
  }

  shift(): number {
    const job = this.jobs[this.head]!;
    this.head = this.head + 1 === this.jobs.length ? 0 : this.head + 1;
    this.length--;
    return job;
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
  }

  private grow(): void {
    const cap = this.jobs.length * 2;
    const jobs = new Int32Array(cap);
    const times = new Float64Array(cap);
    for (let k = 0; k < this.length; k++) {
      const i = (this.head + k) % this.jobs.length;
      jobs[k] = this.jobs[i]!;
      times[k] = this.times[i]!;
    }
    this.jobs = jobs;
    this.times = times;
    this.head = 0;
  }
}
