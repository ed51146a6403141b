/**
 * Applying a scenario to a twin: the deltas are checked (check.ts), then
 * applied (edit.ts) and the result checked with the twin file's own rules
 * (twin-rules.ts). Every problem of every stage is reported at once, in one
 * TwinSpecError naming the scenario file and `[k].field` of each delta.
 */
import { Problems } from '../definition/errors.js';
import type { Twin } from '../definition/types.js';
import { checkDeltas } from './check.js';
import type { ScenarioDocument } from './read.js';
import { applyUnderTwinRules } from './twin-rules.js';
import type { ScenarioDelta } from './types.js';

/**
 * Returns a new twin (the input is not changed). `scenario` is a list built
 * in code (reported as source "scenario") or a document from
 * `readScenarioFile`. Throws TwinSpecError listing every problem.
 */
export function applyScenario(twin: Twin, scenario: readonly ScenarioDelta[] | ScenarioDocument): Twin {
  return applyScenarioDetailed(twin, scenario).twin;
}

/** A scenario applied, with what a state snapshot of the twin must follow. */
export interface AppliedScenario {
  readonly twin: Twin;
  /**
   * Nodes whose replica count the deltas set from the start (`replicas`
   * without `at`, or at 0): a snapshot must take that count
   * (twins/state.ts rescaleSnapshot), or the delta would change nothing.
   */
  readonly startReplicas: readonly string[];
}

/** applyScenario, also naming the nodes whose replicas it sets from the start (from the same checked deltas). */
export function applyScenarioDetailed(twin: Twin, scenario: readonly ScenarioDelta[] | ScenarioDocument): AppliedScenario {
  const doc: ScenarioDocument = 'data' in scenario ? scenario : { source: 'scenario', data: scenario };
  const p = new Problems(doc.locate);
  const { base, deltas } = checkDeltas(twin, doc.data, p);
  const modified = applyUnderTwinRules(twin, deltas, p, base);
  p.throwIfAny(doc.source);
  const startReplicas = [...new Set(deltas.flatMap(({ delta: d }) => (d.op === 'replicas' && (d.at ?? 0) === 0 ? [d.node] : [])))];
  return { twin: modified, startReplicas };
}
