/** The worker of `make fuzz`: runs one fuzz target's cases from workerData.from, telling the watchdog (watchdog.ts) about each. */
import { parentPort, workerData } from 'node:worker_threads';
import { FLAGS_TARGET, fuzzFlags, fuzzTarget, type CaseHooks, type FuzzOptions } from './fuzz.js';
import { fuzzTargets } from './targets.js';
import type { WatchedJob, WorkerMessage } from './watchdog.js';

/** One target (a reader's name, or FLAGS_TARGET) with the loop's options. */
export interface FuzzJob {
  readonly target: string;
  readonly options: FuzzOptions;
}

const { job, from } = workerData as WatchedJob<FuzzJob>;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const hooks: CaseHooks = {
  from,
  onStart: (index, input) => post({ kind: 'start', index, input }),
  onCase: (index, input, outcome) => post({ kind: 'case', index, input, outcome }),
};
if (job.target === FLAGS_TARGET) {
  await fuzzFlags(job.options, hooks);
} else {
  const target = (await fuzzTargets()).find((t) => t.name === job.target);
  if (!target) throw new Error(`no fuzz target named ${JSON.stringify(job.target)}`);
  await fuzzTarget(target, job.options, hooks);
}
post({ kind: 'done' });
