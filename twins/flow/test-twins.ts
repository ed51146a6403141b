/** Small twins written inline for the simulation tests. */
import { twinFromObject } from '../spec/load.js';
import type { Twin } from '../spec/types.js';

export function twinOf(data: Record<string, unknown>, source = 'test-twin'): Twin {
  return twinFromObject({ name: source, ...data }, { source });
}
