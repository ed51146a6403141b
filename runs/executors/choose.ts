/**
 * `--executor local|bullmq --redis URL`: one flags table for every command
 * that runs the Monte Carlo (spread into its own table), and the executor it
 * selects. Local: piscina threads (or this thread, `--workers 0`); bullmq:
 * `shadowcast worker` processes reached through Redis (docs/distributed.md).
 */
import { availableParallelism } from 'node:os';
import { flagTable, usageError, type CommandSpec, type FlagTable } from '../flags.js';
import { checkRedisUrl } from './bullmq-connection.js';
import type { Executor } from './executor.js';
import { localExecutor } from './local.js';

export const EXECUTOR_FLAGS = flagTable({
  executor: { kind: 'choice', choices: ['local', 'bullmq'], default: 'local', help: "where replications run: this machine's threads, or 'shadowcast worker' processes through --redis" },
  redis: { kind: 'custom', value: 'URL', parse: checkRedisUrl, help: 'Redis of the workers, e.g. redis://10.0.0.5:6379 (with --executor bullmq)' },
});

export type ExecutorChoice =
  | { readonly kind: 'local'; readonly workers: number | undefined }
  | { readonly kind: 'bullmq'; readonly redis: string };

/** Checks the flags together (usage errors name them); `workers` is the command's --workers, local only. */
export function executorChoice(spec: CommandSpec<FlagTable>, values: { readonly executor: 'local' | 'bullmq'; readonly redis: string | undefined }, workers: number | undefined): ExecutorChoice {
  if (values.executor === 'local') {
    if (values.redis !== undefined) throw usageError(spec, '--redis is for --executor bullmq (the local executor uses no Redis)');
    return { kind: 'local', workers };
  }
  if (values.redis === undefined) throw usageError(spec, '--executor bullmq needs --redis URL (the Redis the workers use)');
  if (workers !== undefined) throw usageError(spec, "--workers counts local threads; with --executor bullmq the workers are the 'shadowcast worker' processes");
  return { kind: 'bullmq', redis: values.redis };
}

/** The executor chosen; the caller closes it. The distributed one is loaded only when asked for (BullMQ, ioredis). */
export async function openExecutor(choice: ExecutorChoice): Promise<Executor> {
  if (choice.kind === 'local') return localExecutor(choice.workers ?? availableParallelism());
  const { BullMQExecutor } = await import('./bullmq.js');
  return new BullMQExecutor({ url: choice.redis });
}
