import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run as history } from '../commands/history.js';
import { RunStore } from '../store/run-store.js';
import { withTempDir } from '../test-support.js';
import { readNightlyConfig } from './config.js';
import type { Manifest } from './manifest.js';
import { runNightly } from './pipeline.js';
import { REPORT_DATA_FORMAT, type NightlyReportData } from './report-data.js';
import { writeSmallNight } from './test-support.js';

const readData = (dir: string) => JSON.parse(readFileSync(join(dir, 'report-data.json'), 'utf8')) as NightlyReportData;
const readManifestFile = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

test('two nights: a complete report, the exit code from the threshold, the store, then last night scored and compared', () => withTempDir('nightly', async (dir) => {
  const store = join(dir, 'runs.db');
  const night1 = await runNightly({ config: await readNightlyConfig(await writeSmallNight(dir, 3)), out: join(dir, 'n1'), store });
  const d = readData(join(dir, 'n1'));
  assert.is(d.format, REPORT_DATA_FORMAT);
  // 4 replications: a node that never failed still has a Wilson upper bound of 49 % > 0.2, so every node is at risk.
  assert.is(night1.exitCode, 1);
  assert.is(night1.atRisk.length, 12);
  assert.equal(d.run.replications, 4);
  assert.is(d.forecasts.length, 1);
  assert.is(d.forecasts[0]!.series, 'frontend/rate');
  assert.is(d.forecasts[0]!.bands.length, 12);
  assert.ok(d.forecasts[0]!.bands.every((b) => b.p05 <= b.p25 && b.p25 <= b.p50 && b.p50 <= b.p75 && b.p75 <= b.p95), 'bands ordered');
  assert.is(d.forecasts[0]!.history.length, 2 * 288, 'two days of history');
  assert.is(d.forecasts[0]!.bands[0]!.time, '2026-11-19T00:00:00.000Z', 'forecast starts after three days');
  assert.is(d.nodes.length, 12);
  for (let i = 1; i < d.nodes.length; i++) assert.ok(d.nodes[i - 1]!.pFail.mean >= d.nodes[i]!.pFail.mean, 'riskiest first');
  assert.ok(d.nodes.every((n) => n.pFail.lo <= n.pFail.mean && n.pFail.mean <= n.pFail.hi));
  assert.is(d.heatmap.length, 12, 'one hour x 12 nodes');
  // The heatmap hour holds every replication that failed at all in that hour (1-hour horizon: all of them).
  for (const n of d.nodes) assert.ok(d.heatmap.find((c) => c.node === n.node)!.pBreach >= n.pFail.mean - 1e-12);
  assert.is(d.topology.nodes.length, 12);
  assert.ok(d.topology.edges.some((e) => e.from === 'frontend' && e.to === 'productcatalog'));
  // Mitigation answers confirmed risk only (P(fail) lower bound at the threshold): with 4 replications a node needs 2+ failures for that.
  const confirmed = d.nodes.filter((n) => n.pFail.lo >= d.run.threshold);
  const manifest1 = JSON.parse(readFileSync(join(dir, 'n1', 'manifest.json'), 'utf8')) as { steps: Record<string, { note?: string }> };
  if (confirmed.length === 0) {
    assert.is(d.mitigations.length, 0);
    assert.ok(/nothing confirmed to mitigate: 12 node\(s\) are at risk by their P\(fail\) upper bound only/.test(manifest1.steps.mitigation!.note ?? ''), manifest1.steps.mitigation!.note);
  } else {
    // maxCandidates 1: one candidate node, raced, no more than its handful of strategies.
    assert.ok(d.mitigations.length >= 1, `${d.mitigations.length} candidates`);
    assert.ok(d.mitigations.some((x) => x.pareto) || d.mitigations.every((x) => x.verdict === 'worse'), 'a Pareto front unless every candidate is worse');
  }
  assert.equal(d.calibration, []);
  assert.is(d.changes, null, 'first night');
  const html = readFileSync(night1.report, 'utf8');
  assert.match(html, '<table');
  assert.match(html, 'productcatalog');
  const m = readManifestFile(join(dir, 'n1'));
  assert.equal(Object.keys(m.steps).sort(), ['forecast', 'mitigation', 'report', 'risk', 'simulate', 'state', 'store', 'telemetry']);
  assert.is(m.exitCode, 1);
  assert.is(m.simulation, null, 'sequential stopping is off by default: every replication ran');
  assert.ok(Object.keys(m.inputs).some((f) => f.endsWith('telemetry-3.csv')) && Object.values(m.inputs).every((h) => /^[0-9a-f]{64}$/.test(h)));
  assert.ok(existsSync(join(dir, 'n1', 'state.json')));
  assert.not.ok(existsSync(join(dir, 'n1', '.chunks')), 'checkpoints removed after the simulation');

  // The next night has a day more telemetry: last night's 1-hour forecast is scored against its first hour.
  await runNightly({ config: await readNightlyConfig(await writeSmallNight(dir, 4)), out: join(dir, 'n2'), store });
  const d2 = readData(join(dir, 'n2'));
  assert.is(d2.calibration.length, 1);
  assert.is(d2.calibration[0]!.night, '2026-11-19');
  assert.ok(d2.calibration[0]!.coverage95 >= d2.calibration[0]!.coverage80);
  assert.ok(d2.calibration[0]!.mase !== null && d2.calibration[0]!.mase > 0);
  assert.is(d2.changes!.length, 12);
  const s = new RunStore(store);
  try {
    assert.equal(s.runs().map((r) => r.night), ['2026-11-20', '2026-11-19']);
    assert.is(s.scores()[0]!.points, 12);
    assert.is(s.nodeRisk({ node: 'productcatalog' }).length, 2);
  } finally {
    s.close();
  }
  // `shadowcast history` reads the same store back.
  const printed: string[] = [];
  const log = console.log;
  console.log = (line: string) => { printed.push(line); };
  try {
    assert.is(await history(['--store', store, '--node', 'productcatalog', '--json']), 0);
    assert.is(await history(['--store', store]), 0);
  } finally {
    console.log = log;
  }
  const json = JSON.parse(printed[0]!) as { runs: { night: string }[]; nodeRisk: { node: string }[]; scores: { scoredNight: string }[] };
  assert.equal(json.runs.map((r) => r.night), ['2026-11-20', '2026-11-19']);
  assert.ok(json.nodeRisk.length === 2 && json.nodeRisk.every((r) => r.node === 'productcatalog'));
  assert.equal(json.scores.map((x) => x.scoredNight), ['2026-11-19']);
  assert.match(printed.slice(1).join('\n'), 'forecast calibration');
}));

test('an interrupted run resumes: finished steps are not recomputed, changed inputs are', () => withTempDir('nightly-resume', async (dir) => {
  const store = join(dir, 'runs.db');
  const out = join(dir, 'out');
  const configFile = await writeSmallNight(dir, 3);
  await runNightly({ config: await readNightlyConfig(configFile), out, store });
  const first = readData(out);
  // As if it had stopped after the mitigation step.
  await rm(join(out, 'report.html'));
  await writeFile(join(out, 'manifest.json'), JSON.stringify({ ...readManifestFile(out), exitCode: null }));
  const lines: string[] = [];
  await runNightly({ config: await readNightlyConfig(configFile), out, store, log: (l) => lines.push(l) });
  const m = readManifestFile(out);
  for (const s of ['telemetry', 'forecast', 'state', 'simulate', 'risk', 'mitigation'] as const) assert.ok(m.steps[s]!.resumed, `${s} resumed`);
  assert.not.ok(m.steps.report!.resumed, 'report rewritten');
  assert.equal(readData(out), first, 'the same report');
  assert.ok(lines.some((l) => l.startsWith('simulate: resumed')));
  // A different threshold: the simulation stands, the risk and what follows are redone.
  await writeFile(configFile, readFileSync(configFile, 'utf8').replace('threshold: 0.2', 'threshold: 0.6'));
  const r = await runNightly({ config: await readNightlyConfig(configFile), out, store });
  const m2 = readManifestFile(out);
  assert.ok(m2.steps.simulate!.resumed, 'the simulation does not depend on the threshold');
  assert.not.ok(m2.steps.risk!.resumed, 'the risk does');
  assert.is(readData(out).run.threshold, 0.6);
  // Upper bounds of 0/4 are 49 %, so with 0.6 only nodes that failed in some replication can be at risk.
  assert.ok(r.atRisk.every((id) => readData(out).nodes.find((n) => n.node === id)!.pFail.mean > 0));
}));

test('a later run into a finished run\'s folder is a new run: its own createdAt and versions; a resumed one keeps them', () => withTempDir('nightly-new-run', async (dir) => {
  const out = join(dir, 'out');
  const store = join(dir, 'runs.db');
  const configFile = await writeSmallNight(dir, 3, {}, '');
  await writeFile(configFile, readFileSync(configFile, 'utf8').replace('mitigation: {', 'mitigation: { enabled: false,'));
  const night = (iso: string) => readNightlyConfig(configFile).then((config) => runNightly({ config, out, store, now: new Date(iso) }));
  await night('2030-01-01T00:00:00.000Z');
  // As if an older shadowcast had written it.
  await writeFile(join(out, 'manifest.json'), JSON.stringify({ ...readManifestFile(out), versions: { shadowcast: 'old', node: 'old', report: 'old' } }));
  const createdAt = () => ({ data: readData(out).run.createdAt, manifest: readManifestFile(out).createdAt });
  // The same config again, reusing the finished run's steps.
  const again = await night('2030-01-02T00:00:00.000Z');
  assert.ok(again.manifest.steps.simulate!.resumed, 'the steps are reused');
  assert.equal(createdAt(), { data: '2030-01-02T00:00:00.000Z', manifest: '2030-01-02T00:00:00.000Z' });
  assert.is.not(readManifestFile(out).versions.shadowcast, 'old');
  // Another config: a new run id, created now.
  await writeFile(configFile, readFileSync(configFile, 'utf8').replace('threshold: 0.2', 'threshold: 0.6'));
  const other = await night('2030-01-03T00:00:00.000Z');
  assert.equal(createdAt(), { data: '2030-01-03T00:00:00.000Z', manifest: '2030-01-03T00:00:00.000Z' });
  const s = new RunStore(store);
  try {
    assert.is(s.runs().find((r) => r.id === other.data.run.id)!.createdAt, '2030-01-03T00:00:00.000Z');
  } finally {
    s.close();
  }
  // Interrupted (unfinished) and resumed later: still the run that started.
  await rm(join(out, 'report.html'));
  await writeFile(join(out, 'manifest.json'), JSON.stringify({ ...readManifestFile(out), exitCode: null, versions: { shadowcast: 'old', node: 'old', report: 'old' } }));
  await night('2030-01-04T00:00:00.000Z');
  assert.equal(createdAt(), { data: '2030-01-03T00:00:00.000Z', manifest: '2030-01-03T00:00:00.000Z' });
  assert.is(readManifestFile(out).versions.shadowcast, 'old');
}));

test.run();
