/**
 * The run store: SQLite (better-sqlite3) holding every nightly run, each
 * night's per-node risk, the forecasts each night made (quantiles only, so a
 * later night can score them) and each night's score of the *previous*
 * night's forecast against what then happened (coverage of the 80 % and 95 %
 * intervals, MASE). Trends and calibration over nights are plain queries.
 *
 * Same conventions as the mitigation store (runs/mitigation/store.ts): WAL
 * mode, a busy timeout, and every write in one IMMEDIATE transaction, so
 * several writers (two nightlies, a nightly and a `history`) can share the
 * file. The schema version is the file's `PRAGMA user_version`; it is read on
 * a read-only connection first, so a file written by a newer shadowcast is
 * refused before anything (even the WAL switch) writes to it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../usage-error.js';

export const STORE_SCHEMA_VERSION = 1;

/** Where `nightly` and `history` keep the store unless told: beside the mitigation store's `.shadowcast/mitigation/`. */
export const DEFAULT_STORE = join('.shadowcast', 'runs', 'runs.db');

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, night TEXT NOT NULL, twin TEXT NOT NULL, created_at TEXT NOT NULL, seed INTEGER NOT NULL,
  replications INTEGER NOT NULL, horizon_seconds REAL NOT NULL, threshold REAL NOT NULL, at_risk INTEGER NOT NULL,
  exit_code INTEGER NOT NULL, out_dir TEXT NOT NULL, manifest TEXT NOT NULL, level REAL);
CREATE TABLE IF NOT EXISTS node_risk (
  run_id TEXT NOT NULL, night TEXT NOT NULL, node TEXT NOT NULL, p_fail REAL NOT NULL, lo REAL NOT NULL, hi REAL NOT NULL,
  condition TEXT, ttf_p10 REAL, ttf_p50 REAL, ttf_p90 REAL, PRIMARY KEY (run_id, node));
CREATE TABLE IF NOT EXISTS forecasts (
  run_id TEXT NOT NULL, series TEXT NOT NULL, start_ms INTEGER NOT NULL, step_ms INTEGER NOT NULL, mase_scale REAL NOT NULL,
  quantiles TEXT NOT NULL, PRIMARY KEY (run_id, series));
CREATE TABLE IF NOT EXISTS forecast_scores (
  run_id TEXT NOT NULL, night TEXT NOT NULL, scored_run_id TEXT NOT NULL, scored_night TEXT NOT NULL, series TEXT NOT NULL,
  points INTEGER NOT NULL, coverage80 REAL NOT NULL, coverage95 REAL NOT NULL, mase REAL, PRIMARY KEY (run_id, series));
CREATE INDEX IF NOT EXISTS runs_by_night ON runs(twin, night);
CREATE INDEX IF NOT EXISTS node_risk_by_node ON node_risk(node, night);
`;

export interface RunRecord {
  readonly id: string;
  /** The night the run forecasts: the UTC date of the forecast's first step. */
  readonly night: string;
  readonly twin: string;
  readonly createdAt: string;
  readonly seed: number;
  readonly replications: number;
  readonly horizonSeconds: number;
  readonly threshold: number;
  /**
   * The level of the run's P(fail) intervals (the config's risk.level, e.g.
   * 0.95); null for a run recorded before the store kept it (level unknown).
   */
  readonly level: number | null;
  /** Nodes whose P(fail) upper bound exceeded the threshold. */
  readonly atRisk: number;
  readonly exitCode: number;
  readonly outDir: string;
  /** The run's manifest.json, as text. */
  readonly manifest: string;
}

export interface NodeRiskRecord {
  readonly runId: string;
  readonly night: string;
  readonly node: string;
  readonly pFail: number;
  readonly lo: number;
  readonly hi: number;
  readonly condition: string | null;
  readonly timeToFailure: { readonly p10: number; readonly p50: number; readonly p90: number } | null;
}

/** A forecast as a later night needs it to score it: quantiles by level ("0.1" -> values) on its own time grid. */
export interface StoredForecast {
  readonly runId: string;
  readonly series: string;
  readonly startMs: number;
  readonly stepMs: number;
  /** MASE denominator from the history the forecast was made from. */
  readonly maseScale: number;
  readonly quantiles: Readonly<Record<string, readonly number[]>>;
}

export interface ScoreRecord {
  /** The run that did the scoring (tonight). */
  readonly runId: string;
  readonly night: string;
  /** The run whose forecast was scored (last night). */
  readonly scoredRunId: string;
  readonly scoredNight: string;
  readonly series: string;
  readonly points: number;
  readonly coverage80: number;
  readonly coverage95: number;
  readonly mase: number | null;
}

interface RunRow { id: string; night: string; twin: string; created_at: string; seed: number; replications: number; horizon_seconds: number; threshold: number; at_risk: number; exit_code: number; out_dir: string; manifest: string; level?: number | null }
interface NodeRow { run_id: string; night: string; node: string; p_fail: number; lo: number; hi: number; condition: string | null; ttf_p10: number | null; ttf_p50: number | null; ttf_p90: number | null }
interface ForecastRow { run_id: string; series: string; start_ms: number; step_ms: number; mase_scale: number; quantiles: string }
interface ScoreRow { run_id: string; night: string; scored_run_id: string; scored_night: string; series: string; points: number; coverage80: number; coverage95: number; mase: number | null }

/** The tables of a run store: a file without them is not one (an empty file, another SQLite database). */
const STORE_TABLES = ['runs', 'node_risk', 'forecasts', 'forecast_scores'] as const;

/**
 * Reads the schema version of an existing file without writing to it; refuses
 * a newer one or a file that is not a store. `mustHoldStore` (a reader): an
 * SQLite file without the store's tables is refused too, instead of being
 * given them.
 */
function checkVersion(file: string, mustHoldStore: boolean): void {
  if (!existsSync(file)) return;
  let version: number;
  let missing: string[];
  try {
    const ro = new Database(file, { readonly: true, fileMustExist: true });
    try {
      version = ro.pragma('user_version', { simple: true }) as number;
      const have = new Set((ro.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
      missing = STORE_TABLES.filter((t) => !have.has(t));
    } finally {
      ro.close();
    }
  } catch (e) {
    throw new InputError(`${file}: not a run store (${(e as Error).message}); the file was not changed`);
  }
  if (version > STORE_SCHEMA_VERSION) {
    throw new InputError(`${file}: run store schema version ${version} is newer than this shadowcast reads (${STORE_SCHEMA_VERSION}); use a newer shadowcast or another --store. The file was not changed`);
  }
  if (mustHoldStore && missing.length > 0) {
    const what = missing.length === STORE_TABLES.length ? 'none of its tables: an empty file or another SQLite database' : `tables missing: ${missing.join(', ')}`;
    throw new InputError(`${file}: not a run store (${what}); a nightly run creates one; the file was not changed`);
  }
}

export class RunStore {
  private readonly db: Database.Database;

  /**
   * Opens the store, creating it (or its tables) when needed, except with
   * `readOnly` (`history`): then the file must be a store already, and it is
   * opened read-only, so a query never writes into a file the user named.
   */
  constructor(readonly file: string, busyTimeoutMs = 10_000, options: { readonly readOnly?: boolean } = {}) {
    const path = resolve(file);
    checkVersion(path, options.readOnly === true);
    if (options.readOnly) {
      this.db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
      return;
    }
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { timeout: busyTimeoutMs });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`busy_timeout = ${Math.round(busyTimeoutMs)}`);
      this.db.pragma('synchronous = FULL');
      this.transaction(() => {
        // Checked again under the write lock: another process may have created the file meanwhile.
        const v = this.db.pragma('user_version', { simple: true }) as number;
        if (v > STORE_SCHEMA_VERSION) throw new InputError(`${file}: run store schema version ${v} is newer than this shadowcast reads (${STORE_SCHEMA_VERSION}); the file was not changed`);
        this.db.exec(SCHEMA);
        // A store written before runs had a level column: add it (nullable; those runs' level stays unknown).
        const columns = (this.db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name);
        if (!columns.includes('level')) this.db.exec('ALTER TABLE runs ADD COLUMN level REAL');
        if (v < STORE_SCHEMA_VERSION) this.db.pragma(`user_version = ${STORE_SCHEMA_VERSION}`);
      });
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  close(): void {
    this.db.close();
  }

  /** Runs fn in an IMMEDIATE transaction: the write lock first, then the reads it decides on. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Records one night whole (a resumed run replaces its own rows): the run, its node risk, its forecasts, its scores of last night. */
  recordNight(run: RunRecord, nodes: readonly NodeRiskRecord[], forecasts: readonly StoredForecast[], scores: readonly ScoreRecord[]): void {
    this.transaction(() => {
      for (const t of ['node_risk', 'forecasts', 'forecast_scores']) this.db.prepare(`DELETE FROM ${t} WHERE run_id = ?`).run(run.id);
      this.db.prepare('INSERT OR REPLACE INTO runs (id, night, twin, created_at, seed, replications, horizon_seconds, threshold, at_risk, exit_code, out_dir, manifest, level) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)')
        .run(run.id, run.night, run.twin, run.createdAt, run.seed, run.replications, run.horizonSeconds, run.threshold, run.atRisk, run.exitCode, run.outDir, run.manifest, run.level);
      const node = this.db.prepare('INSERT INTO node_risk (run_id, night, node, p_fail, lo, hi, condition, ttf_p10, ttf_p50, ttf_p90) VALUES (?,?,?,?,?,?,?,?,?,?)');
      for (const n of nodes) node.run(n.runId, n.night, n.node, n.pFail, n.lo, n.hi, n.condition, n.timeToFailure?.p10 ?? null, n.timeToFailure?.p50 ?? null, n.timeToFailure?.p90 ?? null);
      const fc = this.db.prepare('INSERT INTO forecasts (run_id, series, start_ms, step_ms, mase_scale, quantiles) VALUES (?,?,?,?,?,?)');
      for (const f of forecasts) fc.run(f.runId, f.series, f.startMs, f.stepMs, f.maseScale, JSON.stringify(f.quantiles));
      const sc = this.db.prepare('INSERT INTO forecast_scores (run_id, night, scored_run_id, scored_night, series, points, coverage80, coverage95, mase) VALUES (?,?,?,?,?,?,?,?,?)');
      for (const s of scores) sc.run(s.runId, s.night, s.scoredRunId, s.scoredNight, s.series, s.points, s.coverage80, s.coverage95, s.mase);
    });
  }

  /** Runs, newest night first (ties: newest created first); of one twin when given. */
  runs(opts: { readonly twin?: string; readonly limit?: number } = {}): RunRecord[] {
    const rows = this.db.prepare(`SELECT * FROM runs ${opts.twin !== undefined ? 'WHERE twin = @twin' : ''} ORDER BY night DESC, created_at DESC LIMIT @limit`)
      .all({ ...(opts.twin !== undefined ? { twin: opts.twin } : {}), limit: opts.limit ?? -1 }) as RunRow[];
    return rows.map(fromRunRow);
  }

  /** The latest run of `twin` for a night before `night` (the one tonight compares with), or null. */
  previousRun(twin: string, night: string, excludeId: string): RunRecord | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE twin = ? AND night < ? AND id <> ? ORDER BY night DESC, created_at DESC LIMIT 1').get(twin, night, excludeId) as RunRow | undefined;
    return row ? fromRunRow(row) : null;
  }

  /** Per-node risk, newest night first; one node's trend when `node` is given. */
  nodeRisk(opts: { readonly node?: string; readonly runId?: string; readonly limit?: number } = {}): NodeRiskRecord[] {
    const where = [opts.node !== undefined ? 'node = @node' : '', opts.runId !== undefined ? 'run_id = @runId' : ''].filter(Boolean);
    const rows = this.db.prepare(`SELECT node_risk.* FROM node_risk JOIN runs ON runs.id = node_risk.run_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY node_risk.night DESC, runs.created_at DESC, node LIMIT @limit`)
      .all({ ...(opts.node !== undefined ? { node: opts.node } : {}), ...(opts.runId !== undefined ? { runId: opts.runId } : {}), limit: opts.limit ?? -1 }) as NodeRow[];
    return rows.map((r) => ({
      runId: r.run_id, night: r.night, node: r.node, pFail: r.p_fail, lo: r.lo, hi: r.hi, condition: r.condition,
      timeToFailure: r.ttf_p50 === null ? null : { p10: r.ttf_p10!, p50: r.ttf_p50, p90: r.ttf_p90! },
    }));
  }

  forecasts(runId: string): StoredForecast[] {
    return (this.db.prepare('SELECT * FROM forecasts WHERE run_id = ? ORDER BY series').all(runId) as ForecastRow[]).map((r) => ({
      runId: r.run_id, series: r.series, startMs: r.start_ms, stepMs: r.step_ms, maseScale: r.mase_scale,
      quantiles: JSON.parse(r.quantiles) as Record<string, number[]>,
    }));
  }

  /** Scores of past forecasts, newest night first (ties: newest run first, as runs()); of one twin's runs when given. */
  scores(opts: { readonly twin?: string; readonly limit?: number } = {}): ScoreRecord[] {
    const rows = this.db.prepare(`SELECT forecast_scores.* FROM forecast_scores JOIN runs ON runs.id = forecast_scores.run_id ${opts.twin !== undefined ? 'WHERE runs.twin = @twin' : ''} ORDER BY forecast_scores.night DESC, runs.created_at DESC, series LIMIT @limit`)
      .all({ ...(opts.twin !== undefined ? { twin: opts.twin } : {}), limit: opts.limit ?? -1 }) as ScoreRow[];
    return rows.map((r) => ({ runId: r.run_id, night: r.night, scoredRunId: r.scored_run_id, scoredNight: r.scored_night, series: r.series, points: r.points, coverage80: r.coverage80, coverage95: r.coverage95, mase: r.mase }));
  }
}

function fromRunRow(r: RunRow): RunRecord {
  return {
    id: r.id, night: r.night, twin: r.twin, createdAt: r.created_at, seed: r.seed, replications: r.replications, horizonSeconds: r.horizon_seconds,
    threshold: r.threshold, level: r.level ?? null, atRisk: r.at_risk, exitCode: r.exit_code, outDir: r.out_dir, manifest: r.manifest,
  };
}
