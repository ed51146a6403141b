/** The `mitigate` and `audit` commands through the real CLI: exit codes, messages, the audit trail. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testProposal } from '../../../twins/mitigation/decide-test-support.js';
import { loadPolicyFile } from '../../../twins/mitigation/policy-read.js';
import { exitCodeFor } from '../../errors.js';
import { MitigationRefusedError } from '../../mitigation/refusal.js';
import { MitigationStore } from '../../mitigation/store.js';
import { recordProposal } from '../../mitigation/workflow.js';
import { auditFile, storeFile } from './shared.js';
import { withTempDir } from '../../test-support.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, '..', '..', 'cli.js');
const POLICY = resolve(HERE, '../../../../twins/examples/policy.yaml');
const SHOP = resolve(HERE, '../../../../twins/examples/shop.yaml');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    // A time limit: a reader that waits on a FIFO must fail the test, not hang it.
    execFile(process.execPath, [CLI, ...args], { timeout: 30_000 }, (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

test('a refusal is exit 5, not a usage error', () => {
  assert.is(exitCodeFor(new MitigationRefusedError('apply refused: x', 'not-approved')), 5);
});

test('approve, apply (dry-run default), list and audit verify through the CLI; refusals exit 5; a tampered log exits 3 naming the line', () => withTempDir('mitigate-cli', async (dir) => {
  const policy = await loadPolicyFile(POLICY);
  const far = new Date(Date.now() + 3600_000).toISOString();
  const store = new MitigationStore(storeFile(dir));
  try {
    recordProposal(store, auditFile(dir), testProposal({ id: 'p-auto', expiresAt: far, createdAt: new Date().toISOString() }), policy);
    recordProposal(store, auditFile(dir), testProposal({ id: 'p-big', from: 1, to: 5, expiresAt: far, createdAt: new Date().toISOString() }), policy);
    recordProposal(store, auditFile(dir), testProposal({ id: 'p-old', from: 1, to: 5, expiresAt: new Date(Date.now() - 60_000).toISOString(), createdAt: new Date(Date.now() - 3_660_000).toISOString() }), policy);
  } finally {
    store.close();
  }
  const list = await cli(['mitigate', 'list', '--state', dir]);
  assert.is(list.code, 0, list.stderr);
  assert.match(list.stdout, /p-auto\s+approved\s+.*auto-approved \(small-scale-out\)/);
  assert.match(list.stdout, /p-big\s+proposed\s/);
  // Past its expiry a proposal can no longer be approved or applied: the list says so.
  assert.match(list.stdout, /p-old\s+proposed, expired\s+.*\bexpired 20\d\d-/);
  // A mistyped --state is said as such (exit 3), not answered from an empty store made on the spot.
  const typo = await cli(['mitigate', 'list', '--state', join(dir, 'nodir')]);
  assert.is(typo.code, 3, typo.stdout);
  assert.match(typo.stderr, /--state .*nodir: no proposal store there .*'mitigate propose' creates it/);
  assert.not.ok(existsSync(join(dir, 'nodir')), 'nothing created');

  const dry = await cli(['mitigate', 'apply', 'p-auto', '--state', dir]);
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /dry run, nothing changed: set replicas of 'recommendation' from 1 to 2/);

  const ignored = await cli(['mitigate', 'apply', 'p-auto', '--state', dir, '--window', '30s', '--prometheus', 'http://127.0.0.1:9', '--query', 'up']);
  assert.is(ignored.code, 2);
  assert.match(ignored.stderr, /--window, --prometheus, --query verify a real change, and the dry-run applier changes nothing/);

  const unapproved = await cli(['mitigate', 'apply', 'p-big', '--state', dir]);
  assert.is(unapproved.code, 5);
  assert.match(unapproved.stderr, /^shadowcast mitigate apply: apply refused: proposal p-big has 0 of the 2 approval/);

  const wrongRole = await cli(['mitigate', 'approve', 'p-big', '--as', 'ann', '--role', 'intern', '--reason', 'ok', '--state', dir]);
  assert.is(wrongRole.code, 5);
  assert.match(wrongRole.stderr, /role 'intern' may not approve/);
  assert.is((await cli(['mitigate', 'approve', 'p-big', '--as', 'ann', '--role', 'sre', '--reason', 'ok', '--state', dir])).code, 0);
  const ok = await cli(['mitigate', 'approve', 'p-big', '--as', 'bob', '--role', 'oncall', '--reason', 'ok', '--state', dir]);
  assert.match(ok.stdout, /p-big: approval recorded; state approved/);
  // A person's decision on an auto-approved proposal shows in the list beside the rule.
  assert.is((await cli(['mitigate', 'approve', 'p-auto', '--as', 'carl', '--role', 'sre', '--reason', 'seen', '--state', dir])).code, 0);
  assert.match((await cli(['mitigate', 'list', '--state', dir])).stdout, /p-auto\s+\S+\s+.*\[auto-approved \(small-scale-out\) \+carl\/sre\]/);

  const missing = await cli(['mitigate', 'approve', '--as', 'x', '--role', 'sre', '--reason', 'r', '--state', dir]);
  assert.is(missing.code, 2);

  const verified = await cli(['audit', 'verify', auditFile(dir)]);
  assert.is(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /9 record\(s\), chain intact/);

  const lines = readFileSync(auditFile(dir), 'utf8').split('\n');
  lines[2] = lines[2]!.replace('"who":"shadowcast"', '"who":"mallory"');
  writeFileSync(auditFile(dir), lines.join('\n'));
  const tampered = await cli(['audit', 'verify', '--state', dir]);
  assert.is(tampered.code, 3);
  assert.match(tampered.stderr, /audit\.jsonl:3: record 2 was edited/);
}));

test('list (and every command but propose) refuses a mitigation.db that holds no store, leaving it unchanged', () => withTempDir('mitigate-cli', async (dir) => {
  writeFileSync(storeFile(dir), '');
  const r = await cli(['mitigate', 'list', '--state', dir]);
  assert.is(r.code, 3, r.stderr);
  assert.is(r.stderr.trim(), `shadowcast mitigate list: ${storeFile(dir)}: not a proposal store (none of its tables: an empty file or another SQLite database); 'mitigate propose' creates one; the file was not changed`);
  assert.is(readFileSync(storeFile(dir)).length, 0, 'still empty');
  assert.not.ok(existsSync(`${storeFile(dir)}-wal`), 'no WAL file left');
}));

test('the policy and the command template are opened like every input: a FIFO or /dev/zero is refused at once (exit 3)', () => withTempDir('mitigate-inputs', async (dir) => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  for (const policy of [fifo, '/dev/zero']) {
    const r = await cli(['mitigate', 'propose', '--twin', SHOP, '--result', join(dir, 'no-result'), '--policy', policy, '--out', join(dir, 'out'), '--state', join(dir, 'state')]);
    assert.is(r.code, 3, `${policy}: ${r.stderr}`);
    assert.match(r.stderr, /: \(file\): cannot read: not a regular file/);
    assert.not.ok(existsSync(join(dir, 'state')), 'no store started');
  }
  for (const template of [fifo, '/dev/zero']) {
    const r = await cli(['mitigate', 'apply', 'p-1', '--applier', 'command', '--command', template, '--state', dir]);
    assert.is(r.code, 3, `${template}: ${r.stderr}`);
    assert.match(r.stderr, /: \(file\): cannot read: not a regular file/);
  }
}));

test("propose refuses a --state whose mitigation.db is somebody else's SQLite database before any work, leaving it unchanged", () => withTempDir('mitigate-foreign', async (dir) => {
  const state = join(dir, 'state');
  mkdirSync(state);
  execFileSync(process.execPath, ['-e', `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(storeFile(state))}); db.exec('CREATE TABLE invoices (id INTEGER)'); db.close();`], { cwd: dirname(fileURLToPath(import.meta.url)) });
  const before = readFileSync(storeFile(state));
  // The result does not exist: the refusal must come before it is read (and long before any simulation).
  const r = await cli(['mitigate', 'propose', '--twin', SHOP, '--result', join(dir, 'no-result'), '--policy', POLICY, '--out', join(dir, 'out'), '--state', state]);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /mitigation\.db: not a proposal store \(another SQLite database: tables invoices\); the file was not changed/);
  assert.ok(readFileSync(storeFile(state)).equals(before), 'the file is unchanged');
  assert.not.ok(existsSync(join(dir, 'out')), 'nothing written');
}));

test('propose refuses a policy key that names no node of the twin (exit 3), with its line and a did-you-mean', () => withTempDir('mitigate-policy', async (dir) => {
  const text = readFileSync(POLICY, 'utf8');
  assert.match(text, /^  recommendation:$/m);
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, text.replace(/^  recommendation:$/m, '  recomendation:'));
  const line = text.split('\n').indexOf('  recommendation:') + 1;
  const r = await cli(['mitigate', 'propose', '--twin', SHOP, '--result', join(dir, 'no-result'), '--policy', policy, '--out', join(dir, 'out'), '--state', join(dir, 'state')]);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, new RegExp(`policy\\.yaml:${line}:3: nodes\\.recomendation: unknown node id "recomendation" \\(did you mean "recommendation"\\?\\)`));
}));

test('audit verify and apply hold the log to the head the store recorded: emptied, deleted or cut short is exit 3 / refused (exit 5)', () => withTempDir('mitigate-head', async (dir) => {
  const policy = await loadPolicyFile(POLICY);
  const far = new Date(Date.now() + 3600_000).toISOString();
  const store = new MitigationStore(storeFile(dir));
  try {
    for (const id of ['p-1', 'p-2']) recordProposal(store, auditFile(dir), testProposal({ id, expiresAt: far, createdAt: new Date().toISOString() }), policy);
  } finally {
    store.close();
  }
  const intact = readFileSync(auditFile(dir), 'utf8');
  const ok = await cli(['audit', 'verify', '--state', dir]);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /2 record\(s\), chain intact, as .*mitigation\.db recorded/);
  const cuts: Array<[string, () => void, RegExp]> = [
    ['emptied', () => writeFileSync(auditFile(dir), ''), /audit\.jsonl: the log is empty, but the store recorded 2 record\(s\)/],
    ['deleted', () => rmSync(auditFile(dir)), /audit\.jsonl: the log is gone, but the store recorded 2 record\(s\)/],
    ['first line kept', () => writeFileSync(auditFile(dir), intact.split('\n')[0] + '\n'), /audit\.jsonl:2: the log ends after 1 record\(s\), but the store recorded 2 record\(s\), the last with hash [0-9a-f]{12}: record 1 was cut off/],
  ];
  for (const [what, cut, message] of cuts) {
    cut();
    const verify = await cli(['audit', 'verify', '--state', dir]);
    assert.is(verify.code, 3, `${what}: ${verify.stdout}`);
    assert.match(verify.stderr, message);
    const apply = await cli(['mitigate', 'apply', 'p-1', '--state', dir]);
    assert.is(apply.code, 5, `${what}: ${apply.stdout}`);
    assert.match(apply.stderr, /apply refused: the audit log is broken: /);
  }
  // A log named on its own is held to the store beside it; a copy elsewhere to its chain alone, and said so.
  writeFileSync(auditFile(dir), intact);
  assert.match((await cli(['audit', 'verify', auditFile(dir)])).stdout, /chain intact, as .*mitigation\.db recorded/);
  const copy = join(dir, 'copy', 'audit.jsonl');
  mkdirSync(dirname(copy));
  writeFileSync(copy, intact.split('\n')[0] + '\n');
  assert.match((await cli(['audit', 'verify', copy])).stdout, /1 record\(s\), chain intact; no proposal store at .* to hold its length to/);
}));

test('a state folder whose mitigation.db is not SQLite: exit 3 naming the file, which is left as it was', () => withTempDir('mitigate-notdb', async (dir) => {
  writeFileSync(storeFile(dir), 'garbage\n');
  for (const argv of [['mitigate', 'list'], ['mitigate', 'apply', 'p-1']]) {
    const r = await cli([...argv, '--state', dir]);
    assert.is(r.code, 3, r.stderr);
    assert.match(r.stderr, /mitigation\.db: not a proposal store \(file is not a database\); the file was not changed/);
  }
  assert.is(readFileSync(storeFile(dir), 'utf8'), 'garbage\n');
  assert.not.ok(existsSync(`${storeFile(dir)}-wal`));
}));

test.run();
