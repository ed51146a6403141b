/**
 * Random streams. Every consumer of randomness gets its own stream, derived
 * from (seed, replication, stream name), so that a replication's draws do not
 * depend on which worker runs it or on how many other streams exist. This is
 * what makes results identical for any number of workers and what lets two
 * variants of a model share random numbers (common random numbers).
 */
import seedrandom from 'seedrandom';

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/**
 * xor4096 (Brent's xorgens, period 2^4096 - 1): fast, long period, and
 * recommended by seedrandom's author for many parallel streams seeded by
 * strings. Its 32-bit output is enough for event timing (the `double()`
 * variant would halve the speed for no gain at this resolution).
 */
export function createStream(seed: number | string, replication: number, name: string): Rng {
  if (!Number.isInteger(replication) || replication < 0) {
    throw new RangeError(`replication must be a non-negative integer, got ${replication}`);
  }
  if (name.length === 0) throw new RangeError('stream name must be non-empty');
  return seedrandom.xor4096(`shadowcast|${String(seed)}|${replication}|${name}`);
}

/**
 * A factory of named streams for one replication. Each name is handed out
 * once: two consumers asking for the same name would draw the very same
 * numbers (silently correlated randomness), so a repeated name is a bug in
 * the caller's naming scheme and is refused.
 */
export class StreamFactory {
  private readonly issued = new Set<string>();

  constructor(readonly seed: number | string, readonly replication: number) {}

  stream(name: string): Rng {
    if (this.issued.has(name)) {
      throw new Error(`random stream "${name}" was already handed out in replication ${this.replication}: two consumers would draw the same numbers`);
    }
    const rng = createStream(this.seed, this.replication, name);
    this.issued.add(name);
    return rng;
  }
}
