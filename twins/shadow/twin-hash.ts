/**
 * The content hash of a twin: SHA-256 over what the simulator consumes, so a
 * simulation result (summary.json `run.twinHash`) can be matched to the twin
 * a shadow is planned from. Where the twin was read from is not content: the
 * twin's `source`, its `warnings` and a rate profile's `file` (an absolute path
 * after loading) are left out, so the same twin read from another folder or
 * machine hashes the same. Keys are written in sorted order, Maps as their
 * entries (in insertion order, which the normaliser fixes) and typed arrays
 * as plain arrays, so the hash does not depend on how the object was built.
 */
import { createHash } from 'node:crypto';
import type { Twin } from '../definition/types.js';

/** Top-level keys of a Twin that say where it was read from, not what it is. */
const LOCATION_ONLY_TWIN_KEYS = new Set(['source', 'warnings']);

function canonical(value: unknown, out: string[]): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    out.push(JSON.stringify(value));
  } else if (typeof value === 'number') {
    // JSON.stringify writes -0 as 0 and non-finite numbers as null; a normalised twin has none of the latter.
    out.push(Number.isFinite(value) ? JSON.stringify(value) : `"${String(value)}"`);
  } else if (value instanceof Map) {
    canonical([...value.entries()], out);
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    canonical(Array.from(value as unknown as ArrayLike<number>), out);
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((v, i) => {
      if (i > 0) out.push(',');
      canonical(v, out);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      canonical(obj[k], out);
    });
    out.push('}');
  } else {
    throw new TypeError(`twinContentHash: cannot hash a ${typeof value}`);
  }
}

/** The twin without where it came from: `source`, `warnings`, and each profile arrival's `file`. */
function contentOf(twin: Twin): unknown {
  return {
    ...Object.fromEntries(Object.entries(twin).filter(([k]) => !LOCATION_ONLY_TWIN_KEYS.has(k))),
    entries: twin.entries.map((e) => (e.arrival.kind === 'profile' ? { ...e, arrival: { ...e.arrival, file: undefined } } : e)),
  };
}

/** Hex SHA-256 of the twin's content (see the module comment for what is left out). */
export function twinContentHash(twin: Twin): string {
  const out: string[] = [];
  canonical(contentOf(twin), out);
  return createHash('sha256').update(out.join('')).digest('hex');
}
