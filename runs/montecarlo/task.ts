/**
 * What the Monte Carlo job receives for one chunk: plain, structured-clone
 * data. The settings are the caller's SimulationSettings object as given,
 * never re-listed field by field, so a new setting cannot be left behind.
 */
import type { SimulationSettings } from '../../twins/flow/simulate.js';
import type { Twin } from '../../twins/definition/types.js';
import type { ChunkRange } from './chunks.js';

/** Fault injection for the runner's own tests: chunk `chunk` crashes on its first `attempts` attempts. */
export interface CrashInjection {
  readonly chunk: number;
  readonly attempts: number;
}

export interface ChunkTask {
  readonly twin: Twin;
  readonly settings: SimulationSettings;
  readonly chunk: number;
  readonly first: number;
  readonly count: number;
  readonly crash: CrashInjection | null;
}

export function chunkTask(twin: Twin, settings: SimulationSettings, range: ChunkRange, crash: CrashInjection | null): ChunkTask {
  return { twin, settings, chunk: range.chunk, first: range.first, count: range.count, crash };
}
