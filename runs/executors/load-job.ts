/** Imports a job module once per thread and checks that it exports a handler. */
import type { TaskHandler } from './executor.js';

const handlers = new Map<string, Promise<TaskHandler<unknown, unknown>>>();

async function importHandler(module: string): Promise<TaskHandler<unknown, unknown>> {
  const loaded = (await import(module)) as { default?: unknown };
  if (typeof loaded.default !== 'function') throw new TypeError(`job module ${module} has no default export function`);
  return loaded.default as TaskHandler<unknown, unknown>;
}

export function loadHandler(module: string): Promise<TaskHandler<unknown, unknown>> {
  let handler = handlers.get(module);
  if (!handler) {
    handler = importHandler(module);
    handlers.set(module, handler);
  }
  return handler;
}
