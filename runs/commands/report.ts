/**
 * `shadowcast report --data report-data.json --out report.html`: re-renders a
 * nightly report from its data file (written by `nightly` beside report.html),
 * e.g. after an upgrade of the renderer or to compare two nights. The data
 * file is validated first, every problem located (exit 3); the HTML is written
 * atomically.
 */
import { dirname, join } from 'node:path';
import { writeFileAtomically } from '../report/atomic-file.js';
import { checkOutputFile } from '../report/atomic.js';
import { renderNightlyReport } from '../report/nightly-html.js';
import { readReportDataFile } from '../report/report-data-read.js';
import { defineCommand, parseFlags, usageText } from '../flags.js';

export const REPORT = defineCommand({
  command: 'report',
  flags: {
    data: { kind: 'path', value: 'FILE', required: true, help: "a nightly run's report-data.json" },
    out: { kind: 'path', value: 'FILE', absent: 'report.html beside the data file', help: 'where to write the HTML report' },
  },
});

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(REPORT, argv);
  if (!parsed) {
    console.log(usageText(REPORT));
    return 0;
  }
  const { data: file, out } = parsed.values;
  const target = out ?? join(dirname(file), 'report.html');
  await checkOutputFile(target);
  const data = await readReportDataFile(file);
  const html = await renderNightlyReport(data);
  await writeFileAtomically(target, html);
  console.log(`report: ${target} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB)`);
  return 0;
}
