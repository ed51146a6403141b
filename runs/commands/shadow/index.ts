/**
 * `shadowcast shadow <plan|up|status|down|inject|compare|cycle>`: the dynamic
 * shadow. This file picks the subcommand; each has its own options table.
 */
import { usageText, type CommandSpec, type FlagTable } from '../../flags.js';
import { UsageError } from '../../usage-error.js';
import { SHADOW_CYCLE } from './cycle.js';
import { runDown, runStatus, runUp, SHADOW_DOWN, SHADOW_STATUS, SHADOW_UP } from './lifecycle.js';
import { SHADOW_PLAN } from './plan.js';
import { runCompare, runInject, SHADOW_COMPARE, SHADOW_INJECT } from './traffic.js';

interface Subcommand {
  readonly spec: CommandSpec<FlagTable>;
  readonly summary: string;
  /** The exit code; -1 when --help was asked (the usage is printed here). */
  readonly run: (argv: string[]) => Promise<number>;
}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  plan: { spec: SHADOW_PLAN, summary: 'which nodes to duplicate, stub or omit; sizing, dilation, predicted state, traffic', run: async (a) => (await import('./plan.js')).run(a) },
  up: { spec: SHADOW_UP, summary: 'start the planned processes on loopback, in the predicted state', run: runUp },
  status: { spec: SHADOW_STATUS, summary: 'where each process is and whether it lives', run: runStatus },
  down: { spec: SHADOW_DOWN, summary: 'stop exactly the recorded processes', run: runDown },
  inject: { spec: SHADOW_INJECT, summary: 'forecast-shaped open-loop traffic, telemetry while it runs', run: runInject },
  compare: { spec: SHADOW_COMPARE, summary: "the shadow's figures against the twin's at the same load", run: runCompare },
  cycle: { spec: SHADOW_CYCLE, summary: 'adjust fidelity from the last turn, then plan, up, inject, compare, down', run: async (a) => (await import('./cycle.js')).run(a) },
};

export function shadowUsage(): string {
  return [
    'usage: shadowcast shadow <subcommand> [options]',
    '',
    ...Object.entries(SUBCOMMANDS).map(([name, s]) => `  ${name.padEnd(8)} ${s.summary}`),
    '',
    "'shadowcast shadow <subcommand> --help' prints its options.",
  ].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    console.log(shadowUsage());
    return 0;
  }
  const sub = name === undefined ? undefined : SUBCOMMANDS[name];
  if (!sub || !Object.hasOwn(SUBCOMMANDS, name!)) {
    throw new UsageError(name === undefined ? 'expected a subcommand' : `unknown subcommand '${name}'`, 'shadow', shadowUsage());
  }
  const code = await sub.run(rest);
  if (code === -1) {
    console.log(usageText(sub.spec));
    return 0;
  }
  return code;
}
