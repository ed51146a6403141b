import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { appendAudit, readAudit, verifyAudit, type AuditEntry } from './audit.js';

const HELPER = join(dirname(fileURLToPath(import.meta.url)), 'audit-append-main.js');
const entry = (i: number): AuditEntry => ({ who: 'ann', what: 'approve', proposal: `p${i}`, why: `reason ${i}`, evidence: { i }, decision: 'allowed' });

async function withLog(body: (file: string) => Promise<void> | void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'audit-'));
  try {
    await body(join(dir, 'audit.jsonl'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
const setLines = (file: string, ls: string[]): void => writeFileSync(file, ls.map((l) => `${l}\n`).join(''));

test('an intact chain verifies; records carry who, what, when, why, evidence, decision', () => withLog((file) => {
  for (let i = 0; i < 5; i++) appendAudit(file, entry(i));
  assert.equal(verifyAudit(file), { ok: true, records: 5, problem: null });
  const r = readAudit(file)[3]!;
  assert.equal([r.seq, r.who, r.what, r.why, r.decision, r.evidence], [3, 'ann', 'approve', 'reason 3', 'allowed', { i: 3 }]);
  assert.match(r.at, /^\d{4}-\d\d-\d\dT/);
}));

test('an edited record is named, even when its own hash was recomputed', () => withLog((file) => {
  for (let i = 0; i < 5; i++) appendAudit(file, entry(i));
  const ls = lines(file);
  setLines(file, ls.map((l, i) => (i === 2 ? l.replace('"decision":"allowed"', '"decision":"refused"') : l)));
  assert.equal(verifyAudit(file).problem?.kind, 'edited');
  assert.is(verifyAudit(file).problem?.line, 3);
  assert.match(verifyAudit(file).problem!.message, /audit\.jsonl:3: record 2 was edited/);
}));

test('a deleted record and reordered records are named', () => withLog((file) => {
  for (let i = 0; i < 5; i++) appendAudit(file, entry(i));
  const ls = lines(file);
  setLines(file, [ls[0]!, ls[1]!, ls[3]!, ls[4]!]);
  const del = verifyAudit(file).problem!;
  assert.equal([del.kind, del.line, del.seq], ['deleted', 3, 3]);
  assert.match(del.message, /record 2 deleted before record 3/);
  setLines(file, [ls[0]!, ls[2]!, ls[1]!, ls[3]!, ls[4]!]);
  const re = verifyAudit(file).problem!;
  assert.equal([re.kind, re.line, re.seq], ['reordered', 2, 2]);
  setLines(file, ls.slice(1));
  assert.is(verifyAudit(file).problem?.kind, 'deleted', 'the first record removed');
}));

test('a torn last line is reported, and appending after it is refused', () => withLog((file) => {
  for (let i = 0; i < 3; i++) appendAudit(file, entry(i));
  appendFileSync(file, '{"seq":3,"at":"2026-01-0');
  const v = verifyAudit(file);
  assert.is(v.ok, false);
  assert.equal([v.problem?.kind, v.problem?.line, v.records], ['torn', 4, 3]);
  assert.throws(() => appendAudit(file, entry(9)), /line 4 is torn/);
  // A whole record without its line end is torn too.
  setLines(file, lines(file).slice(0, 3));
  writeFileSync(file, readFileSync(file, 'utf8').slice(0, -1));
  assert.is(verifyAudit(file).problem?.kind, 'torn');
}));

test('held to the head the store recorded: cut off, emptied, deleted or rewritten is reported; one unrecorded record past the head is accepted', () => withLog((file) => {
  const records = [0, 1, 2, 3].map((i) => appendAudit(file, entry(i)));
  const head = { records: 4, lastHash: records[3]!.hash };
  assert.equal(verifyAudit(file, head), { ok: true, records: 4, problem: null });
  const all = lines(file);
  setLines(file, all.slice(0, 2));
  assert.equal(verifyAudit(file), { ok: true, records: 2, problem: null }, 'the chain alone cannot see it');
  const cut = verifyAudit(file, head);
  assert.equal([cut.ok, cut.problem?.kind, cut.problem?.line], [false, 'truncated', 3]);
  assert.match(cut.problem!.message, /audit\.jsonl:3: the log ends after 2 record\(s\), but the store recorded 4 record\(s\), the last with hash [0-9a-f]{12}: records 2\.\.3 were cut off/);
  writeFileSync(file, '');
  assert.match(verifyAudit(file, head).problem!.message, /the log is empty, but the store recorded 4 record\(s\)/);
  rmSync(file);
  assert.throws(() => verifyAudit(file), /cannot read the audit log \(ENOENT\)/);
  assert.match(verifyAudit(file, head).problem!.message, /the log is gone, but the store recorded 4 record\(s\)/);
  // The last record rewritten as a new, self-consistent chain: the chain is intact, the head is not.
  setLines(file, all.slice(0, 3));
  appendAudit(file, { ...entry(3), why: 'rewritten' });
  const replaced = verifyAudit(file, head);
  assert.equal([replaced.problem?.kind, replaced.problem?.line], ['replaced', 4]);
  // One record past the head: a step that stopped between its append and its commit. Two: written around the store.
  setLines(file, all);
  appendAudit(file, entry(4));
  assert.equal(verifyAudit(file, head), { ok: true, records: 5, problem: null });
  appendAudit(file, entry(5));
  assert.equal([verifyAudit(file, head).problem?.kind, verifyAudit(file, head).problem?.line], ['unrecorded', 6]);
}));

test('parallel appenders from 4 processes: every record kept, the chain intact', () => withLog(async (file) => {
  const run = promisify(execFile);
  await Promise.all(['a', 'b', 'c', 'd'].map((who) => run(process.execPath, [HELPER, file, '25', who])));
  const v = verifyAudit(file);
  assert.equal(v, { ok: true, records: 100, problem: null });
  const byWho = new Map<string, number>();
  for (const r of readAudit(file)) byWho.set(r.who, (byWho.get(r.who) ?? 0) + 1);
  assert.equal([...byWho.values()], [25, 25, 25, 25]);
}));

test.run();
