/**
 * Verifying an applied change later: where "before" comes from (given, the
 * source's history before the apply, an earlier verification, none), the
 * judgement's outcomes (kept, rolled back, held), and a refusal for a
 * change that is not applied. Hand-made metric sources and appliers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TEST_NOW, TEST_POLICY_YAML, testPolicy } from '../../twins/mitigation/decide-test-support.js';
import { parsePolicyText } from '../../twins/mitigation/policy-read.js';
import type { Policy } from '../../twins/mitigation/policy.js';
import { readAudit, verifyAudit } from './audit.js';
import type { MetricWatch } from './metric-watch.js';
import { MitigationRefusedError } from './refusal.js';
import { verifyLater, type VerifyLaterOptions } from './verify-later.js';
import { withRecordedProposal } from './verify-test-support.js';

const many = (x: number, n = 10): number[] => Array.from({ length: n }, (_, i) => x + (i % 3) * 0.001);
const options: VerifyLaterOptions = { metric: 'latency_p99', predicted: { lo: 0.1, hi: 0.3 }, now: () => TEST_NOW };

interface Source { readonly after: number[]; readonly history?: number[] }

/** A proposal applied (no verification), then verified later against `sources` in turn; the state, applier calls and audit trail. */
async function later(policy: Policy, sources: readonly Source[], o: Partial<VerifyLaterOptions> = {}, apply = true) {
  return withRecordedProposal(policy, apply, async ({ store, audit, id, applier, calls }) => {
    const spans: Array<[number, number]> = [];
    const results = [];
    for (const s of sources) {
      const watch: MetricWatch = {
        source: 'test',
        watch: async () => s.after,
        ...(s.history ? { past: async (_n: string, _m: string, from: number, to: number) => { spans.push([from, to]); return s.history!; } } : {}),
      };
      results.push(await verifyLater(store, audit, id, applier, watch, { ...options, ...o }));
    }
    assert.ok(verifyAudit(audit).ok);
    return { state: store.require(id).state, calls, spans, results, audit: readAudit(audit) };
  });
}

test("before from the source's history: the window that ended at the apply; better and inside the prediction is kept", async () => {
  const r = await later(testPolicy(), [{ history: many(0.4), after: many(0.2) }]);
  assert.equal([r.state, r.calls], ['verified', ['apply']]);
  const applied = TEST_NOW.getTime();
  assert.equal(r.spans, [[applied - 60_000, applied]], "the policy's window before the apply");
  assert.is(r.results[0]!.before.median, 0.401);
  assert.match(r.results[0]!.before.source, /before the change was applied at/);
  const v = r.audit.at(-1)!;
  assert.equal([v.what, v.decision], ['verify', 'pass: keep']);
  assert.match(JSON.stringify(v.evidence), /"beforeSource":"test: the 60 s before the change was applied/);
});

test('worse than before, or outside the prediction: rolled back with the applier that applied it', async () => {
  const worse = await later(testPolicy(), [{ history: many(0.15), after: many(0.2) }]);
  assert.equal([worse.state, worse.calls], ['rolledBack', ['apply', 'rollback']]);
  assert.match(worse.results[0]!.judgement.reason, /worse than before the change/);
  const outside = await later(testPolicy(), [{ history: many(0.6), after: many(0.45) }]);
  assert.equal(outside.state, 'rolledBack');
  assert.match(outside.results[0]!.judgement.reason, /outside the predicted interval/);
  assert.equal(outside.audit.slice(-3).map((a) => `${a.what}:${a.decision}`), ['verify:fail: rollback', 'rollback:allowed', 'rollback:done']);
});

test('no before and no history: inconclusive, rolled back; held when the policy says hold, then an earlier verification supplies before', async () => {
  const none = await later(testPolicy(), [{ after: many(0.2) }]);
  assert.equal([none.state, none.results[0]!.judgement.verdict], ['rolledBack', 'inconclusive']);
  assert.match(none.results[0]!.before.source, /^none: the metric source keeps no history/);

  const hold = parsePolicyText(TEST_POLICY_YAML.replace('onNoData: rollback', 'onNoData: hold'), 'p.yaml');
  // Nothing ever measured before: inconclusive both times, held both times (never a pass).
  const r = await later(hold, [{ after: [0.2] }, { after: many(0.2) }]);
  assert.equal([r.state, r.results.map((x) => x.judgement.action)], ['applied', ['hold', 'hold']]);
  assert.is(r.results[1]!.before.median, null, 'the first found none, so none was audited');
  // Given: the first window has too few points (held), the second holds.
  const given = await later(hold, [{ after: [0.2] }, { after: many(0.2) }], { before: 0.4 });
  assert.equal(given.results.map((x) => x.judgement.action), ['hold', 'keep']);
  assert.is(given.state, 'verified');
  assert.is(given.results[1]!.before.source, 'given (--before)');
});

test('an earlier verification that measured before supplies it to a later one', async () => {
  const hold = parsePolicyText(TEST_POLICY_YAML.replace('onNoData: rollback', 'onNoData: hold'), 'p.yaml');
  // The first verification reads the history (0.4) but its window has too few points: held. The second has no history.
  const r = await later(hold, [{ history: many(0.4), after: [0.2] }, { after: many(0.2) }]);
  assert.equal(r.results.map((x) => x.judgement.action), ['hold', 'keep']);
  assert.is(r.results[1]!.before.median, 0.401);
  assert.match(r.results[1]!.before.source, /the before-window of the verification at .* \(audit log\)/);
  assert.is(r.state, 'verified');
});

test('a proposal that is not applied is refused, audited', async () => {
  await later(testPolicy(), [{ after: many(0.2) }], {}, false).then(
    () => assert.unreachable('verified an unapplied change'),
    (e: Error) => {
      assert.instance(e, MitigationRefusedError);
      assert.match(e.message, /verify refused: proposal .* is approved: only an applied change is verified/);
    },
  );
});

test.run();
