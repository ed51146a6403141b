/**
 * Chunking of replications. Boundaries depend only on the replication count,
 * never on the number of workers: that, plus merging in chunk order, is what
 * makes results bit-identical for 1, 2 or N workers.
 */
export interface ChunkRange {
  readonly chunk: number;
  readonly first: number;
  readonly count: number;
}

/** About 64 chunks (enough to balance a pool), each of at most 25 replications. */
export function defaultChunkSize(replications: number): number {
  return Math.max(1, Math.min(25, Math.ceil(replications / 64)));
}

export function chunkRanges(replications: number, chunkSize: number): ChunkRange[] {
  if (!(Number.isInteger(replications) && replications >= 1)) throw new RangeError(`replications must be an integer >= 1, got ${replications}`);
  if (!(Number.isInteger(chunkSize) && chunkSize >= 1)) throw new RangeError(`chunk size must be an integer >= 1, got ${chunkSize}`);
  const out: ChunkRange[] = [];
  for (let first = 0, chunk = 0; first < replications; first += chunkSize, chunk++) {
    out.push({ chunk, first, count: Math.min(chunkSize, replications - first) });
  }
  return out;
}
