/** The local materialiser's library surface (the CLI's `shadow up|status|down` call these). */
export { shadowUp, ShadowAlreadyRunningError, type ShadowUpOptions } from './materialise-up.js';
export { shadowStatus, type ShadowStatus, type ShadowProcessStatus } from './materialise-status.js';
export { shadowDown, type ShadowDownOptions, type ShadowDownResult } from './materialise-down.js';
export { ShadowPlanError } from './materialise-plan.js';
export type { ShadowStateFile, ShadowProcessRecord, ShadowPhase } from './materialise-state.js';
