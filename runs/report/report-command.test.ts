/** `shadowcast report` on the real executable: re-renders a data file, refuses a bad one with a located message and no output, exits 2 on usage errors. */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, withTempDir } from '../test-support.js';
import { renderNightlyReport } from './nightly-html.js';
import { buildReportData } from './report-test-support.js';


const cli = runCli;

test('report re-renders the HTML from a data file, byte for byte as the renderer does', async () => {
  await withTempDir('report-cli', async (dir) => {
    const data = buildReportData();
    const file = join(dir, 'report-data.json');
    await writeFile(file, JSON.stringify(data, null, 1));
    const out = join(dir, 'sub', 'night.html');
    const r = await cli(['report', '--data', file, '--out', out]);
    assert.is(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(out));
    assert.ok((await readFile(out, 'utf8')) === (await renderNightlyReport(data)));
    // Without --out: report.html beside the data file.
    const beside = await cli(['report', '--data', file]);
    assert.is(beside.code, 0, beside.stderr);
    assert.ok((await stat(join(dir, 'report.html'))).size > 0);
  });
});

test('a bad data file exits 3 with every problem located, and writes nothing', async () => {
  await withTempDir('report-cli', async (dir) => {
    const bad = JSON.parse(JSON.stringify(buildReportData()));
    bad.nodes[0].pFail.lo = 0.99;
    bad.run.seeed = 1;
    const file = join(dir, 'report-data.json');
    await writeFile(file, JSON.stringify(bad, null, 1));
    const r = await cli(['report', '--data', file, '--out', join(dir, 'report.html')]);
    assert.is(r.code, 3, r.stderr);
    assert.ok(r.stderr.startsWith('shadowcast report: '), r.stderr);
    assert.ok(new RegExp(`${file}:\\d+:\\d+: run.seeed: unknown property \\(did you mean "seed"\\?\\)`).test(r.stderr), r.stderr);
    assert.not.ok(/\b[A-Z][a-zA-Z]*Error:/.test(r.stderr), 'no class name');
    assert.equal(await readdir(dir), ['report-data.json']);
  });
});

test('usage errors exit 2 with the usage', async () => {
  const missing = await cli(['report']);
  assert.is(missing.code, 2);
  assert.ok(missing.stderr.includes('--data FILE is required'), missing.stderr);
  assert.ok(missing.stderr.includes('usage: shadowcast report --data FILE'), missing.stderr);
  const help = await cli(['report', '--help']);
  assert.is(help.code, 0);
  assert.ok(help.stdout.includes('--out FILE'));
});

test.run();
