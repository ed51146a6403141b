/**
 * Which workers are serving, and of which build: each worker process keeps
 * an entry in one Redis hash fresh (a heartbeat), so a submitter can say
 * "no worker of this build is connected; there is one of version X" instead
 * of waiting in silence on a queue nobody reads.
 */
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './bullmq-wire.js';

const REGISTRY_KEY = `${KEY_PREFIX}:workers`;
const HEARTBEAT_MS = 2_000;
/** An entry not refreshed for this long is a worker that is gone (killed, disconnected). */
const LIVE_MS = 10_000;
/** Entries this old are removed by whoever reads the registry. */
const FORGET_MS = 120_000;

export interface WorkerEntry {
  readonly id: string;
  readonly version: string;
  readonly concurrency: number;
  /** Date.now() of the last heartbeat. */
  readonly seen: number;
}

/** Registers a worker and keeps its entry fresh until the returned function is called (which removes it). */
export function registerWorker(redis: Redis, entry: Omit<WorkerEntry, 'seen'>): () => Promise<void> {
  const beat = () => redis.hset(REGISTRY_KEY, entry.id, JSON.stringify({ ...entry, seen: Date.now() })).catch(() => { /* Redis away: the next beat retries */ });
  void beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await redis.hdel(REGISTRY_KEY, entry.id).catch(() => {});
  };
}

/** Workers whose heartbeat is recent, of every version. */
export async function liveWorkers(redis: Redis): Promise<WorkerEntry[]> {
  const raw = await redis.hgetall(REGISTRY_KEY);
  const now = Date.now();
  const live: WorkerEntry[] = [];
  const gone: string[] = [];
  for (const [id, text] of Object.entries(raw)) {
    let entry: WorkerEntry | null = null;
    try {
      entry = JSON.parse(text) as WorkerEntry;
    } catch {
      // Not ours to interpret: forget it.
    }
    if (entry && now - entry.seen < LIVE_MS) live.push(entry);
    else if (!entry || now - entry.seen > FORGET_MS) gone.push(id);
  }
  if (gone.length) await redis.hdel(REGISTRY_KEY, ...gone);
  return live.sort((a, b) => a.id.localeCompare(b.id));
}

/** "2 worker(s) of version V (host:1, host:2)" for messages. */
export function describeWorkers(workers: readonly WorkerEntry[]): string {
  const byVersion = new Map<string, string[]>();
  for (const w of workers) byVersion.set(w.version, [...(byVersion.get(w.version) ?? []), w.id]);
  return [...byVersion].map(([v, ids]) => `${ids.length} of version ${v} (${ids.join(', ')})`).join('; ');
}
