/**
 * Connections to the Redis a distributed run goes through. Reachability is
 * checked once, up front, within a bounded time, so an unreachable or wrong
 * address is a clear error instead of a hang; after that the connections
 * reconnect on their own (a restarted Redis is waited for by the caller, for
 * as long as it allows).
 */
import { Redis } from 'ioredis';

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

/** The URL as it may be printed: no password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Checks the form of a Redis URL (flag parsing); returns it unchanged. */
export function checkRedisUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`expected a Redis URL such as redis://127.0.0.1:6379, got '${raw}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`expected a redis:// or rediss:// URL, got '${raw}'`);
  if (!u.hostname) throw new Error(`expected a host in the Redis URL, got '${raw}'`);
  return raw;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(what)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once Redis at `url` answers a PING; otherwise throws RedisUnavailableError within about `timeoutMs`. */
export async function probeRedis(url: string, timeoutMs: number): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  probe.on('error', () => { /* reported by connect() below */ });
  try {
    await withTimeout(probe.connect().then(() => probe.ping()), timeoutMs, `no answer in ${timeoutMs / 1000} s`);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new RedisUnavailableError(`cannot reach Redis at ${redactUrl(url)} (${reason}): start redis-server there, or pass --redis with the right URL`);
  } finally {
    probe.disconnect();
  }
}

/**
 * A connection that reconnects (every 0.2 .. 2 s) after Redis goes away.
 * `blocking` (BullMQ workers): commands wait for the reconnection. Otherwise
 * they fail at once while Redis is away, so the caller decides how long to wait.
 */
export function openRedis(url: string, blocking: boolean): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: blocking ? null : 1,
    enableOfflineQueue: blocking,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  });
  // Errors show up as failed commands; without a listener ioredis would print each reconnection attempt.
  redis.on('error', () => {});
  return redis;
}

/** Resolves once `redis` is connected (a fresh connection is not yet), within `timeoutMs`. */
export async function whenReady(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await withTimeout(new Promise<void>((resolve) => redis.once('ready', () => resolve())), timeoutMs, 'no connection')
    .catch(() => { throw new RedisUnavailableError(`cannot reach Redis at ${redactUrl(url)} within ${timeoutMs / 1000} s`); });
}

export { withTimeout };
