/**
 * Twin files run through the `simulate` command agree with queueing theory
 * within 99 % intervals: the bundled 3-station Jackson network (per-station
 * throughput, utilization, sojourn; end-to-end sojourn) and an M/M/4.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jacksonThroughputs, mmc } from '../../engine/queueing-theory.js';
import { REPO_ROOT } from '../paths.js';
import { parseSimulateArgs, run } from './simulate.js';
import { UsageError } from '../usage-error.js';
import { withTempDir } from '../test-support.js';

interface Est { mean: number; lo: number; hi: number }
interface SummaryFile {
  format: string;
  nodes: Array<{ id: string; figures: Record<string, Est> }>;
  entries: Array<{ id: string; meanLatency: Est }>;
}

function within(label: string, e: Est, exact: number): void {
  const where = `${label}: ${e.mean.toPrecision(5)} [${e.lo.toPrecision(5)}, ${e.hi.toPrecision(5)}] (99%), exact ${exact.toPrecision(5)}`;
  if (process.env.SHADOWCAST_VERBOSE) console.log(`  ${where}`);
  assert.ok(e.lo <= exact && exact <= e.hi, `${where}: outside the interval`);
  assert.ok((e.hi - e.lo) / 2 <= 0.03 * exact, `${where}: half-width over 3 %`);
}

function simulateFile(twin: string, extra: string[]): Promise<SummaryFile> {
  return withTempDir('sim', async (out) => {
    const code = await run(['--twin', twin, '--out', out, '--confidence', '0.99', '--quiet', '--no-resume', ...extra]);
    assert.is(code, 0);
    return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as SummaryFile;
  });
}

test('the Jackson example twin matches the traffic equations and M/M/1 formulas', async () => {
  const s = await simulateFile(join(REPO_ROOT, 'twins/examples/jackson.yaml'), ['--replications', '16', '--horizon', '250000s', '--warmup', '5000s', '--seed', '7']);
  assert.is(s.format, 'shadowcast-simulation/1');
  const mu = [1 / 0.5, 1 / 1.3, 1 / 2.3];
  const routing = [[0, 0.5, 0.3], [0.2, 0, 0], [0.1, 0, 0]];
  const lambda = jacksonThroughputs([1, 0, 0], routing);
  let totalL = 0;
  ['s1', 's2', 's3'].forEach((id, i) => {
    const node = s.nodes.find((n) => n.id === id)!;
    const exact = mmc(lambda[i]!, mu[i]!, 1);
    totalL += exact.l;
    within(`${id} throughput`, node.figures.throughput!, lambda[i]!);
    within(`${id} utilization`, node.figures.utilization!, exact.rho);
    within(`${id} sojourn per visit`, node.figures.meanLatency!, exact.w);
  });
  within('end-to-end sojourn', s.entries[0]!.meanLatency, totalL / 1);
});

test('an M/M/4 written as a twin file: Lq, W and utilization match Erlang C', () => withTempDir('mmc', async (dir) => {
    const file = join(dir, 'mmc.yaml');
    await writeFile(file, [
      'name: mmc', 'nodes:', '  - id: q', '    kind: service', '    replicas: 1', '    servers: 4',
      '    service: { type: exponential, mean: 1s }', 'entries:', '  - { id: in, node: q, rate: 3.6 }', '',
    ].join('\n'));
    const s = await simulateFile(file, ['--replications', '20', '--horizon', '200000s', '--warmup', '4000s', '--seed', '8']);
    const q = s.nodes[0]!.figures;
    const exact = mmc(3.6, 1, 4);
    within('utilization', q.utilization!, exact.rho);
    within('Lq', q.meanQueue!, exact.lq);
    within('W', q.meanLatency!, exact.w);
}));

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error)';
}

test('simulate reports bad arguments clearly', async () => {
  assert.match(await rejection(run(['--out', '/tmp/x'])), /--twin FILE is required/);
  assert.match(await rejection(run(['--twin', 'x.yaml', '--out', '/tmp/x', '--horizon', 'soon'])), /--horizon: expected a positive duration like 90s, 30m or 2h, got 'soon'/);
  assert.match(await rejection(run(['--twin', 'x.yaml', '--out', '/tmp/x', '--replications', '0'])), /--replications: expected a positive whole number, got '0'/);
  assert.match(await rejection(run(['--twin', 'x.yaml', '--out', '/tmp/x', '--horizon', '1m', '--warmup', '2m'])), /--warmup \(120s\) must be shorter than --horizon \(60s\)/);
  // A window asked for that the horizon cannot hold; the default 5m under a 1m horizon is one window of the run.
  const long = run(['--twin', 'x.yaml', '--out', '/tmp/x', '--horizon', '5m', '--window', '1h']);
  await long.then(() => assert.unreachable('accepted --window 1h'), (e: unknown) => assert.instance(e, UsageError));
  assert.match(await rejection(long), /^--window \(3600s\) must not be longer than --horizon \(300s\): windows\.csv would have one window, cut at the horizon; give at most 300s, or leave --window out$/);
  assert.is(parseSimulateArgs(['--twin', 'x.yaml', '--out', '/tmp/x', '--horizon', '1m'])!.window, 300);
  assert.is(parseSimulateArgs(['--twin', 'x.yaml', '--out', '/tmp/x', '--horizon', '5m', '--window', '5m'])!.window, 300);
});

test('a horizon shorter than the SLO window: simulate says P(fail) 0 means nothing there', () =>
  withTempDir('sim-slo', async (out) => {
    const code = await run(['--twin', join(REPO_ROOT, 'twins/examples/shop.yaml'), '--out', out, '--replications', '2', '--horizon', '30s', '--quiet', '--no-resume', '--workers', '0']);
    assert.is(code, 0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { run: { warnings: string[] } };
    assert.ok(summary.run.warnings.some((w) => /shorter than the SLO window of \d+ node\(s\)/.test(w)), summary.run.warnings.join('\n'));
  }));

test.run();
