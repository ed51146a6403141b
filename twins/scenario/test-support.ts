/** Helpers for the scenario tests. */
import { TwinSpecError } from '../definition/errors.js';
import type { Twin } from '../definition/types.js';
import { applyScenario } from './apply.js';

export const nodeOf = (t: Twin, id: string) => t.nodes[t.indexOf.get(id)!]!;

/** The problems (`path: message`) of applying `data` (a parsed scenario document) to the twin; none when it applies. */
export function scenarioProblems(data: unknown, twin: Twin): string[] {
  try {
    applyScenario(twin, { source: 'scenario.json', data });
  } catch (e) {
    if (!(e instanceof TwinSpecError)) throw e;
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}
