/**
 * `shadowcast shadow <plan|up|status|down|inject|compare|cycle>`: the dynamic
 * shadow. This file picks the subcommand; each has its own options table.
 */
import { runSubcommand, type SubcommandTable } from '../../subcommands.js';
import { SHADOW_CYCLE } from './cycle.js';
import { runDown, runStatus, runUp, SHADOW_DOWN, SHADOW_STATUS, SHADOW_UP } from './lifecycle.js';
import { SHADOW_PLAN } from './plan.js';
import { runCompare, runInject, SHADOW_COMPARE, SHADOW_INJECT } from './traffic.js';

const SUBCOMMANDS: SubcommandTable = {
  plan: { spec: SHADOW_PLAN, summary: 'which nodes to duplicate, stub or omit; sizing, dilation, predicted state, traffic', run: async (a) => (await import('./plan.js')).run(a) },
  up: { spec: SHADOW_UP, summary: 'start the planned processes on loopback, in the predicted state', run: runUp },
  status: { spec: SHADOW_STATUS, summary: 'where each process is and whether it lives', run: runStatus },
  down: { spec: SHADOW_DOWN, summary: 'stop exactly the recorded processes', run: runDown },
  inject: { spec: SHADOW_INJECT, summary: 'forecast-shaped open-loop traffic, telemetry while it runs', run: runInject },
  compare: { spec: SHADOW_COMPARE, summary: "the shadow's figures against the twin's at the same load", run: runCompare },
  cycle: { spec: SHADOW_CYCLE, summary: 'adjust fidelity from the last turn, then plan, up, inject, compare, down', run: async (a) => (await import('./cycle.js')).run(a) },
};


export function run(argv: string[]): Promise<number> {
  return runSubcommand('shadow', SUBCOMMANDS, argv);
}
