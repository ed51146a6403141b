/**
 * Scenarios: modifications of a twin as data (what-if axes and mitigation
 * strategies compile to these deltas). This is the folder's export list. The parts:
 * types.ts (the delta type), read.ts (the file), schema.ts and check.ts (the
 * deltas' own checks), network-ops.ts (link failures and IGP metrics of a
 * routed network), edit.ts (the change), twin-rules.ts (the twin file's
 * rules on the result), apply.ts (all of it, every problem at once),
 * late-changes.ts (timed changes a run's horizon never reaches).
 */
export { applyScenario, applyScenarioDetailed, type AppliedScenario } from './apply.js';
export { lateChangeWarnings } from './late-changes.js';
export { readScenarioFile, type ScenarioDocument } from './read.js';
export { SCENARIO_OPS, type LinkSelector, type ScenarioDelta, type ScenarioOp } from './types.js';
