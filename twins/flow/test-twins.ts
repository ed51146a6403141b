/** Small twins written inline for the simulation tests. */
import { twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';

export function twinOf(data: Record<string, unknown>, source = 'test-twin'): Twin {
  return twinFromObject({ name: source, ...data }, { source });
}
