import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TwinSpecError } from '../../twins/definition/errors.js';
import { withTempDir } from '../test-support.js';
import { readReportDataFile } from './report-data-read.js';
import { buildReportData } from './report-test-support.js';

/** Reads `data` written as JSON and returns the problems ('line: path: message'), or [] when it is accepted. */
async function problemsOf(data: unknown): Promise<string[]> {
  return withTempDir('report-data', async (dir) => {
    const file = join(dir, 'report-data.json');
    await writeFile(file, JSON.stringify(data, null, 1));
    try {
      await readReportDataFile(file);
      return [];
    } catch (e) {
      if (!(e instanceof TwinSpecError)) throw e;
      assert.ok(e.message.startsWith(`${e.problems.length} problem`), e.message);
      return e.problems.map((p) => `${p.line ?? '?'}: ${p.path}: ${p.message}`);
    }
  });
}

test('the fixture is accepted and read back as written', async () => {
  const data = buildReportData();
  await withTempDir('report-data', async (dir) => {
    const file = join(dir, 'report-data.json');
    await writeFile(file, JSON.stringify(data));
    assert.equal(await readReportDataFile(file), JSON.parse(JSON.stringify(data)));
  });
});

test('schema problems are all reported, each at its line, with a hint for a misspelt key', async () => {
  const good = buildReportData();
  const bad = JSON.parse(JSON.stringify(good));
  bad.run.treshold = bad.run.threshold;
  delete bad.run.threshold;
  bad.nodes[1].pFail.hi = 1.5;
  bad.mitigations[0].verdict = 'good';
  bad.changes[2].before = 'last night';
  const problems = await problemsOf(bad);
  const find = (path: string) => problems.find((p) => p.includes(`: ${path}: `));
  assert.ok(find('run.treshold')?.includes('did you mean "threshold"'), problems.join('\n'));
  assert.ok(find('run.threshold')?.includes('required'), problems.join('\n'));
  assert.ok(find('nodes[1].pFail.hi')?.includes('<= 1'), problems.join('\n'));
  assert.ok(find('mitigations[0].verdict')?.includes('"better", "worse", "inconclusive"'), problems.join('\n'));
  assert.ok(find('changes[2].before')?.includes('expected object or null, got "last night"'), problems.join('\n'));
  bad.changes = 'none';
  assert.ok((await problemsOf(bad)).some((p) => p.includes('changes: expected array or null')));
  for (const p of problems) assert.ok(/^\d+: /.test(p), `located: ${p}`);
});

test('rules between fields: ordered intervals and quantiles, known node names, times, one choice', async () => {
  const bad = JSON.parse(JSON.stringify(buildReportData()));
  bad.run.createdAt = 'last tuesday';
  bad.nodes[0].pFail = { mean: 0.2, lo: 0.3, hi: 0.4 };
  bad.nodes.push({ ...bad.nodes[2] });
  bad.forecasts[0].bands[5].p25 = bad.forecasts[0].bands[5].p75 + 1;
  bad.heatmap[3].node = 'frontnd';
  bad.heatmap[7].node = 'frontnd';
  bad.topology.edges[0].to = 'chekout';
  for (const m of bad.mitigations) m.chosen = false;
  bad.mitigations[0].chosen = true;
  bad.mitigations[1].chosen = true;
  const problems = await problemsOf(bad);
  const expect = [
    'run.createdAt: expected an ISO-8601 time',
    'nodes[0].pFail: expected lo <= mean <= hi, got lo 0.3, mean 0.2, hi 0.4',
    `nodes[${bad.nodes.length - 1}].node: node ${JSON.stringify(bad.nodes[2].node)} is listed twice`,
    'forecasts[0].bands[5]: expected p05 <= p25 <= p50 <= p75 <= p95',
    'heatmap[3].node: unknown node "frontnd" (did you mean "frontend"?) (in 2 cells)',
    'topology.edges[0].to: unknown node "chekout" (did you mean "checkout"?)',
    'mitigations[1].chosen: only one candidate can be chosen; mitigations[0] already is',
  ];
  for (const e of expect) assert.ok(problems.some((p) => p.includes(e)), `${e}\nin:\n${problems.join('\n')}`);
  assert.is(problems.length, expect.length, problems.join('\n'));
});

test('a file that is not JSON, or is missing, is a located problem too', async () => {
  await withTempDir('report-data', async (dir) => {
    const file = join(dir, 'report-data.json');
    await writeFile(file, '{"format": "shadowcast-nightly-report/1",\n "run": {\n');
    const failure = (file: string) => readReportDataFile(file).then(() => null, (e: unknown) => e);
    const syntax = await failure(file);
    assert.ok(syntax instanceof TwinSpecError && syntax.problems[0]!.line === 3, String(syntax));
    const missing = await failure(join(dir, 'missing.json'));
    assert.ok(missing instanceof TwinSpecError && missing.message.includes('cannot read'), String(missing));
  });
});

test('another file given by mistake is named in one line: an HTML page, another JSON format, a document without a format', async () => {
  await withTempDir('report-data', async (dir) => {
    const failure = (file: string) => readReportDataFile(file).then(() => null, (e: unknown) => e as Error);
    const html = join(dir, 'report.html');
    await writeFile(html, '<!doctype html>\n<html><body>x</body></html>\n');
    assert.match((await failure(html))!.message, /report\.html: expected a nightly's report-data\.json \(JSON, beside its report\.html\), got a \.html$/);
  });
  assert.equal(await problemsOf({ format: 'shadowcast-simulation/1', run: {} }), ['2: format: expected a nightly\'s report-data.json (format "shadowcast-nightly-report/1"), got format "shadowcast-simulation/1"']);
  assert.equal(await problemsOf([1, 2]), ['1: (root): expected a nightly\'s report-data.json (format "shadowcast-nightly-report/1"), got a document without a format field']);
});

test("the mitigations' paired change, replications, reason and summary are read back; data without them (older reports) still reads", () => withTempDir('report-data-mitigation', async (dir) => {
  const base = buildReportData();
  const data = {
    ...base,
    mitigations: base.mitigations.map((m) => ({ ...m, change: { node: 'n1', mean: -0.5, lo: -0.8, hi: -0.2 }, replications: 8, reason: 'ran all 8 replications: better' })),
    mitigation: { explanation: 'None met it.', horizonSeconds: 21_600, replications: 8, target: 0.3, replicationsNeeded: 9 },
  };
  const file = join(dir, 'report-data.json');
  await writeFile(file, JSON.stringify(data));
  const read = await readReportDataFile(file);
  assert.equal(read.mitigation, data.mitigation);
  assert.equal(read.mitigations[0]!.change, { node: 'n1', mean: -0.5, lo: -0.8, hi: -0.2 });
  assert.is(read.mitigations[0]!.replications, 8);
  await writeFile(file, JSON.stringify(base));
  assert.is((await readReportDataFile(file)).mitigation, undefined);
}));

test.run();
