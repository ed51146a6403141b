/**
 * Token-bucket admission at an entry (a rate limit). The bucket holds up to
 * `burst` tokens and gains `rate` tokens per second; an arrival takes one
 * token, or is shed when fewer than one is left. It is full when it switches
 * on (at `at`). No random draws: a rate-limited variant keeps every other
 * draw of the run (common random numbers).
 */
import type { RateLimit } from '../definition/types.js';

/** Slack for the float sum of refills: a token that is 1 up to rounding counts as whole. */
const WHOLE = 1 - 1e-9;

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(readonly limit: RateLimit) {
    this.tokens = limit.burst;
    this.last = limit.at;
  }

  /** Whether an arrival at `now` is admitted (taking a token). Always true before the limit switches on. */
  admit(now: number): boolean {
    if (now < this.limit.at) return true;
    this.tokens = Math.min(this.limit.burst, this.tokens + this.limit.rate * (now - this.last));
    this.last = now;
    if (this.tokens >= WHOLE) {
      this.tokens = Math.max(0, this.tokens - 1);
      return true;
    }
    return false;
  }
}
