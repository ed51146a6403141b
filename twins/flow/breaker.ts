/**
 * A circuit breaker on one call edge, shared by all replicas of the caller
 * node (the twin has no per-replica client state). Closed: attempts go
 * through and their outcomes enter a sliding time window; when the window
 * (the last `window` s) holds at least `minCalls` outcomes and a share >=
 * `failureRatio` of them are failures, it opens. Open: attempts are refused
 * (fail fast, nothing sent) until `openFor` s have passed; then it is
 * half-open: the next attempt is a trial and the others are refused while the
 * trial is out; a successful trial closes it (empty window), a failed one
 * opens it again. Outcomes of attempts sent before it opened are ignored.
 * No random draws (common random numbers are kept).
 *
 * The window is a ring of (time, failed) pairs that grows by doubling when
 * full, so steady running allocates nothing per attempt.
 */
import type { CircuitBreaker } from '../definition/types.js';

export const enum Permit {
  /** Open (or half-open with the trial out): fail fast. */
  Refuse = 0,
  Normal = 1,
  /** Half-open: this attempt is the trial. */
  Trial = 2,
}

const enum State {
  Closed = 0,
  Open = 1,
  HalfOpen = 2,
}

export class BreakerState {
  private state = State.Closed;
  private openUntil = 0;
  private trialOut = false;
  private times = new Float64Array(64);
  private failed = new Uint8Array(64);
  private head = 0;
  private size = 0;
  private failures = 0;
  /** Attempts refused (fail fast) so far. */
  refused = 0;
  /** Times it opened. */
  opened = 0;

  constructor(readonly spec: CircuitBreaker) {}

  /** Whether an attempt may be sent at `now`. Before `at` the breaker is not there: always Normal. */
  permit(now: number): Permit {
    if (now < this.spec.at || this.state === State.Closed) return Permit.Normal;
    if (this.state === State.Open) {
      if (now < this.openUntil) { this.refused++; return Permit.Refuse; }
      this.state = State.HalfOpen;
    }
    if (this.trialOut) { this.refused++; return Permit.Refuse; }
    this.trialOut = true;
    return Permit.Trial;
  }

  /** The outcome of an attempt sent with `permit` (a timeout is a failure). */
  record(now: number, failed: boolean, permit: Permit): void {
    if (now < this.spec.at) return;
    if (permit === Permit.Trial) {
      this.trialOut = false;
      if (failed) this.open(now);
      else { this.state = State.Closed; this.clear(); }
      return;
    }
    if (this.state !== State.Closed) return;
    this.evict(now);
    this.push(now, failed);
    if (this.size >= this.spec.minCalls && this.failures >= this.spec.failureRatio * this.size) this.open(now);
  }

  /** The trial attempt was abandoned by its caller (its outcome will never come): another attempt may be the trial. */
  trialAbandoned(): void {
    this.trialOut = false;
  }

  private open(now: number): void {
    this.state = State.Open;
    this.openUntil = now + this.spec.openFor;
    this.opened++;
    this.clear();
  }

  private clear(): void {
    this.head = 0;
    this.size = 0;
    this.failures = 0;
  }

  /** Drops outcomes older than the window: those at or before now − window. */
  private evict(now: number): void {
    const cap = this.times.length;
    while (this.size > 0 && this.times[this.head]! <= now - this.spec.window) {
      this.failures -= this.failed[this.head]!;
      this.head = (this.head + 1) % cap;
      this.size--;
    }
  }

  private push(now: number, failed: boolean): void {
    let cap = this.times.length;
    if (this.size === cap) {
      // Full: double, unrolling the ring so the oldest is first.
      const times = new Float64Array(cap * 2);
      const flags = new Uint8Array(cap * 2);
      for (let k = 0; k < cap; k++) { times[k] = this.times[(this.head + k) % cap]!; flags[k] = this.failed[(this.head + k) % cap]!; }
      this.times = times;
      this.failed = flags;
      this.head = 0;
      cap *= 2;
    }
    const at = (this.head + this.size) % cap;
    this.times[at] = now;
    this.failed[at] = failed ? 1 : 0;
    this.size++;
    if (failed) this.failures++;
  }
}
