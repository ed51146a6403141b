/**
 * Content hashes. A twin's hash covers what the simulator consumes, so a
 * simulation result (summary.json `run.twinHash`) can be matched to the twin a
 * shadow is planned from, and a Monte Carlo checkpoint key changes exactly
 * when the inputs do. Where a twin was read from is not content: its `source`,
 * its `warnings` and a rate profile's `file` (an absolute path after loading)
 * are left out, so the same twin read from another folder or machine hashes
 * the same.
 */
import { createHash } from 'node:crypto';
import type { ArrivalSpec, Twin } from './types.js';

/**
 * JSON with object keys in sorted order, Maps as their entries (in insertion
 * order, which the normaliser fixes), typed arrays as plain arrays and
 * non-finite numbers as strings, so equal content gives equal text however
 * the object was built.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return [...v.entries()];
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return v;
  });
}

/** Hex SHA-256 of stableJson(value). */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

/** A profile arrival without the file it was read from (a path, kept for messages only). */
function arrivalContent(arrival: ArrivalSpec): unknown {
  if (arrival.kind !== 'profile') return arrival;
  const { file: _file, ...content } = arrival;
  return content;
}

/** The twin less what only names its origin: `source` (the path as typed), `warnings` (messages), profile file paths. */
export function twinContent(twin: Twin): unknown {
  const { source: _source, warnings: _warnings, entries, network, networkChanges, ...content } = twin;
  // A routed network's tables are a function of its nodes and rules: the rules (spec) stand for them, cheaply.
  return {
    ...content, entries: entries.map((e) => ({ ...e, arrival: arrivalContent(e.arrival) })), ...(network ? { network: network.spec } : {}),
    ...(networkChanges?.length ? { networkChanges: networkChanges.map((c) => ({ at: c.at, network: c.routing.spec })) } : {}),
  };
}

/** Hex SHA-256 of the twin's content (see the module comment for what is left out). */
export function twinContentHash(twin: Twin): string {
  return contentHash(twinContent(twin));
}
