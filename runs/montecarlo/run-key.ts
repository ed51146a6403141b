/**
 * The checkpoint key of a Monte Carlo run: a hash of what its results depend
 * on — the twin's content (scenario already applied), the settings (forecast
 * and state included) and the chunking — and of nothing else. Where a twin
 * was read from, and how that path was spelt, is not content: two loads of
 * one file share their checkpoints, and any changed value gets a fresh key.
 */
import type { SimulationSettings } from '../../twins/flow/simulate.js';
import { twinContent } from '../../twins/definition/content-hash.js';
import type { Twin } from '../../twins/definition/types.js';
import { runKey } from './checkpoint.js';

/** Bumped when the checkpoint format or the key's recipe changes. */
const KEY_VERSION = 2;

export function monteCarloKey(twin: Twin, settings: SimulationSettings, chunkSize: number): string {
  return runKey({ twin: twinContent(twin), settings, chunkSize, version: KEY_VERSION });
}
