/**
 * `mitigate verify ID` as the CLI runs it (in this process), against a Prometheus HTTP API on
 * loopback (a small stand-in serving query_range: the metric is 0.4 before
 * the change was applied and whatever the test sets after it) and the command
 * applier (a node one-liner that logs what it runs). A change applied with
 * --verify off is verified later: kept when better (exit 0), rolled back with
 * the applier that applied it when worse (exit 1); verifying it again once
 * rolled back is refused (exit 5); no metric source is a usage error (exit 2).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPolicy, testProposal } from '../../../twins/mitigation/decide-test-support.js';
import { readAudit, verifyAudit } from '../../mitigation/audit.js';
import { MitigationStore } from '../../mitigation/store.js';
import { recordProposal } from '../../mitigation/workflow.js';
import { exitCodeFor } from '../../errors.js';
import { quiet } from '../../test-support.js';
import { run as mitigate } from './index.js';
import { auditFile, storeFile } from './shared.js';

/** The command in this process (a CLI process per call would be most of the test's time); a thrown error gives its exit code. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await quiet(() => mitigate(args.slice(1)));
    return { code: r.value, stdout: r.out, stderr: '' };
  } catch (e) {
    return { code: exitCodeFor(e), stdout: '', stderr: (e as Error).message };
  }
}

test('verify later: kept when better (0), rolled back when worse (1), refused once rolled back (5), no source (2)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mitigate-verify-'));
  let appliedAt = Infinity;
  let after = 0.2;
  const queries: string[] = [];
  // Prometheus' query_range: one series, one value per step over [start, end].
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const start = Number(u.searchParams.get('start')), end = Number(u.searchParams.get('end')), step = Number(u.searchParams.get('step'));
    queries.push(u.searchParams.get('query') ?? '');
    const values: Array<[number, string]> = [];
    for (let t = start; t <= end; t += step) values.push([t, String(end * 1000 <= appliedAt ? 0.4 : after)]);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values }] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const log = join(dir, 'applier.log');
    const template = join(dir, 'command.json');
    const logLine = "require('fs').appendFileSync(process.argv[1], process.argv[2] + '\\n')";
    writeFileSync(template, JSON.stringify({ apply: [process.execPath, '-e', logLine, log, 'apply:{to}'], rollback: [process.execPath, '-e', logLine, log, 'rollback:{from}'] }));
    const state = join(dir, 'state');
    const store = new MitigationStore(storeFile(state));
    try {
      for (const id of ['p-good', 'p-bad']) recordProposal(store, auditFile(state), testProposal({ id, createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3600_000).toISOString() }), testPolicy());
    } finally {
      store.close();
    }
    const source = ['--prometheus', url, '--query', 'max(latency{service="{node}"})', '--window', '1s', '--step', '100ms', '--metric', 'latency_p95_s'];

    for (const id of ['p-good', 'p-bad']) {
      const applied = await cli(['mitigate', 'apply', id, '--state', state, '--applier', 'command', '--command', template, '--verify', 'off']);
      assert.is(applied.code, 0, applied.stderr);
    }
    appliedAt = Date.now() - 1; // every later window ends after the applies; the history before them reads 0.4

    const good = await cli(['mitigate', 'verify', 'p-good', '--state', state, '--command', template, ...source]);
    assert.is(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /before: \d+ point\(s\), median 0\.4 \(Prometheus .*: the 1 s before the change was applied at/);
    assert.match(good.stdout, /verify: pass → keep: median latency_p95_s 0\.2 .* not worse than before \(0\.4\)/);
    assert.match(good.stdout, /p-good: state verified/);
    assert.ok(queries.every((q) => q === 'max(latency{service="recommendation"})'), 'the node substituted into the template');

    after = 0.5;
    const bad = await cli(['mitigate', 'verify', 'p-bad', '--state', state, '--command', template, ...source, '--predicted', '0.1:0.3']);
    assert.is(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /verify: fail → rollback: median latency_p95_s 0\.5 is outside the predicted interval \[0\.1, 0\.3\]/);
    assert.match(bad.stdout, /p-bad: state rolledBack/);
    assert.equal(readFileSync(log, 'utf8').trim().split('\n'), ['apply:2', 'apply:2', 'rollback:1'], 'rolled back with the command applier that applied it');

    const again = await cli(['mitigate', 'verify', 'p-bad', '--state', state, '--command', template, ...source]);
    assert.is(again.code, 5, again.stderr);
    assert.match(again.stderr, /verify refused: proposal p-bad is rolledBack: only an applied change is verified/);

    const nosource = await cli(['mitigate', 'verify', 'p-good', '--state', state]);
    assert.is(nosource.code, 2);
    assert.match(nosource.stderr, /name the metric source/);

    const auditPath = auditFile(state);
    assert.ok(verifyAudit(auditPath).ok);
    assert.equal(readAudit(auditPath).filter((a) => a.what === 'verify').map((a) => `${a.proposal}:${a.decision}`), ['p-good:pass: keep', 'p-bad:fail: rollback', 'p-bad:refused']);
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
