/**
 * The content hash of a proposal: SHA-256 of its canonical JSON (keys sorted
 * at every level), so the same proposal has the same hash however it was
 * stored. Approvals carry it: an approval counts only for the proposal whose
 * content it was given for (decide.ts), so it cannot be replayed onto another
 * proposal or survive an edit of the one it approved.
 */
import { createHash } from 'node:crypto';
import type { Proposal } from './types.js';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function proposalContentHash(proposal: Proposal): string {
  return createHash('sha256').update(canonicalJson(proposal)).digest('hex');
}
