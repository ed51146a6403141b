/** The executor for a worker count on this machine: 0 = this thread, N = a piscina pool of N threads. */
import type { Executor } from './executor.js';
import { InThreadExecutor } from './in-thread.js';
import { PiscinaExecutor } from './piscina.js';

export function localExecutor(workers: number): Executor {
  if (!(Number.isInteger(workers) && workers >= 0)) throw new RangeError(`workers must be an integer >= 0, got ${workers}`);
  return workers === 0 ? new InThreadExecutor() : new PiscinaExecutor(workers);
}
