/**
 * What one malformed input did, in the classes of issue 13: a valid result,
 * a located error of the project's error family, or a failure (a crash: any
 * other error, a message carrying a JavaScript class name or a stack, an
 * unbounded message; or a case slower than the time bound). The property of
 * the fuzz suite is "valid or located, within the bound".
 */
import { exitCodeFor, EXIT } from '../errors.js';

export type OutcomeClass = 'valid' | 'located' | 'crash' | 'unlocated' | 'slow';

export interface Outcome {
  readonly cls: OutcomeClass;
  /** The error message (or why the case failed the property). */
  readonly detail: string;
  readonly ms: number;
}

/** Class names and stack frames that must never reach a user. */
const LEAK = /\b(TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError|AggregateError|DOMException|Error:)|\n\s+at .*:\d+:\d+/;
/** A message longer than this is a flood, not an error report. */
export const MAX_MESSAGE_CHARS = 20_000;

/**
 * Classifies an error: `where` lists the strings one of which the message
 * must contain to count as located (the input's file name, or the flag).
 */
export function classifyError(err: unknown, where: readonly string[], ms: number): Outcome {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = exitCodeFor(e);
  const message = e.message;
  if (code !== EXIT.usage && code !== EXIT.invalidInput) return { cls: 'crash', detail: `exit ${code}: ${message.slice(0, 300)}`, ms };
  if (LEAK.test(message)) return { cls: 'crash', detail: `a class name or stack in: ${message.slice(0, 300)}`, ms };
  if (message.length > MAX_MESSAGE_CHARS) return { cls: 'crash', detail: `a message of ${message.length} characters`, ms };
  if (!where.some((w) => message.includes(w))) return { cls: 'unlocated', detail: message.slice(0, 300), ms };
  return { cls: 'located', detail: message.slice(0, 300), ms };
}

const BUILT_IN = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Properties a case wrote into Object.prototype (prototype pollution, from a
 * library that files input keys into plain objects), removed again so that
 * one such case does not break every later one.
 */
function pollution(): string[] {
  const added = Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILT_IN.has(k));
  for (const k of added) delete (Object.prototype as Record<string, unknown>)[k];
  return added;
}

/** Runs one case and classifies it; `boundMs` is the time bound of the property. */
export async function runCase(run: () => Promise<unknown>, where: readonly string[], boundMs: number): Promise<Outcome> {
  const t0 = performance.now();
  let out: Outcome;
  try {
    await run();
    out = { cls: 'valid', detail: '', ms: performance.now() - t0 };
  } catch (err) {
    out = classifyError(err, where, performance.now() - t0);
  }
  const polluted = pollution();
  if (polluted.length > 0) return { cls: 'crash', detail: `wrote ${polluted.join(', ')} into Object.prototype; ${out.cls}: ${out.detail}`, ms: out.ms };
  // A case that finished but took too long fails the property as a hang would.
  return out.ms > boundMs ? { cls: 'slow', detail: `${out.ms.toFixed(0)} ms (bound ${boundMs} ms); ${out.cls}: ${out.detail}`, ms: out.ms } : out;
}

export function passes(o: Outcome): boolean {
  return o.cls === 'valid' || o.cls === 'located';
}
