/** Piscina worker: simulates one chunk of replications and returns its small summary. */
import { simulateChunk } from '../../twins/flow/simulate.js';
import type { ChunkSummary } from '../../twins/flow/summary.js';
import type { ChunkTask } from './task.js';

export default function runChunk(task: ChunkTask): ChunkSummary {
  if (task.crash && task.crash.chunk === task.chunk && task.attempt < task.crash.attempts) {
    // A real crash, not an exception: the thread dies mid-task.
    process.exit(70);
  }
  return simulateChunk(task.twin, task.settings, task.first, task.count);
}
