/**
 * Ids that name a property every plain JavaScript object already has
 * (`__proto__`, `constructor`, `toString`, ...), plus `prototype`. Graph
 * libraries the project uses (graphology) index neighbours with plain objects,
 * where such a key reads the inherited property instead of a neighbour list.
 * Rather than accept them in some readers and not others, every reader of the
 * twin family refuses them with one located message (docs/limits.md).
 */
export const RESERVED_IDS: readonly string[] = [...new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype'])].sort();

const RESERVED = new Set(RESERVED_IDS);

export const RESERVED_ID_MESSAGE = 'is a reserved name (a built-in property of objects); choose another id';

export function isReservedId(id: string): boolean {
  return RESERVED.has(id);
}
