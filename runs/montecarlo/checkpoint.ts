/**
 * Chunk checkpoints: each finished chunk is written (temp file + rename)
 * under a folder named by a hash of everything the result depends on, so an
 * interrupted run resumes without recomputing what finished, and a changed
 * input can never pick up stale chunks.
 */
import { writeFileAtomically } from '../report/atomic-file.js';
import { contentHash } from '../../twins/definition/content-hash.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkSummary } from '../../twins/flow/summary.js';

export function runKey(parts: unknown): string {
  return contentHash(parts).slice(0, 16);
}

export class ChunkStore {
  constructor(readonly dir: string) {}

  private file(chunk: number): string {
    return join(this.dir, `chunk-${String(chunk).padStart(5, '0')}.json`);
  }

  async load(chunk: number): Promise<ChunkSummary | null> {
    try {
      return JSON.parse(await readFile(this.file(chunk), 'utf8'), (_k, v: unknown) => (v === 'NaN' ? NaN : v)) as ChunkSummary;
    } catch {
      return null;
    }
  }

  async save(chunk: number, summary: ChunkSummary): Promise<void> {
    // NaN (a figure with no observations) must survive the round trip.
    await writeFileAtomically(this.file(chunk), JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v)));
  }
}
