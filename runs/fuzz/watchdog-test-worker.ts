/**
 * A worker for watchdog.test.ts: five cases from workerData.from; case 2
 * never returns (a busy loop) and case 3 ends its thread, the rest are valid.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WatchedJob, WorkerMessage } from './watchdog.js';

const { job, from } = workerData as WatchedJob<{ readonly cases: number }>;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
for (let i = from; i < job.cases; i++) {
  post({ kind: 'start', index: i, input: `case ${i}` });
  if (i === 2) for (;;) { /* hangs */ }
  if (i === 3) process.exit(70);
  post({ kind: 'case', index: i, input: `case ${i}`, outcome: { cls: 'valid', detail: '', ms: 0 } });
}
post({ kind: 'done' });
