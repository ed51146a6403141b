#!/usr/bin/env node
/**
 * `shadowcast` command line. Each subcommand lives in runs/commands/<name>.ts
 * (import: runs/commands/import/) and exports `run(argv): Promise<number>`
 * (the exit code); this file only dispatches, so subcommands stay independent
 * and load only what they need, and turns a thrown error into its message and
 * exit code (runs/errors.ts; README.md, "Exit codes").
 */
export interface Command {
  readonly summary: string;
  load(): Promise<{ run(argv: string[]): Promise<number> }>;
}

const commands: Record<string, Command> = {
  simulate: { summary: 'Monte Carlo of a twin: which nodes fail, how likely, when', load: () => import('./commands/simulate.js') },
  forecast: { summary: 'forecast telemetry as quantiles and sample paths', load: () => import('./commands/forecast.js') },
  backtest: { summary: 'rolling-origin accuracy of the forecasters', load: () => import('./commands/backtest.js') },
  whatif: { summary: 'what-if batches: a grid of scenario deltas on common random numbers, --find the cheapest safe cell', load: () => import('./commands/whatif.js') },
  calibrate: { summary: 'fit a twin\'s service times, workers and call ratios from telemetry', load: () => import('./commands/calibrate.js') },
  generate: { summary: 'generate a synthetic twin (microservices: a call graph like published traces)', load: () => import('./commands/generate.js') },
  import: { summary: 'import a twin from Topology Zoo GraphML, a call graph or a trace', load: () => import('./commands/import/index.js') },
  shadow: { summary: 'a real shadow of the nodes at risk: plan, up, inject, compare, down, cycle', load: () => import('./commands/shadow/index.js') },
  mitigate: { summary: 'propose, approve, reject, apply, verify, roll back and list mitigation strategies', load: () => import('./commands/mitigate/index.js') },
  audit: { summary: "verify the mitigation audit log's hash chain", load: () => import('./commands/mitigate/audit.js') },
  report: { summary: "re-render a nightly report's HTML from its report-data.json", load: () => import('./commands/report.js') },
  worker: { summary: 'serve Monte Carlo chunks from Redis for --executor bullmq runs', load: () => import('./commands/worker.js') },
  nightly: { summary: 'the nightly job: telemetry, forecast, simulate, risk, mitigation, report, store', load: () => import('./commands/nightly.js') },
  history: { summary: "the run store: past nights' risk per node and forecast calibration", load: () => import('./commands/history.js') },
  demo: { summary: 'run the bundled examples end to end', load: () => import('./commands/demo.js') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: shadowcast <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'shadowcast <command> --help' (or 'shadowcast help <command>') for a command's options; 'shadowcast --version' for the build.`;
}

async function main(argv: string[]): Promise<number> {
  const [first, ...args] = argv;
  if (!first || first === '--help' || first === '-h' || (first === 'help' && args.length === 0)) {
    if (first) console.log(usage());
    else console.error(usage());
    return first ? 0 : 2;
  }
  if (first === '--version' || first === '-V') {
    // The package version and a hash of the built code: what a BullMQ worker must match too.
    const { codeVersion } = await import('./executors/bullmq-version.js');
    console.log(`shadowcast ${await codeVersion()}`);
    return 0;
  }
  // `help <command> [sub]` is `<command> [sub] --help`.
  const [name, ...rest] = first === 'help' ? [args[0]!, ...args.slice(1), '--help'] : [first, ...args];
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(`shadowcast: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  try {
    return await mod.run(rest);
  } catch (err) {
    // Loaded only on failure: the mapping imports every error class of the project.
    const { errorReport, exitCodeFor } = await import('./errors.js');
    const debug = (process.env.SHADOWCAST_DEBUG ?? '') !== '' && process.env.SHADOWCAST_DEBUG !== '0';
    console.error(errorReport(name, err, debug));
    return exitCodeFor(err);
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    // Only a command that fails to load gets here.
    console.error(`shadowcast: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.SHADOWCAST_DEBUG) console.error(err instanceof Error ? err.stack : '');
    process.exitCode = 4;
  },
);
