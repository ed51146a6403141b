/** The console lines of a screened run: what was screened, why, and what it saved. */
import type { FidelityReport } from './fidelity.js';

export function fidelityText(f: FidelityReport): string {
  const head = `fidelity screened: ${f.screened.length} node(s) screened (figures from a ${f.pilotReplications}-replication full-fidelity pilot), ` +
    `${f.screened.filter((n) => n.delayStation).length} as delay stations; events: pilot ${f.events.pilot}, reduced run ${f.events.reduced}`;
  const rows = f.screened.slice(0, 20).map((n) => `  screened ${n.id}: ${n.reason}${n.delayStation ? ' (delay station)' : ''}`);
  const more = f.screened.length > 20 ? [`  ... and ${f.screened.length - 20} more (summary.json run.fidelity.screened)`] : [];
  const vetoed = f.vetoed.length ? [`  safe on the screen but failed in the pilot, simulated in full: ${f.vetoed.join(', ')}`] : [];
  return [head, ...rows, ...more, ...vetoed].join('\n');
}
