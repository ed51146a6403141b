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
  const doc: ScenarioDocument = 'data' in scenario ? scenario : { source: 'scenario', data: scenario };
  const p = new Problems(doc.locate);
  const { base, deltas } = checkDeltas(twin, doc.data, p);
  const modified = applyUnderTwinRules(twin, deltas, p, base);
  p.throwIfAny(doc.source);
  return modified;
}

/**
 * Nodes whose replica count the deltas set from the start (`replicas`
 * without `at`, or at 0): a state snapshot of the twin must take that count
 * (twins/state.ts rescaleSnapshot), or the delta would change nothing. The
 * deltas are checked as applyScenario checks them (units converted).
 */
export function startReplicaNodes(twin: Twin, scenario: readonly ScenarioDelta[] | ScenarioDocument): string[] {
  const doc: ScenarioDocument = 'data' in scenario ? scenario : { source: 'scenario', data: scenario };
  const p = new Problems(doc.locate);
  const { deltas } = checkDeltas(twin, doc.data, p);
  p.throwIfAny(doc.source);
  return [...new Set(deltas.flatMap(({ delta: d }) => (d.op === 'replicas' && (d.at ?? 0) === 0 ? [d.node] : [])))];
}
