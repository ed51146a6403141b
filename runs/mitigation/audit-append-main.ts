/** Test helper: appends N records to an audit log from its own process (argv: FILE N WHO). */
import { appendAudit } from './audit.js';

const [file, n, who] = process.argv.slice(2);
for (let i = 0; i < Number(n); i++) {
  appendAudit(file!, { who: who!, what: 'test', proposal: null, why: `append ${i}`, evidence: { i }, decision: 'done' });
}
