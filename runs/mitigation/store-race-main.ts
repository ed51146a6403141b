/** Test helper: waits until START (ms since epoch), then applies proposal ID with a no-op applier; prints won or refused. argv: DB AUDIT ID START */
import { applyProposal } from './workflow.js';
import { MitigationStore } from './store.js';
import { MitigationRefusedError } from './refusal.js';
import type { Applier } from './appliers/applier.js';
import { dryRunApplier } from './appliers/dry-run.js';

const [db, audit, id, start] = process.argv.slice(2);
// Counts as a change (unlike dry-run) but touches nothing outside the store.
const recording: Applier = { ...dryRunApplier, name: 'command', changesSomething: true };
const store = new MitigationStore(db!);
while (Date.now() < Number(start)) { /* all racers leave together */ }
try {
  await applyProposal(store, audit!, id!, recording, { now: new Date('2026-01-05T10:30:00.000Z') });
  console.log('won');
} catch (e) {
  if (!(e instanceof MitigationRefusedError)) throw e;
  console.log(`refused ${e.code}`);
} finally {
  store.close();
}
