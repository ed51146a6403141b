/** A job for the executor tests: echoes data back, fails on chosen attempts, or keeps its thread busy for a while. */
import { threadId } from 'node:worker_threads';
import type { Job, TaskContext, TaskHandler } from './executor.js';

export type TestTask =
  | { readonly kind: 'echo'; readonly value: unknown }
  /** Throws on attempts 0 .. failAttempts − 1. */
  | { readonly kind: 'fail'; readonly failAttempts: number; readonly value: number }
  /** Spins for `ms` milliseconds (synchronous work, as a simulation chunk is). */
  | { readonly kind: 'busy'; readonly ms: number; readonly value: number }
  /** Allocates without bound on attempts 0 .. oomAttempts − 1 (its thread runs out of memory). */
  | { readonly kind: 'oom'; readonly oomAttempts: number; readonly value: number };

export interface TestResult {
  readonly value: unknown;
  readonly attempt: number;
  /** 0 in the main thread. */
  readonly threadId: number;
}

function runTestTask(task: TestTask, context: TaskContext): TestResult {
  if (task.kind === 'fail' && context.attempt < task.failAttempts) throw new Error(`planned failure on attempt ${context.attempt}`);
  if (task.kind === 'oom' && context.attempt < task.oomAttempts) {
    const hoard: number[][] = [];
    for (;;) hoard.push(Array.from({ length: 1 << 16 }, (_, i) => i + hoard.length));
  }
  if (task.kind === 'busy') {
    const until = performance.now() + task.ms;
    while (performance.now() < until);
  }
  return { value: task.value, attempt: context.attempt, threadId };
}

const handler: TaskHandler<TestTask, TestResult> = runTestTask;
export default handler;

export const testJob: Job<TestTask, TestResult> = { name: 'executor-test', module: import.meta.url };
