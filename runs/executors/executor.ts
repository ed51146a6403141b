/**
 * The seam between what to compute and where it runs. A job is a module whose
 * default export handles one task; an executor runs a list of tasks of a job
 * (in this thread, on a piscina pool, or — later — on remote workers) and
 * hands back one result per task, in task order.
 *
 * The contract a remote executor can keep too: tasks and results are plain
 * data that survive a structured clone (node:v8 serialize/deserialize carries
 * them over a wire, Maps and typed arrays included); a job is named by its
 * module, never by a function value; executors know nothing of twins.
 */

/** A job: the module whose default export is a TaskHandler<Task, Result>. */
export interface Job<Task, Result> {
  /** Stable name (a queue name for a remote executor; messages). */
  readonly name: string;
  /** URL of the module (file: URL href), importable in this thread and in a worker thread. */
  readonly module: string;
  /** Types only, never set: ties the job to its task and result types. */
  readonly types?: { readonly task: Task; readonly result: Result };
}

export interface TaskContext {
  /** 0 on the first try, 1 on the retry. */
  readonly attempt: number;
}

/** What a job module exports as its default. */
export type TaskHandler<Task, Result> = (task: Task, context: TaskContext) => Result | Promise<Result>;

export interface RunOptions<Result> {
  /** Aborting stops the run: no new task starts, tasks in flight are cancelled where the executor can, and run() rejects with the signal's reason once nothing is in flight any more. */
  readonly signal?: AbortSignal;
  /** Called as each task finishes (any order), awaited before run() settles: the place to checkpoint and report progress. A throw stops the run. */
  readonly onResult?: (index: number, result: Result) => void | Promise<void>;
  /** Called when a task's first attempt failed and it is tried again. */
  readonly onRetry?: (index: number, error: Error) => void;
}

export interface Executor {
  /** What runs the tasks, for messages: 'in-thread', 'piscina', ... */
  readonly kind: string;
  /** Worker threads or processes serving it; 0 = this thread. */
  readonly workers: number;
  /**
   * Runs every task, each tried at most MAX_ATTEMPTS times (a crashed worker
   * thread counts as a failed attempt). Resolves with the results in task
   * order; rejects with TaskFailedError when a task failed every attempt
   * (the other tasks are then cancelled), or with the abort reason.
   */
  run<Task, Result>(job: Job<Task, Result>, tasks: readonly Task[], options?: RunOptions<Result>): Promise<Result[]>;
  /** Releases threads or connections; the executor is not used afterwards. */
  close(): Promise<void>;
}

/** One try and one retry: a worker that dies once (OOM, a killed thread) should not lose the run; a task that fails twice is a real problem. */
export const MAX_ATTEMPTS = 2;

export class TaskFailedError extends Error {
  constructor(readonly index: number, readonly errors: readonly Error[]) {
    super(`task ${index} failed ${errors.length} time(s): ${errors.map((e) => e.message).join('; ')}`);
    this.name = 'TaskFailedError';
  }
}

export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
