/**
 * `make bench`: runs every benchmark section (or those named on the command
 * line), prints each table and writes bench/results/<section>.json.
 */
import { formatTable, writeSection, type BenchSection } from './table.js';

const sections: Record<string, () => Promise<BenchSection[]>> = {
  engine: async () => (await import('./engine.js')).benchEngine(),
  twins: async () => (await import('./twins.js')).benchTwins(),
  forecast: async () => (await import('./forecast.js')).benchForecast(),
  'mitigation-detect': async () => (await import('./mitigation-detect.js')).benchDetect(),
  shadow: async () => (await import('./shadow.js')).benchShadow(),
  // At the target's size (12 cells × 200 replications × 1 h) well over half an hour on 2 cores; BENCH_WHATIF_* shrink it.
  whatif: async () => (await import('./whatif.js')).benchWhatif(),
  calibrate: async () => (await import('./calibrate.js')).benchCalibrate(),
  scale: async () => (await import('./scale.js')).benchScale(),
  network: async () => (await import('./network.js')).benchNetwork(),
  nightly: async () => (await import('./nightly.js')).benchNightly(),
  // Last: at the target's size (candidates raced up to 200 replications × 30 min) it runs for minutes on 2 cores; BENCH_MITIGATION_* shrink it.
  mitigation: async () => (await import('./mitigation.js')).benchMitigation(),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(sections);
  for (const name of names) {
    const run = sections[name];
    if (!run) throw new Error(`unknown bench section '${name}'; known: ${Object.keys(sections).join(', ')}`);
    for (const section of await run()) {
      console.log(formatTable(section));
      console.log(`(written to ${await writeSection(section)})`);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
