#!/usr/bin/env node
/**
 * `shadowcast` command line. Each subcommand lives in runs/commands/<name>.ts
 * and exports `run(argv): Promise<number>` (the exit code); this file only
 * dispatches, so subcommands stay independent and load only what they need.
 */
export interface Command {
  readonly summary: string;
  load(): Promise<{ run(argv: string[]): Promise<number> }>;
}

const commands: Record<string, Command> = {
  simulate: { summary: 'Monte Carlo of a twin: which nodes fail, how likely, when', load: () => import('./commands/simulate.js') },
  forecast: { summary: 'forecast telemetry as quantiles and sample paths', load: () => import('./commands/forecast.js') },
  backtest: { summary: 'rolling-origin accuracy of the forecasters', load: () => import('./commands/backtest.js') },
  import: { summary: 'import a twin from Topology Zoo GraphML, a call graph or a trace', load: () => import('./commands/import.js') },
  demo: { summary: 'run the bundled examples end to end', load: () => import('./commands/demo.js') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: shadowcast <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'shadowcast <command> --help' for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`shadowcast: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    // Validation errors carry the file/field in their message; print it alone, no stack.
    const e = err as Error;
    console.error(`shadowcast: ${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(err)}`);
    if (process.env.SHADOWCAST_DEBUG) console.error(e?.stack);
    process.exitCode = 1;
  },
);
