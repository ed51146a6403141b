/**
 * Keyed random numbers for synchronising common random numbers per entity.
 * A stream consumed in event order desynchronises as soon as a model variant
 * changes the order of events; a request that carries its own key, and draws
 * its service times and decisions from a generator seeded by that key, keeps
 * the same work in every variant. Keys come from the replication's named
 * seedrandom streams, so everything still follows from (seed, replication).
 */

/** Mixes a value into a 32-bit hash (murmur3's finaliser over a combined word). */
export function mix32(h: number, v: number): number {
  let z = (h ^ Math.imul(v | 0, 0x9e3779b1)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * splitmix32: a Weyl sequence through the same finaliser. Its whole state is
 * one 32-bit number, so callers can keep the state in their own records and
 * resume it later (`state` in, draw, `state` out).
 */
export class KeyedStream {
  state = 0;

  /** Uniform on [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  }
}
