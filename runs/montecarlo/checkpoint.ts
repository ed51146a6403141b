/**
 * Chunk checkpoints: each finished chunk is written (temp file + rename)
 * under a folder named by a hash of everything the result depends on, so an
 * interrupted run resumes without recomputing what finished, and a changed
 * input can never pick up stale chunks.
 *
 * A checkpoint is trusted only when it proves itself: the file is a header
 * line `{"format", "build", "chunk", "sha256"}` and the chunk's JSON, and the
 * header must name this format version, this build (codeVersion(), the code
 * version BullMQ jobs carry: another build could compute the chunk
 * differently) and this chunk, and the SHA-256 of the JSON text must match. Anything else (an edit, a truncation, an older format) is
 * named in a warning and the chunk is recomputed, never merged. Temp files
 * left by a process that died mid-write are removed when the folder is next
 * used.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../report/atomic-file.js';
import { writerAlive } from '../../engine/temp-files.js';
import { codeVersion } from '../executors/bullmq-version.js';
import { contentHash } from '../../twins/definition/content-hash.js';
import type { ChunkSummary } from '../../twins/flow/summary.js';

/** 3: entry chunks carry `shed`; 4: the header names the build. A chunk of an older format is recomputed (with a warning), never merged. */
export const CHECKPOINT_FORMAT = 'shadowcast-chunk/4';

export function runKey(parts: unknown): string {
  return contentHash(parts).slice(0, 16);
}

interface Header {
  readonly format: string;
  readonly build: string;
  readonly chunk: number;
  readonly sha256: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A checkpoint file's text for a chunk (exported for tests). */
export function checkpointText(chunk: number, summary: ChunkSummary, build: string): string {
  // NaN (a figure with no observations) must survive the round trip.
  const body = JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v));
  const header: Header = { format: CHECKPOINT_FORMAT, build, chunk, sha256: sha256(body) };
  return `${JSON.stringify(header)}\n${body}`;
}

/** The chunk summary in a checkpoint's text, or why it cannot be trusted. */
export function readCheckpointText(text: string, chunk: number, build: string): { summary: ChunkSummary } | { invalid: string } {
  const cut = text.indexOf('\n');
  if (cut < 0) return { invalid: 'no header line (an older format, or a truncated file)' };
  let header: Partial<Header>;
  try {
    header = JSON.parse(text.slice(0, cut)) as Partial<Header>;
  } catch {
    return { invalid: 'the header line is not JSON' };
  }
  if (header === null || typeof header !== 'object') return { invalid: 'the header line is not an object' };
  if (header.format !== CHECKPOINT_FORMAT) return { invalid: `format ${JSON.stringify(header.format)}, expected ${JSON.stringify(CHECKPOINT_FORMAT)}` };
  if (header.build !== build) return { invalid: `written by build ${JSON.stringify(header.build)}, this is build ${JSON.stringify(build)}` };
  if (header.chunk !== chunk) return { invalid: `it is for chunk ${JSON.stringify(header.chunk)}` };
  const body = text.slice(cut + 1);
  if (sha256(body) !== header.sha256) return { invalid: 'its content hash does not match (edited or damaged)' };
  try {
    const summary = JSON.parse(body, (_k, v: unknown) => (v === 'NaN' ? NaN : v)) as unknown;
    if (summary === null || typeof summary !== 'object') return { invalid: 'the chunk is not an object' };
    return { summary: summary as ChunkSummary };
  } catch {
    return { invalid: 'the chunk is not JSON' };
  }
}

export class ChunkStore {
  private swept = false;

  /**
   * `warn` receives one line per checkpoint that was refused (default: stderr);
   * `build` is the code version checkpoints are written with and must carry to be used (default: codeVersion()).
   */
  constructor(
    readonly dir: string,
    private readonly warn: (line: string) => void = (line) => console.error(`warning: ${line}`),
    private readonly build: Promise<string> | string = codeVersion(),
  ) {}

  private file(chunk: number): string {
    return join(this.dir, `chunk-${String(chunk).padStart(5, '0')}.json`);
  }

  /** Removes temp files (`.chunk-*.PID.*.tmp`, atomic-file.ts) whose writer is gone. */
  private async sweep(): Promise<void> {
    if (this.swept) return;
    this.swept = true;
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = /^\.?chunk-\d+\.json\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
      if (m && !writerAlive(Number(m[1]))) await rm(join(this.dir, name), { force: true });
    }
  }

  async load(chunk: number): Promise<ChunkSummary | null> {
    await this.sweep();
    const file = this.file(chunk);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return null;
    }
    const read = readCheckpointText(text, chunk, await this.build);
    if ('invalid' in read) {
      this.warn(`checkpoint ${file} not used (${read.invalid}): chunk ${chunk} is recomputed`);
      await rm(file, { force: true });
      return null;
    }
    return read.summary;
  }

  async save(chunk: number, summary: ChunkSummary): Promise<void> {
    await writeFileAtomically(this.file(chunk), checkpointText(chunk, summary, await this.build));
  }
}
