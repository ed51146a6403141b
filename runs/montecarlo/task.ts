/** What a worker receives for one chunk and what it may be asked to do wrong (fault injection for tests). */
import type { SimulationSettings } from '../../twins/flow/simulate.js';
import type { Twin } from '../../twins/definition/types.js';

export interface ChunkTask {
  readonly twin: Twin;
  readonly settings: SimulationSettings;
  readonly chunk: number;
  readonly first: number;
  readonly count: number;
  /** 0 on the first try, 1 on the retry. */
  readonly attempt: number;
  /** Fault injection for the runner's own tests: the worker thread exits on these attempts of this chunk. */
  readonly crash?: { readonly chunk: number; readonly attempts: number } | null;
}
