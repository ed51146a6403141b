import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TwinSpecError } from '../definition/errors.js';
import { DEFAULT_PRICES, priceCost } from './cost.js';
import { inChangeWindow, rulesFor } from './policy.js';
import { parsePolicyText } from './policy-read.js';
import { TEST_POLICY_YAML, testPolicy } from './decide-test-support.js';

test('the test policy reads with its defaults and node fallback', () => {
  const p = testPolicy();
  assert.equal(p.approvals, { roles: ['sre'], required: 2, expiresAfterSeconds: 3600 });
  assert.equal(p.verify, { windowSeconds: 60, minPoints: 5, onNoData: 'rollback' });
  assert.equal(rulesFor(p, 'cart')?.bounds.replicas, { min: 1, max: 4 });
  assert.is(rulesFor(p, 'recommendation')?.bounds.replicas?.maxStep, 3);
  assert.is(p.autoApprove[0]!.requireExcludesNoImprovement, true);
});

test('approvals.expiresAfter sets how long a proposal stays open; a bad one is located', () => {
  const text = (v: string) => `nodes:\n  cart:\n    actions: [scaleOut]\napprovals: { roles: [sre], required: 1, expiresAfter: ${v} }\nmaxChangesPerHour: 2\n`;
  assert.is(parsePolicyText(text('4h'), 'p.yaml').approvals.expiresAfterSeconds, 4 * 3600);
  assert.is(parsePolicyText(text('90'), 'p.yaml').approvals.expiresAfterSeconds, 90);
  assert.throws(() => parsePolicyText(text('"0s"'), 'p.yaml'), /p\.yaml:4:\d+: approvals\.expiresAfter: expected a positive duration like 30m or 4h, got "0s"/);
});

test('problems are located: path, line and column', () => {
  const text = 'nodes:\n  cart:\n    actions: [scaleOut, teleport]\napprovals: { roles: [sre], required: 0 }\nmaxChangesPerHour: 2\n';
  const err = (() => { try { parsePolicyText(text, 'p.yaml'); } catch (e) { return e; } return null; })();
  assert.instance(err, TwinSpecError);
  const msg = (err as Error).message;
  assert.match(msg, /p\.yaml:3:\d+: nodes\.cart\.actions\[1\]: .*scaleOut/);
  assert.match(msg, /p\.yaml:4:\d+: approvals\.required/);
});

test('with the twin\'s node ids, a key naming no node is a problem at the key\'s line, with a did-you-mean; "*" is not a node', () => {
  const text = 'nodes:\n  cart:\n    actions: [scaleOut]\n  recomendation:\n    actions: [scaleUp]\n  "*":\n    actions: [scaleOut]\napprovals: { roles: [sre], required: 1 }\nmaxChangesPerHour: 2\n';
  const nodes = new Set(['cart', 'recommendation', 'frontend']);
  assert.throws(() => parsePolicyText(text, 'p.yaml', { nodes }), /p\.yaml:4:3: nodes\.recomendation: unknown node id "recomendation" \(did you mean "recommendation"\?\)/);
  // Without the twin (a policy read on its own) the key cannot be checked.
  assert.ok(parsePolicyText(text, 'p.yaml').nodes.recomendation);
  assert.ok(parsePolicyText(text.replace('recomendation', 'recommendation'), 'p.yaml', { nodes }).nodes.recommendation);
  // JSON too, located the same way.
  const json = JSON.stringify({ nodes: { cart: { actions: ['scaleOut'] }, zzz: { actions: ['scaleOut'] } }, approvals: { roles: ['sre'], required: 1 }, maxChangesPerHour: 2 }, null, 1);
  assert.throws(() => parsePolicyText(json, 'p.json', { nodes }), /p\.json:8:3: nodes\.zzz: unknown node id "zzz": the twin has no such node/);
});

test('semantic rules: min above max, a window that ends before it starts, auto-approval of an unbounded action', () => {
  const text = `nodes:\n  cart:\n    actions: [scaleOut]\n    bounds: { replicas: { min: 5, max: 2 } }\napprovals: { roles: [sre], required: 1 }\nautoApprove:\n  - { name: r, action: rateLimit, maxStep: 1 }\nchangeWindows:\n  - { days: [mon], from: "18:00", to: "08:00" }\nmaxChangesPerHour: 2\n`;
  try {
    parsePolicyText(text, 'p.yaml');
    assert.unreachable('must fail');
  } catch (e) {
    const problems = (e as TwinSpecError).problems.map((q) => `${q.line}: ${q.path}`);
    assert.equal(problems, ['4: nodes.cart.bounds.replicas.min', '7: autoApprove[0].action', '9: changeWindows[0].to']);
  }
});

test('change windows are UTC days and minutes, end exclusive', () => {
  const p = parsePolicyText(TEST_POLICY_YAML + 'changeWindows:\n  - { days: [mon, tue], from: "09:00", to: "17:30" }\n', 'p.yaml');
  assert.ok(inChangeWindow(p, new Date('2026-01-05T09:00:00Z'))); // a Monday
  assert.ok(inChangeWindow(p, new Date('2026-01-06T17:29:59Z')));
  assert.not.ok(inChangeWindow(p, new Date('2026-01-06T17:30:00Z')));
  assert.not.ok(inChangeWindow(p, new Date('2026-01-07T10:00:00Z'))); // a Wednesday
  assert.ok(inChangeWindow(testPolicy(), new Date('2026-01-07T03:00:00Z')), 'no windows: any time');
});

test('cost: documented defaults, a partial section keeps the rest, unknown keys get a did-you-mean, bad prices are located', () => {
  assert.equal(testPolicy().cost, DEFAULT_PRICES);
  assert.equal(DEFAULT_PRICES, { replicaHour: 0, coreHour: 0.04, requestShed: 0.0001, unit: 'USD' });
  const p = parsePolicyText(TEST_POLICY_YAML + 'cost: { coreHour: 0.1, unit: EUR }\n', 'p.yaml');
  assert.equal(p.cost, { replicaHour: 0, coreHour: 0.1, requestShed: 0.0001, unit: 'EUR' });
  try {
    parsePolicyText(TEST_POLICY_YAML + 'cost:\n  replicaHours: 0.5\n  requestShed: -1\n', 'p.yaml');
    assert.unreachable('must fail');
  } catch (e) {
    assert.instance(e, TwinSpecError);
    const msg = (e as Error).message;
    assert.match(msg, /p\.yaml:\d+:\d+: cost\.replicaHours: unknown property \(did you mean "replicaHour"\?\)/);
    assert.match(msg, /p\.yaml:\d+:\d+: cost\.requestShed: /);
  }
});

test('a priced cost: replica-hours, core-hours and requests shed at their prices, in the unit', () => {
  const c = priceCost({ replicaHours: 1, coreHours: 2, requestsShed: 1000 }, { replicaHour: 0.5, coreHour: 0.04, requestShed: 0.0001, unit: 'USD' });
  assert.ok(Math.abs(c.priced - (0.5 + 0.08 + 0.1)) < 1e-12);
  assert.is(c.unit, 'USD');
});

test.run();
