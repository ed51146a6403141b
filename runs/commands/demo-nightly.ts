/**
 * The nightly part of `shadowcast demo`: `shadowcast nightly` on the bundled
 * example (twins/examples/nightly.yaml: the shop, a week of 5-minute
 * telemetry, a 24-hour horizon), through the same command a user types, with
 * its own output folder and run store under out/, then where report.html is.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { nightly } from './nightly.js';

/** `replications` overrides the config's (the demo keeps the run short); returns the nightly's exit code (1 = risk above the threshold, which the demo shows rather than fails on). */
export async function nightlyPart(out: string, replications?: number): Promise<number> {
  const config = join(REPO_ROOT, 'twins', 'examples', 'nightly.yaml');
  const dir = `${out}-nightly`;
  const store = join(dir, '..', 'demo-runs.db');
  console.log(`\n== The nightly: ${config} ==\n\n$ shadowcast nightly --config ${config} --out ${dir} --store ${store}${replications ? ` --replications ${replications}` : ''}`);
  const r = await nightly(['--config', config, '--out', dir, '--store', store, ...(replications ? ['--replications', String(replications)] : [])]);
  if (!r) return 0;
  console.log(`\nThe nightly report is at ${r.report} (open it in a browser; its data is in ${join(dir, 'report-data.json')}).`);
  return r.exitCode;
}
