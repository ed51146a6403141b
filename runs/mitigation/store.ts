/**
 * The proposal store: SQLite (better-sqlite3) holding proposals, the policy
 * each was recorded under, approvals, applications and every state change.
 * WAL mode and a busy timeout let several `mitigate` commands work on one
 * file at once; every decision that changes state runs in an IMMEDIATE
 * transaction (the write lock is taken before the state is read), so two
 * commands racing to apply the same proposal cannot both see it unapplied:
 * exactly one wins, the other is refused with the state the winner wrote.
 *
 * It also keeps the audit log's head (records and the last one's hash),
 * written in the transaction of each append (workflow.ts, appendAudited):
 * the anchor outside the log that shows records cut off its end. A store
 * made before heads were kept has none until its next append.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ApprovalRecord, Decision } from '../../twins/mitigation/decide.js';
import type { Policy } from '../../twins/mitigation/policy.js';
import type { Proposal, ProposalState } from '../../twins/mitigation/types.js';
import type { AuditHead } from './audit.js';

export interface StoredProposal {
  readonly proposal: Proposal;
  /** Content hash when it was recorded (proposalContentHash); approvals bind to it. */
  readonly hash: string;
  readonly proposer: string;
  /** The policy it was recorded under: every later decision on it uses this one. */
  readonly policy: Policy;
  readonly state: ProposalState;
  readonly updatedAt: string;
}

export interface ApplicationRecord {
  readonly proposalId: string;
  readonly kind: 'apply' | 'rollback';
  readonly applier: string;
  readonly at: string;
  readonly by: string;
  /** What the applier did (its description), or why it failed. */
  readonly detail: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS proposals (
  id TEXT PRIMARY KEY, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, proposer TEXT NOT NULL,
  content_hash TEXT NOT NULL, body TEXT NOT NULL, policy TEXT NOT NULL, state TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS approvals (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, proposal_id TEXT NOT NULL, proposal_hash TEXT NOT NULL, by TEXT NOT NULL,
  role TEXT NOT NULL, decision TEXT NOT NULL CHECK (decision IN ('approve','reject')), reason TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS applications (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, proposal_id TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('apply','rollback')),
  applier TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS states (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, proposal_id TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL, why TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1), records INTEGER NOT NULL, last_hash TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS approvals_by_proposal ON approvals(proposal_id);
CREATE INDEX IF NOT EXISTS applications_at ON applications(at);
`;

export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** A file that is not SQLite, or is damaged, as bad input naming it (as the run store says it); any other error as it is. */
function openError(file: string, e: unknown): unknown {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' ? new StoreError(`${file}: not a proposal store (${(e as Error).message}); the file was not changed`) : e;
}

interface ProposalRow { id: string; proposer: string; content_hash: string; body: string; policy: string; state: string; updated_at: string }
interface ApprovalRow { proposal_id: string; proposal_hash: string; by: string; role: string; decision: 'approve' | 'reject'; reason: string; at: string }
interface ApplicationRow { proposal_id: string; kind: 'apply' | 'rollback'; applier: string; at: string; by: string; detail: string }

/** The tables of a proposal store: a file without them is not one (an empty file, another SQLite database). */
const STORE_TABLES = ['proposals', 'approvals', 'applications', 'states'] as const;

/** The tables of an existing SQLite file, read without writing to it; a file that is not SQLite is refused as no store. */
function tablesOf(file: string): string[] {
  try {
    const ro = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (ro.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    } finally {
      ro.close();
    }
  } catch (e) {
    throw new StoreError(`${file}: not a proposal store (${(e as Error).message}); the file was not changed`);
  }
}

/** Refuses, without writing to it, a file that does not hold a proposal store. */
function checkHoldsStore(file: string): void {
  const have = new Set(tablesOf(file));
  const missing = STORE_TABLES.filter((t) => !have.has(t));
  if (missing.length > 0) {
    const what = missing.length === STORE_TABLES.length ? 'none of its tables: an empty file or another SQLite database' : `tables missing: ${missing.join(', ')}`;
    throw new StoreError(`${file}: not a proposal store (${what}); 'mitigate propose' creates one; the file was not changed`);
  }
}

/**
 * Refuses, without writing to it, a file where `propose` would start a store
 * but that is somebody else's: not SQLite, or a SQLite database with tables
 * and none of the store's. A missing file, an empty database, or a store
 * (complete or not) passes. `propose` calls it before its simulation, so a
 * wrong --state is said at once, not after minutes of work.
 */
export function checkStoreFileForCreate(file: string): void {
  if (!existsSync(file)) return;
  const tables = tablesOf(file);
  const ours = new Set<string>(STORE_TABLES);
  if (tables.length > 0 && !tables.some((t) => ours.has(t))) {
    throw new StoreError(`${file}: not a proposal store (another SQLite database: tables ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}); the file was not changed; name another --state folder`);
  }
}

export class MitigationStore {
  private readonly db: Database.Database;

  /**
   * Opens the store, creating it when needed, except with `existing` (every
   * command but `propose`): then the file must hold a store already, and one
   * that does not is refused before anything writes to it (the schema is not
   * planted into a file the user named by mistake).
   */
  constructor(readonly file: string, busyTimeoutMs = 10_000, options: { readonly existing?: boolean } = {}) {
    if (options.existing) checkHoldsStore(file);
    else checkStoreFileForCreate(file);
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: busyTimeoutMs });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`busy_timeout = ${Math.round(busyTimeoutMs)}`);
      this.db.pragma('synchronous = FULL');
      this.db.exec(SCHEMA);
    } catch (e) {
      this.db.close();
      // A file that is not SQLite (or is damaged) fails at the first statement, before anything is written.
      throw openError(file, e);
    }
  }

  close(): void {
    this.db.close();
  }

  /** Runs fn in an IMMEDIATE transaction: the write lock first, then the reads it decides on. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  insertProposal(p: Proposal, hash: string, proposer: string, policy: Policy, state: ProposalState, now: Date): void {
    const at = now.toISOString();
    try {
      this.db.prepare('INSERT INTO proposals (id, created_at, expires_at, proposer, content_hash, body, policy, state, updated_at) VALUES (?,?,?,?,?,?,?,?,?)')
        .run(p.id, p.createdAt, p.expiresAt, proposer, hash, JSON.stringify(p), JSON.stringify(policy), state, at);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new StoreError(`proposal ${p.id} is already recorded`);
      throw e;
    }
    this.db.prepare('INSERT INTO states (proposal_id, from_state, to_state, at, by, why) VALUES (?,?,?,?,?,?)').run(p.id, null, state, at, proposer, 'recorded');
  }

  get(id: string): StoredProposal | null {
    const row = this.db.prepare('SELECT * FROM proposals WHERE id = ?').get(id) as ProposalRow | undefined;
    return row === undefined ? null : this.fromRow(row);
  }

  /** The proposal, or a StoreError naming the id. */
  require(id: string): StoredProposal {
    const p = this.get(id);
    if (p === null) throw new StoreError(`no proposal ${id} in ${this.file} ('shadowcast mitigate list' shows them)`);
    return p;
  }

  list(): StoredProposal[] {
    return (this.db.prepare('SELECT * FROM proposals ORDER BY created_at, id').all() as ProposalRow[]).map((r) => this.fromRow(r));
  }

  setState(id: string, to: ProposalState, by: string, why: string, now: Date): void {
    const from = this.require(id).state;
    const at = now.toISOString();
    this.db.prepare('UPDATE proposals SET state = ?, updated_at = ? WHERE id = ?').run(to, at, id);
    this.db.prepare('INSERT INTO states (proposal_id, from_state, to_state, at, by, why) VALUES (?,?,?,?,?,?)').run(id, from, to, at, by, why);
  }

  /** State changes of one proposal, oldest first. */
  history(id: string): Array<{ from: ProposalState | null; to: ProposalState; at: string; by: string; why: string }> {
    return (this.db.prepare('SELECT from_state, to_state, at, by, why FROM states WHERE proposal_id = ? ORDER BY seq').all(id) as Array<{ from_state: string | null; to_state: string; at: string; by: string; why: string }>)
      .map((r) => ({ from: r.from_state as ProposalState | null, to: r.to_state as ProposalState, at: r.at, by: r.by, why: r.why }));
  }

  addApproval(a: ApprovalRecord): void {
    this.db.prepare('INSERT INTO approvals (proposal_id, proposal_hash, by, role, decision, reason, at) VALUES (?,?,?,?,?,?,?)')
      .run(a.proposalId, a.proposalHash, a.by, a.role, a.decision, a.reason, a.at);
  }

  approvals(id: string): ApprovalRecord[] {
    return (this.db.prepare('SELECT * FROM approvals WHERE proposal_id = ? ORDER BY seq').all(id) as ApprovalRow[])
      .map((r) => ({ proposalId: r.proposal_id, proposalHash: r.proposal_hash, by: r.by, role: r.role, decision: r.decision, reason: r.reason, at: r.at }));
  }

  addApplication(a: ApplicationRecord): void {
    this.db.prepare('INSERT INTO applications (proposal_id, kind, applier, at, by, detail) VALUES (?,?,?,?,?,?)').run(a.proposalId, a.kind, a.applier, a.at, a.by, a.detail);
  }

  applications(id: string): ApplicationRecord[] {
    return (this.db.prepare('SELECT * FROM applications WHERE proposal_id = ? ORDER BY seq').all(id) as ApplicationRow[])
      .map((r) => ({ proposalId: r.proposal_id, kind: r.kind, applier: r.applier, at: r.at, by: r.by, detail: r.detail }));
  }

  /** When changes (applies and rollbacks, of any proposal) were made since `since`. */
  changesSince(since: Date): Date[] {
    return (this.db.prepare('SELECT at FROM applications WHERE at > ? ORDER BY at').all(since.toISOString()) as Array<{ at: string }>).map((r) => new Date(r.at));
  }

  /** The audit log's head as of the last append this store recorded; null for a store made before heads were kept (or with no append yet). */
  auditHead(): AuditHead | null {
    const row = this.db.prepare('SELECT records, last_hash FROM audit_head WHERE id = 1').get() as { records: number; last_hash: string } | undefined;
    return row === undefined ? null : { records: row.records, lastHash: row.last_hash };
  }

  /** Records the log's head after an append; call inside the transaction that appended. */
  setAuditHead(head: AuditHead, now: Date): void {
    this.db.prepare('INSERT INTO audit_head (id, records, last_hash, at) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET records = excluded.records, last_hash = excluded.last_hash, at = excluded.at')
      .run(head.records, head.lastHash, now.toISOString());
  }

  /**
   * Decides and claims in one IMMEDIATE transaction: `decide` sees the state
   * as no other command can change it; when it allows, `claim` writes the new
   * state before the lock is released.
   */
  decideAndClaim(id: string, decide: (p: StoredProposal) => Decision, claim: (p: StoredProposal, d: Decision & { allowed: true }) => void): Decision {
    return this.transaction(() => {
      const p = this.require(id);
      const d = decide(p);
      if (d.allowed) claim(p, d);
      return d;
    });
  }

  private fromRow(r: ProposalRow): StoredProposal {
    return { proposal: JSON.parse(r.body) as Proposal, hash: r.content_hash, proposer: r.proposer, policy: JSON.parse(r.policy) as Policy, state: r.state as ProposalState, updatedAt: r.updated_at };
  }
}

/**
 * The audit head a store file recorded, read without writing to it (`audit
 * verify` checks; it changes nothing): null when the store keeps none (made
 * before heads were kept). A file that is not SQLite is a StoreError.
 */
export function readAuditHead(file: string): AuditHead | null {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit_head'").get();
    if (table === undefined) return null;
    const row = db.prepare('SELECT records, last_hash FROM audit_head WHERE id = 1').get() as { records: number; last_hash: string } | undefined;
    return row === undefined ? null : { records: row.records, lastHash: row.last_hash };
  } catch (e) {
    throw openError(file, e);
  } finally {
    db?.close();
  }
}
