/** The Monte Carlo job: simulates one chunk of replications (in any thread, on any executor) and returns its small summary. */
import { isMainThread } from 'node:worker_threads';
import { simulateChunk } from '../../twins/flow/simulate.js';
import type { ChunkSummary } from '../../twins/flow/summary.js';
import type { Job, TaskContext, TaskHandler } from '../executors/executor.js';
import type { ChunkTask } from './task.js';

function runChunk(task: ChunkTask, context: TaskContext): ChunkSummary {
  if (task.crash && task.crash.chunk === task.chunk && context.attempt < task.crash.attempts) {
    // In a worker thread, a real crash, not an exception: the thread dies mid-task. This thread must survive: it throws.
    if (!isMainThread) process.exit(70);
    throw new Error(`injected crash of chunk ${task.chunk} on attempt ${context.attempt}`);
  }
  return simulateChunk(task.twin, task.settings, task.first, task.count);
}

const handler: TaskHandler<ChunkTask, ChunkSummary> = runChunk;
export default handler;

export const chunkJob: Job<ChunkTask, ChunkSummary> = { name: 'montecarlo-chunk', module: import.meta.url };
