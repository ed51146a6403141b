import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { exitCodeFor } from '../errors.js';
import { runCli, withTempDir } from '../test-support.js';
import { RunStore, STORE_SCHEMA_VERSION, type RunRecord } from './run-store.js';

const run = (id: string, night: string, twin = 'shop'): RunRecord => ({
  id, night, twin, createdAt: `${night}T01:00:00.000Z`, seed: 1, replications: 20, horizonSeconds: 86400, threshold: 0.2, level: 0.95, atRisk: 1, exitCode: 1, outDir: '/out', manifest: '{"m":1}',
});

test('records nights and answers trend, previous-night and calibration queries; a resumed run replaces its own rows', () => withTempDir('store', async (dir) => {
  const store = new RunStore(join(dir, 'sub', 'runs.db'));
  try {
    store.recordNight(run('r1', '2026-01-01'), [{ runId: 'r1', night: '2026-01-01', node: 'db', pFail: 0.1, lo: 0.02, hi: 0.3, condition: 'errors', timeToFailure: { p10: 1, p50: 2, p90: 3 } }],
      [{ runId: 'r1', series: 'web/rate', startMs: 0, stepMs: 1000, maseScale: 2, quantiles: { '0.5': [1, 2] } }], []);
    store.recordNight(run('r2', '2026-01-02'), [{ runId: 'r2', night: '2026-01-02', node: 'db', pFail: 0.2, lo: 0.1, hi: 0.4, condition: null, timeToFailure: null }], [],
      [{ runId: 'r2', night: '2026-01-02', scoredRunId: 'r1', scoredNight: '2026-01-01', series: 'web/rate', points: 2, coverage80: 0.5, coverage95: 1, mase: 0.7 }]);
    store.recordNight(run('x1', '2026-01-02', 'other'), [], [], []);
    assert.equal(store.runs({ twin: 'shop' }).map((r) => r.id), ['r2', 'r1']);
    assert.is(store.previousRun('shop', '2026-01-02', 'r2')!.id, 'r1');
    assert.is(store.previousRun('shop', '2026-01-01', 'r1'), null);
    assert.equal(store.nodeRisk({ node: 'db' }).map((r) => [r.night, r.pFail]), [['2026-01-02', 0.2], ['2026-01-01', 0.1]]);
    assert.equal(store.nodeRisk({ runId: 'r1' })[0]!.timeToFailure, { p10: 1, p50: 2, p90: 3 });
    assert.equal(store.forecasts('r1')[0]!.quantiles, { '0.5': [1, 2] });
    assert.equal(store.scores({ twin: 'shop' }).map((s) => [s.scoredNight, s.coverage80, s.mase]), [['2026-01-01', 0.5, 0.7]]);
    // The same run recorded again (a resumed nightly): its rows are replaced, not doubled.
    store.recordNight(run('r2', '2026-01-02'), [{ runId: 'r2', night: '2026-01-02', node: 'db', pFail: 0.25, lo: 0.1, hi: 0.4, condition: null, timeToFailure: null }], [], []);
    assert.equal(store.nodeRisk({ node: 'db' }).map((r) => r.pFail), [0.25, 0.1]);
    assert.is(store.scores().length, 0);
    assert.is(store.runs().length, 3);
  } finally {
    store.close();
  }
  const db = new Database(join(dir, 'sub', 'runs.db'), { readonly: true });
  assert.is(db.pragma('user_version', { simple: true }), STORE_SCHEMA_VERSION);
  db.close();
}));

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

test('a store from a newer schema version is refused without touching the file', () => withTempDir('store-new', async (dir) => {
  const file = join(dir, 'runs.db');
  const db = new Database(file);
  db.exec('CREATE TABLE future (x INTEGER)');
  db.pragma(`user_version = ${STORE_SCHEMA_VERSION + 1}`);
  db.close();
  const before = sha(file);
  let err: unknown;
  try { new RunStore(file).close(); } catch (e) { err = e; }
  assert.ok(err instanceof Error, 'refused');
  assert.match((err as Error).message, `schema version ${STORE_SCHEMA_VERSION + 1} is newer`);
  assert.match((err as Error).message, 'not changed');
  assert.is(exitCodeFor(err), 3);
  assert.is(sha(file), before);
  assert.not.ok(existsSync(`${file}-wal`), 'no WAL file created');
}));

test('a file that is not a store is refused by name, unchanged', () => withTempDir('store-bad', async (dir) => {
  const file = join(dir, 'runs.db');
  writeFileSync(file, 'this is not a database, just some text that is long enough to look like a header '.repeat(20));
  const before = sha(file);
  assert.throws(() => new RunStore(file), (e: Error) => e.message.includes(file) && e.message.includes('not a run store'));
  assert.is(sha(file), before);
}));

test('history (read-only) refuses an empty file or another SQLite database, unchanged, and reads a store without writing', () => withTempDir('store-read', async (dir) => {
  const empty = join(dir, 'empty.db');
  writeFileSync(empty, '');
  const other = join(dir, 'other.db');
  const o = new Database(other);
  o.exec('CREATE TABLE t (x INTEGER)');
  o.close();
  for (const file of [empty, other]) {
    const before = sha(file);
    assert.throws(() => new RunStore(file, undefined, { readOnly: true }), (e: Error) => exitCodeFor(e) === 3 && e.message === `${file}: not a run store (none of its tables: an empty file or another SQLite database); a nightly run creates one; the file was not changed`);
    const r = await runCli(['history', '--store', file]);
    assert.is(r.code, 3, r.stderr);
    assert.match(r.stderr, /^shadowcast history: .*: not a run store \(none of its tables/);
    assert.is(sha(file), before, `${file} unchanged`);
  }
  // A real store: read, and the reader cannot write.
  const file = join(dir, 'runs.db');
  const w = new RunStore(file);
  w.recordNight(run('r1', '2026-01-01'), [], [], []);
  w.close();
  const ro = new RunStore(file, undefined, { readOnly: true });
  try {
    assert.equal(ro.runs().map((x) => x.id), ['r1']);
    assert.throws(() => ro.recordNight(run('r2', '2026-01-02'), [], [], []), /readonly/);
  } finally {
    ro.close();
  }
  const r = await runCli(['history', '--store', file, '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { runs: { id: string }[] }).runs.map((x) => x.id), ['r1']);
}));

/** The store's tables as shadowcast wrote them before runs had a level column. */
const SCHEMA_WITHOUT_LEVEL = `
CREATE TABLE runs (id TEXT PRIMARY KEY, night TEXT NOT NULL, twin TEXT NOT NULL, created_at TEXT NOT NULL, seed INTEGER NOT NULL,
  replications INTEGER NOT NULL, horizon_seconds REAL NOT NULL, threshold REAL NOT NULL, at_risk INTEGER NOT NULL,
  exit_code INTEGER NOT NULL, out_dir TEXT NOT NULL, manifest TEXT NOT NULL);
CREATE TABLE node_risk (run_id TEXT NOT NULL, night TEXT NOT NULL, node TEXT NOT NULL, p_fail REAL NOT NULL, lo REAL NOT NULL, hi REAL NOT NULL,
  condition TEXT, ttf_p10 REAL, ttf_p50 REAL, ttf_p90 REAL, PRIMARY KEY (run_id, node));
CREATE TABLE forecasts (run_id TEXT NOT NULL, series TEXT NOT NULL, start_ms INTEGER NOT NULL, step_ms INTEGER NOT NULL, mase_scale REAL NOT NULL,
  quantiles TEXT NOT NULL, PRIMARY KEY (run_id, series));
CREATE TABLE forecast_scores (run_id TEXT NOT NULL, night TEXT NOT NULL, scored_run_id TEXT NOT NULL, scored_night TEXT NOT NULL, series TEXT NOT NULL,
  points INTEGER NOT NULL, coverage80 REAL NOT NULL, coverage95 REAL NOT NULL, mase REAL, PRIMARY KEY (run_id, series));
INSERT INTO runs VALUES ('old1', '2026-01-01', 'shop', '2026-01-01T01:00:00.000Z', 1, 20, 86400, 0.2, 1, 1, '/out', '{}');
INSERT INTO node_risk VALUES ('old1', '2026-01-01', 'db', 0.1, 0.02, 0.3, NULL, NULL, NULL, NULL);
PRAGMA user_version = 1;
`;

test('each run keeps its interval level; a store from before the level column is read as it is (level unknown) and migrated by a writer', () => withTempDir('store-level', async (dir) => {
  const file = join(dir, 'runs.db');
  const old = new Database(file);
  old.exec(SCHEMA_WITHOUT_LEVEL);
  old.close();
  // A reader does not change the file: the old run reads with an unknown level.
  const before = sha(file);
  const ro = new RunStore(file, undefined, { readOnly: true });
  try {
    assert.equal(ro.runs().map((r) => [r.id, r.level]), [['old1', null]]);
  } finally {
    ro.close();
  }
  assert.is(sha(file), before, 'a reader leaves an old store as it is');
  const h0 = await runCli(['history', '--store', file]);
  assert.is(h0.code, 0, h0.stderr);
  assert.match(h0.stdout, 'interval of unknown level');
  // A writer adds the column; the old row stays unknown, a new one has its level.
  const w = new RunStore(file);
  try {
    w.recordNight({ ...run('new1', '2026-01-02'), level: 0.9 }, [{ runId: 'new1', night: '2026-01-02', node: 'db', pFail: 0, lo: 0, hi: 0.3, condition: null, timeToFailure: null }], [], []);
    assert.equal(w.runs().map((r) => [r.id, r.level]), [['new1', 0.9], ['old1', null]]);
  } finally {
    w.close();
  }
  const h = await runCli(['history', '--store', file]);
  assert.is(h.code, 0, h.stderr);
  assert.match(h.stdout, "with each run's interval");
  assert.match(h.stdout, /new1 +db +0\.0 +0\.0 +30\.0 +90 %/);
  assert.match(h.stdout, /old1 +db +10\.0 +2\.0 +30\.0 +unknown/);
  assert.not.match(h.stdout, '95 % interval');
  const j = await runCli(['history', '--store', file, '--json']);
  assert.equal((JSON.parse(j.stdout) as { runs: { id: string; level: number | null }[] }).runs.map((r) => [r.id, r.level]), [['new1', 0.9], ['old1', null]]);
  // One level for every row shown: said once, in the header.
  const one = join(dir, 'one.db');
  const s = new RunStore(one);
  try {
    s.recordNight({ ...run('a', '2026-01-01'), level: 0.9 }, [{ runId: 'a', night: '2026-01-01', node: 'db', pFail: 0, lo: 0, hi: 0.3, condition: null, timeToFailure: null }], [], []);
  } finally {
    s.close();
  }
  const h1 = await runCli(['history', '--store', one]);
  assert.match(h1.stdout, '% with 90 % interval');
}));

test('history tells two runs of one night apart by their id, in the same order in every table', () => withTempDir('store-same-night', async (dir) => {
  const file = join(dir, 'runs.db');
  const s = new RunStore(file);
  const risk = (id: string, night: string) => [{ runId: id, night, node: 'ad', pFail: 0.1, lo: 0.02, hi: 0.4, condition: null, timeToFailure: null }];
  const score = (id: string) => [{ runId: id, night: '2026-11-23', scoredRunId: 'prev000000', scoredNight: '2026-11-22', series: 'web/rate', points: 2, coverage80: 0.5, coverage95: 1, mase: 0.7 }];
  try {
    // The later-created run (later in the alphabet too, so no table lists it first by accident of its key) is listed first everywhere.
    s.recordNight({ ...run('aaaa11112222', '2026-11-23'), createdAt: '2026-11-23T01:00:00.000Z' }, risk('aaaa11112222', '2026-11-23'), [], score('aaaa11112222'));
    s.recordNight({ ...run('bbbb33334444', '2026-11-23'), createdAt: '2026-11-23T03:00:00.000Z' }, risk('bbbb33334444', '2026-11-23'), [], score('bbbb33334444'));
  } finally {
    s.close();
  }
  const h = await runCli(['history', '--store', file]);
  assert.is(h.code, 0, h.stderr);
  const [runsPart, riskPart, calPart] = h.stdout.split('\n\n');
  const ids = (text: string) => [...text!.matchAll(/(aaaa11112222|bbbb33334444)/g)].map((m) => m[1]);
  assert.equal(ids(runsPart!), ['bbbb33334444', 'aaaa11112222']);
  assert.equal(ids(riskPart!), ['bbbb33334444', 'aaaa11112222']);
  assert.equal(ids(calPart!), ['bbbb33334444', 'aaaa11112222']);
}));

test('four processes writing at once: every night of every writer is recorded', () => withTempDir('store-race', async (dir) => {
  const file = join(dir, 'runs.db');
  const helper = join(dirname(fileURLToPath(import.meta.url)), 'store-writer-main.js');
  const start = String(Date.now() + 1500);
  const outs = await Promise.all(['a', 'b', 'c', 'd'].map((tag) => promisify(execFile)(process.execPath, [helper, file, tag, '15', start])));
  assert.equal(outs.map((o) => o.stdout.trim()), ['ok', 'ok', 'ok', 'ok']);
  const store = new RunStore(file);
  try {
    assert.is(store.runs().length, 60);
    assert.is(store.nodeRisk({ node: 'a' }).length, 60);
  } finally {
    store.close();
  }
}));

test.run();
