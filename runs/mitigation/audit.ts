/**
 * The audit log of the mitigation workflow: append-only JSONL, one record a
 * line: who did what, when, why, on what evidence, and what was decided.
 * Each record carries its position (`seq`), the SHA-256 of the previous line
 * (`prev`) and the SHA-256 of its own content (`hash`), so `verifyAudit`
 * names the first record that was edited (its hash no longer matches, or the
 * next record's `prev` does not), deleted (a gap in `seq`) or reordered
 * (`seq` goes back).
 *
 * Concurrent appends (several `mitigate` commands at once, from any process)
 * are serialised by an exclusive lock file beside the log (created with
 * O_EXCL; a lock whose owner is dead is taken over); under the lock the
 * appender reads the last line, and writes its whole record with one
 * O_APPEND write. A torn last line (a crash mid-write) is never silently
 * accepted: `verifyAudit` reports it, and appending refuses until a person
 * has looked at it (the message says how to set it aside).
 *
 * What a hash chain cannot show without an anchor outside the file: that the
 * newest records were cut off (or the whole log emptied, deleted, or
 * replaced by a shorter chain). The anchor is the proposal store: it records
 * the log's head (how many records, the last one's hash) in the same
 * transaction as each append (runs/mitigation/workflow.ts, appendAudited),
 * and `verifyAudit(file, head)` holds the log to it.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeSync, constants, fstatSync } from 'node:fs';
import { canonicalJson } from '../../twins/mitigation/decide-hash.js';

export const GENESIS = '0'.repeat(64);

export interface AuditEntry {
  /** A person (--as NAME) or the engine (`shadowcast`). */
  readonly who: string;
  /** What was attempted: propose, approve, reject, apply, rollback, verify. */
  readonly what: string;
  readonly proposal: string | null;
  /** Why: the person's reason, or the policy's. */
  readonly why: string;
  /** What it rests on: the decision's basis, the applier's description, the metrics verified. */
  readonly evidence: unknown;
  /** allowed, refused, done, failed, rolledBack, held... */
  readonly decision: string;
}

export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly prev: string;
  readonly hash: string;
}

export class AuditError extends Error {
  override readonly name = 'AuditError';
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const contentHash = (r: Omit<AuditRecord, 'hash'>): string => sha256(canonicalJson(r));
const sleep = (ms: number): void => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };

/** The pid written in a lock file; 0 while it is being written; null when the file is gone. */
function lockOwner(lockFile: string): number | null {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes a lock whose owner `dead` has died. Between reading the pid and
 * removing the file, the dead owner's lock may have been released and a live
 * process may have taken a new one; unlinking by name would then delete the
 * live lock and let two writers in. So the lock is first renamed away
 * (atomic), and the renamed file's pid decides: the dead one's is deleted;
 * a live one's is put back with link(), which fails rather than overwrite.
 */
function takeOverStale(lockFile: string, dead: number): void {
  const aside = `${lockFile}.stale-${process.pid}`;
  try {
    renameSync(lockFile, aside);
  } catch {
    return; // gone already: another process took it over
  }
  if (lockOwner(aside) !== dead) {
    try { linkSync(aside, lockFile); } catch { /* a newer lock exists: its holder keeps it */ }
  }
  try { unlinkSync(aside); } catch { /* removed already */ }
}

/** Runs `body` holding FILE.lock; waits up to timeoutMs for another holder. */
export function withAuditLock<T>(file: string, body: () => T, timeoutMs = 10_000): T {
  const lockFile = `${file}.lock`;
  const deadline = Date.now() + timeoutMs;
  let fd: number | null = null;
  for (let wait = 1; fd === null; wait = Math.min(wait * 2, 50)) {
    try {
      fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = lockOwner(lockFile);
      if (owner === null) continue; // released meanwhile
      if (owner > 0 && !processAlive(owner)) {
        takeOverStale(lockFile, owner);
        continue;
      }
      if (Date.now() > deadline) throw new AuditError(`${lockFile}: held by another process for more than ${timeoutMs} ms`);
      sleep(wait + Math.random() * wait);
    }
  }
  try {
    return body();
  } finally {
    closeSync(fd);
    // Only our own lock is removed (a stale-lock takeover elsewhere must not make us delete a successor's).
    if (lockOwner(lockFile) === process.pid) unlinkSync(lockFile);
  }
}

/** The text of the last line and whether the file ends in a newline; null when the file is empty or absent. */
function lastLine(file: string): { text: string; complete: boolean; lineNo: number } | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return null;
    // Records are small; the whole file is read only to count lines for the message when needed.
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, 0);
    const text = buf.toString('utf8');
    const complete = text.endsWith('\n');
    const lines = (complete ? text.slice(0, -1) : text).split('\n');
    return { text: lines[lines.length - 1]!, complete, lineNo: lines.length };
  } finally {
    closeSync(fd);
  }
}

/** Appends one record under the lock; returns it. Refuses when the log's last line is torn or not a record. */
export function appendAudit(file: string, entry: AuditEntry, now: Date = new Date()): AuditRecord {
  return withAuditLock(file, () => {
    const last = lastLine(file);
    let seq = 0;
    let prev = GENESIS;
    if (last !== null) {
      let parsed: Partial<AuditRecord> | null = null;
      try { parsed = JSON.parse(last.text) as Partial<AuditRecord>; } catch { parsed = null; }
      if (!last.complete || parsed === null || typeof parsed.seq !== 'number') {
        throw new AuditError(`${file}: line ${last.lineNo} is torn (an incomplete write, e.g. a crash): refusing to append after it; run 'shadowcast audit verify ${file}', keep a copy, and remove the torn line by hand once it is understood`);
      }
      seq = parsed.seq + 1;
      prev = sha256(last.text);
    }
    const body: Omit<AuditRecord, 'hash'> = { seq, at: now.toISOString(), who: entry.who, what: entry.what, proposal: entry.proposal, why: entry.why, evidence: entry.evidence ?? null, decision: entry.decision, prev };
    const record: AuditRecord = { ...body, hash: contentHash(body) };
    const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644);
    try {
      writeSync(fd, `${JSON.stringify(record)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return record;
  });
}

/**
 * What the proposal store recorded of the log after its last append: how many
 * records it had, and the `hash` of the last one.
 */
export interface AuditHead {
  readonly records: number;
  readonly lastHash: string;
}

/**
 * `truncated`: fewer records than the store's head (cut off, emptied,
 * deleted); `replaced`: the record at the head is another one (the log was
 * rewritten from there); `unrecorded`: more than one record past the head.
 */
export type AuditProblemKind = 'edited' | 'deleted' | 'reordered' | 'torn' | 'malformed' | 'truncated' | 'replaced' | 'unrecorded';

export interface AuditVerdict {
  readonly ok: boolean;
  /** Complete, intact records before the first problem. */
  readonly records: number;
  /** The first problem: its 1-based line, the record's seq when known, what happened. */
  readonly problem: { readonly line: number; readonly seq: number | null; readonly kind: AuditProblemKind; readonly message: string } | null;
}

const short = (hash: string): string => hash.slice(0, 12);

/**
 * Checks the whole chain; names the first record that was edited, deleted or
 * reordered, or a torn last line. Given the head the store recorded, the log
 * must also reach it: at least that many records, the one at the head with
 * its hash. One record past the head is accepted (a step that stopped between
 * its append and its commit: the store records the new head at the next
 * append); more are not.
 */
export function verifyAudit(file: string, head: AuditHead | null = null): AuditVerdict {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && head !== null) {
      return { ok: false, records: 0, problem: { line: 1, seq: null, kind: 'truncated', message: `${file}: the log is gone, but the store recorded ${head.records} record(s), the last with hash ${short(head.lastHash)}: it was deleted or moved` } };
    }
    throw new AuditError(`${file}: cannot read the audit log (${code ?? (e as Error).message})`);
  }
  if (text === '') {
    if (head !== null && head.records > 0) return { ok: false, records: 0, problem: { line: 1, seq: null, kind: 'truncated', message: `${file}: the log is empty, but the store recorded ${head.records} record(s), the last with hash ${short(head.lastHash)}: it was emptied` } };
    return { ok: true, records: 0, problem: null };
  }
  const complete = text.endsWith('\n');
  const lines = (complete ? text.slice(0, -1) : text).split('\n');
  let prev = GENESIS;
  const fail = (i: number, seq: number | null, kind: AuditProblemKind, message: string): AuditVerdict => ({ ok: false, records: i, problem: { line: i + 1, seq, kind, message: `${file}:${i + 1}: ${message}` } });
  let headHash: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const torn = i === lines.length - 1 && !complete;
    let r: AuditRecord;
    try {
      r = JSON.parse(line) as AuditRecord;
      if (typeof r !== 'object' || r === null || typeof r.seq !== 'number' || typeof r.hash !== 'string' || typeof r.prev !== 'string') throw new Error('not a record');
    } catch {
      return torn
        ? fail(i, null, 'torn', 'the last line is torn (an incomplete write, e.g. a crash); it is not accepted as a record')
        : fail(i, null, 'malformed', 'not an audit record (edited, or two writes interleaved)');
    }
    if (torn) return fail(i, r.seq, 'torn', `record ${r.seq} has no line end (an incomplete write); it is not accepted`);
    const { hash, ...body } = r;
    if (contentHash(body) !== hash) return fail(i, r.seq, 'edited', `record ${r.seq} was edited: its content no longer matches its hash`);
    if (r.seq !== i) {
      // Record i further down (or already seen) means the lines were moved; nowhere means it was removed.
      const laterSeqs = lines.slice(i + 1).map(seqOf);
      if (r.seq < i || laterSeqs.includes(i)) return fail(i, r.seq, 'reordered', `record ${r.seq} is out of order (expected record ${i} here)`);
      return fail(i, r.seq, 'deleted', `record${r.seq - i > 1 ? `s ${i}..${r.seq - 1}` : ` ${i}`} deleted before record ${r.seq}`);
    }
    if (r.prev !== prev) return fail(i, r.seq, 'edited', `record ${r.seq} does not follow the line before it (its prev hash differs): record ${i - 1} was edited or replaced`);
    prev = sha256(line);
    if (head !== null && i === head.records - 1) headHash = hash;
  }
  const records = lines.length;
  if (head !== null && head.records > 0) {
    const recorded = `the store recorded ${head.records} record(s), the last with hash ${short(head.lastHash)}`;
    if (records < head.records) {
      return fail(records, null, 'truncated', `the log ends after ${records} record(s), but ${recorded}: record${head.records - records > 1 ? `s ${records}..${head.records - 1} were` : ` ${records} was`} cut off`);
    }
    if (headHash !== head.lastHash) {
      return fail(head.records - 1, head.records - 1, 'replaced', `record ${head.records - 1} has hash ${short(headHash ?? '')}, but ${recorded}: the log was replaced or rewritten from there`);
    }
    if (records > head.records + 1) {
      const extra = records - 1 > head.records + 1 ? `records ${head.records + 1}..${records - 1} were` : `record ${head.records + 1} was`;
      return fail(head.records + 1, head.records + 1, 'unrecorded', `${extra} written around the workflow: ${recorded}, and only one more (a step stopped between its append and its commit) is accepted`);
    }
  }
  return { ok: true, records, problem: null };
}

/** Every complete record, for `mitigate list` and tests; the chain is not checked here. */
export function readAudit(file: string): AuditRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return text.split('\n').filter((l) => l !== '').flatMap((l) => { try { return [JSON.parse(l) as AuditRecord]; } catch { return []; } });
}

function seqOf(line: string): number | null {
  try {
    const seq: unknown = (JSON.parse(line) as { seq?: unknown }).seq;
    return typeof seq === 'number' ? seq : null;
  } catch {
    return null;
  }
}
