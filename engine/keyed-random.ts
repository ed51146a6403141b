/**
 * Keyed random numbers for synchronising common random numbers per entity.
 * A stream consumed in event order desynchronises as soon as a model variant
 * changes the order of events; a request that carries its own key, and draws
 * its service times and decisions from a generator seeded by that key, keeps
 * the same work in every variant. Keys come from the replication's named
 * seedrandom streams, so everything still follows from (seed, replication).
 *
 * The generator is splitmix32: a Weyl sequence (state += golden ratio) through
 * murmur3's finaliser. Its whole state is one 32-bit number, so a record can
 * carry its own generator as a plain field and resume it at any later event.
 */
import type { Rng } from './rng.js';

/** The Weyl increment: 2^32 / golden ratio, odd, so the sequence has full period. */
const WEYL = 0x9e3779b9;
const TWO_POW_32 = 4294967296;

/** murmur3's 32-bit finaliser. */
function finalise(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mixes a value into a 32-bit hash (murmur3's finaliser over a combined word). */
export function mix32(h: number, v: number): number {
  return finalise((h ^ Math.imul(v | 0, 0x9e3779b1)) | 0);
}

/** The first uniform on [0, 1) a generator started at `state` draws: for a one-off draw from a key. */
export function keyedUniform(state: number): number {
  return finalise((state + WEYL) | 0) / TWO_POW_32;
}

/** A record that carries its own keyed generator: `keyedState` is the generator's whole state. */
export interface KeyedRecord {
  keyedState: number;
}

/**
 * One reusable generator that draws from whichever record it was last pointed
 * at, advancing that record's state in place. `from(record)` returns the same
 * Rng every time, so handing a record's randomness to a distribution costs no
 * allocation and no save/restore of state around the draw.
 */
export class KeyedDraws {
  private record: KeyedRecord = { keyedState: 0 };
  private readonly rng: Rng = () => {
    const r = this.record;
    r.keyedState = (r.keyedState + WEYL) | 0;
    return finalise(r.keyedState) / TWO_POW_32;
  };

  /** An Rng drawing from (and advancing) `record`'s keyed state until the next call of `from`. */
  from(record: KeyedRecord): Rng {
    this.record = record;
    return this.rng;
  }
}
