/** Test helper: waits until START (ms since epoch), then records COUNT nights of run ids `<TAG>-<k>` in the store DB, one transaction each. argv: DB TAG COUNT START */
import { RunStore } from './run-store.js';

const [db, tag, count, start] = process.argv.slice(2);
const store = new RunStore(db!);
while (Date.now() < Number(start)) { /* all writers leave together */ }
try {
  for (let k = 0; k < Number(count); k++) {
    const id = `${tag}-${k}`;
    const night = `2026-01-${String(1 + (k % 28)).padStart(2, '0')}`;
    store.recordNight(
      { id, night, twin: 'race', createdAt: new Date(0).toISOString(), seed: 1, replications: 10, horizonSeconds: 60, threshold: 0.1, level: 0.95, atRisk: 0, exitCode: 0, outDir: '/tmp', manifest: '{}' },
      [{ runId: id, night, node: 'a', pFail: 0.1, lo: 0, hi: 0.4, condition: null, timeToFailure: null }],
      [], [],
    );
  }
  console.log('ok');
} finally {
  store.close();
}
