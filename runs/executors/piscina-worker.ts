/** Piscina worker for every job: imports the task's job module (once per thread) and runs its handler. */
import { loadHandler } from './load-job.js';
import type { TaskEnvelope } from './piscina.js';

export default async function runEnvelope(envelope: TaskEnvelope): Promise<unknown> {
  const handler = await loadHandler(envelope.module);
  return handler(envelope.task, { attempt: envelope.attempt });
}
