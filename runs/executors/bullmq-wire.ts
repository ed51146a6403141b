/**
 * What a distributed run puts in Redis. Tasks and results cross as node:v8
 * serializations (Maps, typed arrays and NaN arrive as sent, like the
 * structured clone of the local executors), base64 in BullMQ's JSON. Large
 * fields shared by every task of a run — a chunk's twin, settings, forecast —
 * are stored once as content-addressed blobs and named by hash in each job,
 * so 64 chunks of a big twin do not put 64 copies of it in Redis. A job
 * module is named relative to dist/, so a worker loads its own build's copy.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { Redis } from 'ioredis';
import { DIST_ROOT } from './bullmq-version.js';

/** Prefix of every key shadowcast writes (BullMQ's queues and ours). */
export const KEY_PREFIX = 'shadowcast';
/** Fields at least this large go to a blob; smaller ones ride inline. */
const BLOB_MIN_BYTES = 2048;
/** Blobs expire a day after the last run that uploaded them. */
const BLOB_TTL_SECONDS = 86_400;
/** Deserialized blobs a worker keeps (the runs it is serving). */
const BLOB_CACHE = 16;

type WireField = { readonly inline: string } | { readonly blob: string };
/** A task: one serialization, or a plain object field by field. */
export type WireValue = { readonly inline: string } | { readonly fields: Readonly<Record<string, WireField>> };

export interface WireJob {
  /** codeVersion() of the submitter: a worker of another build refuses the job. */
  readonly version: string;
  /** The job module, relative to dist/ ('runs/montecarlo/chunk-job.js'). */
  readonly module: string;
  readonly task: WireValue;
}

export interface WireResult {
  readonly version: string;
  /** host:pid of the worker process that computed it. */
  readonly worker: string;
  readonly result: string;
}

/** Job progress a worker sets as it starts a task. */
export interface WireProgress {
  readonly worker: string;
}

/** The queue of one build: workers of another build listen on another. */
export function queueName(version: string): string {
  return `chunks-${version.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

export function blobKey(hash: string): string {
  return `${KEY_PREFIX}:blob:${hash}`;
}

const toBase64 = (b: Buffer): string => b.toString('base64');

export function encodeValue(value: unknown): string {
  return toBase64(serialize(value));
}

export function decodeValue(text: string): unknown {
  return deserialize(Buffer.from(text, 'base64'));
}

/** The job module's name relative to dist/; only modules of this build can be sent. */
export function moduleName(moduleUrl: string): string {
  const rel = relative(DIST_ROOT, fileURLToPath(moduleUrl)).split(sep).join('/');
  if (rel.startsWith('..') || isAbsolute(rel)) throw new RangeError(`job module ${moduleUrl} is not part of the build under ${DIST_ROOT}`);
  return rel;
}

/** The module a worker imports for a job: its own build's copy; nothing outside dist/. */
export function moduleUrl(name: string): string {
  if (isAbsolute(name) || name.split('/').includes('..') || !name.endsWith('.js')) throw new RangeError(`job module '${name}' is not a module of the build`);
  return pathToFileURL(join(DIST_ROOT, name)).href;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/** Encodes the tasks of one run; each shared object is serialized once. */
export class TaskEncoder {
  private readonly byObject = new WeakMap<object, { readonly hash: string; readonly bytes: Buffer }>();
  /** hash -> bytes of every blob the encoded tasks name. */
  readonly blobs = new Map<string, Buffer>();

  private field(value: unknown): WireField {
    const known = typeof value === 'object' && value !== null ? this.byObject.get(value) : undefined;
    const entry = known ?? (() => {
      const bytes = serialize(value);
      return { bytes, hash: createHash('sha256').update(bytes).digest('hex') };
    })();
    if (!known && typeof value === 'object' && value !== null) this.byObject.set(value, entry);
    if (entry.bytes.length < BLOB_MIN_BYTES) return { inline: toBase64(entry.bytes) };
    this.blobs.set(entry.hash, entry.bytes);
    return { blob: entry.hash };
  }

  encode(task: unknown): WireValue {
    if (!isPlainObject(task)) return { inline: encodeValue(task) };
    const fields: Record<string, WireField> = {};
    for (const [name, value] of Object.entries(task)) fields[name] = this.field(value);
    return { fields };
  }

  /** Writes every blob (again: a restarted Redis may have lost them), refreshing their expiry. */
  async upload(redis: Redis): Promise<void> {
    if (this.blobs.size === 0) return;
    const batch = redis.pipeline();
    for (const [hash, bytes] of this.blobs) batch.set(blobKey(hash), bytes, 'EX', BLOB_TTL_SECONDS);
    for (const [error] of (await batch.exec()) ?? []) if (error) throw error;
  }
}

/** Decodes tasks on a worker, keeping recently used blobs deserialized. */
export class TaskDecoder {
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly redis: Redis) {}

  private async blob(hash: string): Promise<unknown> {
    if (this.cache.has(hash)) {
      const value = this.cache.get(hash);
      this.cache.delete(hash);
      this.cache.set(hash, value);
      return value;
    }
    const bytes = await this.redis.getBuffer(blobKey(hash));
    if (!bytes) throw new Error(`task data ${hash.slice(0, 12)} is missing from Redis (restarted without persistence, or expired); the submitting run uploads it again`);
    if (createHash('sha256').update(bytes).digest('hex') !== hash) throw new Error(`task data ${hash.slice(0, 12)} in Redis does not match its hash`);
    const value: unknown = deserialize(bytes);
    this.cache.set(hash, value);
    if (this.cache.size > BLOB_CACHE) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }

  async decode(wire: WireValue): Promise<unknown> {
    if ('inline' in wire) return decodeValue(wire.inline);
    const task: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(wire.fields)) task[name] = 'inline' in field ? decodeValue(field.inline) : await this.blob(field.blob);
    return task;
  }
}
