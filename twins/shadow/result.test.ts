import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TwinSpecError } from '../definition/errors.js';
import { checkWindowsAgainstSummary, parseSummary, parseWindows, WINDOW_COLUMNS } from './result.js';
import { readSimulationResult } from './result-files.js';
import { has, problems, shopFixture, summaryText, windowsText } from './test-fixtures.js';
import { twinContentHash } from '../definition/content-hash.js';

async function asyncProblems(fn: () => Promise<unknown>): Promise<string[]> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof TwinSpecError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

test('summary and windows of a simulated shop read back with every node, the twin hash and window figures', async () => {
  const { twin, risk, result } = await shopFixture();
  assert.equal(result.summary.nodes.map((n) => n.id), twin.nodes.map((n) => n.id));
  assert.is(result.summary.run.twinHash, twinContentHash(twin));
  assert.is(result.summary.nodes[2]!.pFail.hi, risk.nodes[2]!.pFail.hi);
  assert.is(result.summary.nodes[2]!.figures['utilization']!.mean, risk.nodes[2]!.figures.utilization.mean);
  assert.is(result.windows.length, risk.windows.length);
  const w = result.windows.find((x) => x.node === 'productcatalog' && x.window === 2)!;
  const r = risk.windows.find((x) => x.node === 'productcatalog' && x.window === 2)!;
  assert.is(w.start, r.start);
  assert.is(w.figures.utilization.mean, r.figures.utilization.mean);
  assert.is(w.figures.meanQueue.hi, r.figures.meanQueue.hi);
});

test('a summary without twinHash reads with twinHash null', async () => {
  const { twin, risk } = await shopFixture();
  assert.is(parseSummary(summaryText(twin, risk, { twinHash: null }), 's.json').run.twinHash, null);
});

test('entries carry shed when simulate wrote it, and read with shed null from a summary written before it did', async () => {
  const { twin, risk } = await shopFixture();
  const current = parseSummary(summaryText(twin, risk), 's.json');
  assert.equal(current.entries[0]!.shed, risk.entries[0]!.shed);
  const old = JSON.parse(summaryText(twin, risk)) as { entries: Record<string, unknown>[] };
  for (const e of old.entries) delete e.shed;
  const before = parseSummary(JSON.stringify(old, null, 1), 's.json');
  assert.is(before.entries[0]!.shed, null);
  assert.equal(before.entries[0]!.arrivals, current.entries[0]!.arrivals);
  old.entries[0]!.shed = { mean: 'many' };
  const list = problems(() => parseSummary(JSON.stringify(old, null, 1), 's.json'));
  has(list, 'entries[0].shed');
});

test('bad summaries name the field and what was expected', async () => {
  const { twin, risk } = await shopFixture();
  const good = JSON.parse(summaryText(twin, risk)) as { run: Record<string, unknown>; nodes: Record<string, unknown>[]; format: string };
  const bad = (edit: (d: typeof good) => void) => {
    const d = structuredClone(good);
    edit(d);
    return problems(() => parseSummary(JSON.stringify(d, null, 1), 's.json'));
  };
  has(bad((d) => { d.format = 'x'; }), 'format: expected "shadowcast-simulation/1"');
  has(bad((d) => { delete d.run.horizon; }), 'run.horizon: required');
  has(bad((d) => { d.run.twinHash = 'abc'; }), 'run.twinHash: expected a hex SHA-256');
  has(bad((d) => { (d.nodes[1]!.pFail as { hi: number }).hi = 1.5; }), 'nodes[1].pFail.hi: expected a number <= 1');
  has(bad((d) => { d.nodes[3]!.id = d.nodes[0]!.id; }), 'nodes[3].id: expected a unique node id');
  has(problems(() => parseSummary('{"format": ', 's.json')), '(syntax)');
  // Problems carry line numbers from the JSON text.
  try {
    const d = structuredClone(good);
    delete d.run.seed;
    parseSummary(JSON.stringify(d, null, 1), 's.json');
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof TwinSpecError && e.problems[0]!.line !== undefined);
  }
});

test('bad windows.csv rows name the line and column', async () => {
  const { risk, result } = await shopFixture();
  const text = windowsText(risk);
  const lines = text.split('\n');
  has(await asyncProblems(() => parseWindows('node,window\nx,1\n', 'w.csv')), 'expected the columns start_s, end_s');
  has(await asyncProblems(() => parseWindows('', 'w.csv')), 'the file is empty');
  const cols = lines[0]!.split(',');
  const broken = lines.slice();
  const row = broken[3]!.split(',');
  row[cols.indexOf('utilization')] = 'abc';
  row[cols.indexOf('window')] = '-1';
  broken[3] = row.join(',');
  const list = await asyncProblems(() => parseWindows(broken.join('\n'), 'w.csv'));
  has(list, 'line 4, column utilization: expected a number >= 0, got "abc"');
  has(list, 'line 4, column window: expected an integer >= 0');
  has(await asyncProblems(() => parseWindows(lines[0] + '\nfrontend,0,0\n', 'w.csv')), `line 2: expected ${WINDOW_COLUMNS.length} fields`);
  const foreign = await parseWindows(lines[0] + '\n' + lines[1]!.replace(/^[^,]+/, 'ghost') + '\n', 'w.csv');
  has(problems(() => checkWindowsAgainstSummary(result.summary, foreign, 'w.csv')), 'node ghost: expected a node of the summary');
});

test('a windows.csv cut at a line boundary, or without the rows of a node, is refused with the nodes and the count expected', async () => {
  const { risk, result } = await shopFixture();
  const lines = windowsText(risk).trimEnd().split('\n');
  // The fixture's 300 s in windows of 60 s: 5 windows per node; the whole file passes.
  checkWindowsAgainstSummary(result.summary, await parseWindows(lines.join('\n'), 'w.csv'), 'w.csv');
  const check = async (kept: string[]) => {
    const parsed = await parseWindows(kept.join('\n') + '\n', 'w.csv');
    return problems(() => checkWindowsAgainstSummary(result.summary, parsed, 'w.csv'));
  };
  const cut = await check(lines.slice(0, 4));
  has(cut, "(file): expected 5 windows per node (windows 0 to 4: the summary's run.horizon 300 s in windows of run.windowSeconds 60 s), got ");
  has(cut, '(is the file cut short?)');
  const noCatalog = await check(lines.filter((l) => !l.startsWith('productcatalog,')));
  assert.equal(noCatalog, ["(file): expected 5 windows per node (windows 0 to 4: the summary's run.horizon 300 s in windows of run.windowSeconds 60 s), got none for node productcatalog (is the file cut short?)"]);
  // Windows of another run (a shorter --window) are too many.
  const extra = lines.concat(lines.filter((l) => /^frontend,4,/.test(l)).map((l) => l.replace(/^frontend,4,/, 'frontend,5,')));
  has(await check(extra), 'got 6 for node frontend');
});

test('a cut summary.json is one JSON problem with its place, not YAML indentation errors', async () => {
  const { twin, risk } = await shopFixture();
  const text = summaryText(twin, risk);
  const cut = problems(() => parseSummary(text.slice(0, Math.floor(text.length / 3)), 's.json'));
  assert.is(cut.length, 1);
  has(cut, '(syntax): invalid JSON: the text ends too early');
});

test('readSimulationResult reads a folder and names a missing file', async () => {
  const { twin, risk } = await shopFixture();
  const dir = await mkdtemp(join(tmpdir(), 'shadow-result-'));
  try {
    has(await asyncProblems(() => readSimulationResult(dir)), '(file): cannot read');
    await writeFile(join(dir, 'summary.json'), summaryText(twin, risk));
    await writeFile(join(dir, 'windows.csv'), windowsText(risk));
    const r = await readSimulationResult(dir);
    assert.is(r.dir, dir);
    assert.is(r.summary.nodes.length, twin.nodes.length);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
