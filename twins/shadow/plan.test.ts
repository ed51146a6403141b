import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { ForecastBundle } from '../../models/forecast.js';
import { TwinSpecError } from '../definition/errors.js';
import { twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { exampleFile } from '../examples/paths.js';
import { chooseDilation, type Footprint } from './budget.js';
import { budgetUse, planShadow, removedByBudget, type PlanInputs } from './plan.js';
import { formatPlanTable } from './plan-table.js';
import type { PFailInterval, ShadowPlan } from './plan-types.js';
import { readPlan } from './read-plan.js';
import type { SimulationResult } from './result.js';
import { has, problems, shopFixture, type ShopFixture } from './test-fixtures.js';

let fx: ShopFixture;
let shopData: Record<string, unknown>;
test.before(async () => {
  fx = await shopFixture();
  shopData = parse(await readFile(exampleFile('shop.yaml'), 'utf8')) as Record<string, unknown>;
});

const LOW: PFailInterval = { mean: 0, lo: 0, hi: 0.02 };
/** The fixture's result with P(fail) set by hand (4 replications bound every node's P(fail) at 0.49), optionally without its twin hash. */
function withRisk(at: Record<string, PFailInterval>, twinHash?: string | null): SimulationResult {
  const s = fx.result.summary;
  return {
    ...fx.result,
    summary: { ...s, run: { ...s.run, twinHash: twinHash === undefined ? s.run.twinHash : twinHash }, nodes: s.nodes.map((n) => ({ ...n, pFail: at[n.id] ?? LOW })) },
  };
}
const BIG = { processes: 32, cores: 8, memoryBytes: 16 * 2 ** 30 };
const inputs = (over: Partial<PlanInputs>): PlanInputs => ({
  twin: fx.twin, result: withRisk({ recommendation: { mean: 0.25, lo: 0.1, hi: 0.45 } }), fidelity: 0.3, budget: BIG, mode: 'reproduce', createdAt: '2026-01-01T00:00:00.000Z', ...over,
});
const node = (plan: ShadowPlan, id: string) => plan.nodes.find((n) => n.id === id)!;

test('reproduce: recommendation at risk; predicted state from its window at the default start; traffic and cost', () => {
  const plan = planShadow(inputs({}));
  assert.is(plan.format, 'shadowcast-shadow-plan/1');
  assert.equal(plan.nodes.filter((n) => n.action === 'duplicate').map((n) => n.id), ['frontend', 'recommendation']);
  assert.equal(plan.dropped, []);
  assert.equal(plan.warnings, []);
  // Default start: the window where recommendation's utilization + error rate is highest.
  const recWindows = fx.result.windows.filter((w) => w.node === 'recommendation');
  const score = (w: (typeof recWindows)[number]) => (w.figures.utilization.mean ?? 0) + (w.figures.errorRate.mean ?? 0);
  const best = recWindows.reduce((a, b) => (score(b) > score(a) + 1e-12 ? b : a));
  assert.is(plan.startAt, best.start);
  assert.is(plan.duration, 60);
  const rec = node(plan, 'recommendation').emulator!;
  assert.is(rec.replicas, 1);
  assert.is(rec.workersPerReplica, 3);
  assert.is(rec.initial.busy, Math.round(best.figures.utilization.mean! * 3));
  assert.is(rec.initial.queued, Math.round(best.figures.utilization.mean! * 3 + best.figures.meanQueue.mean!) - rec.initial.busy);
  assert.equal(rec.callGroups.map((g) => g.calls.map((c) => c.to)), [['productcatalog']]);
  assert.is(rec.callGroups[0]!.calls[0]!.timeout, 1);
  // frontend is autoscaled: mean replicas of the simulation (its minimum, 2).
  assert.is(node(plan, 'frontend').emulator!.replicas, 2);
  const pc = node(plan, 'productcatalog');
  assert.is(pc.action, 'stub');
  assert.is(pc.stub!.latency.p95, fx.result.summary.nodes.find((n) => n.id === 'productcatalog')!.latency.p95);
  assert.equal(plan.traffic, [{ entry: 'users', node: 'frontend', source: { kind: 'constant' }, step: 60, rates: [150], process: 'poisson' }]);
  assert.is(plan.cost.processes, 4);
  assert.is(plan.cost.requests, 9000);
  assert.is(plan.dilation.k, 1);
  assert.is(plan.cost.shadowSeconds, 60);
  assert.ok(plan.cost.cores > 0 && plan.cost.cores <= BIG.cores);
  assert.ok(budgetUse(plan) < 1);
});

test('remediate raises the replicas of an overloaded node so its p95 load stays under the target utilization', () => {
  const risk = { productcatalog: { mean: 0.5, lo: 0.2, hi: 0.8 } };
  const reproduce = planShadow(inputs({ result: withRisk(risk) }));
  const remediate = planShadow(inputs({ result: withRisk(risk), mode: 'remediate' }));
  assert.is(node(reproduce, 'productcatalog').emulator!.replicas, 1);
  const spec = node(remediate, 'productcatalog').emulator!;
  // productcatalog runs at ~0.8 with 1 replica: held ≈ 11 ms, ~300 req/s → 300 × 0.011 / (4 × 0.7) ≈ 1.2 → 2.
  assert.is(spec.replicas, 2);
  assert.ok(node(remediate, 'productcatalog').reasons.some((r) => r.startsWith('replicas 2 (remediate: p95 load')));
  const s = fx.result.summary.nodes.find((n) => n.id === 'productcatalog')!.figures;
  const held = (s['utilization']!.mean! * 4) / s['throughput']!.mean!;
  assert.ok((s['throughput']!.mean! * held) / (4 * spec.replicas) < 0.7);
  // A laxer target needs no more replicas.
  assert.ok(node(planShadow(inputs({ result: withRisk(risk), mode: 'remediate', utilizationTarget: 0.95 })), 'productcatalog').emulator!.replicas <= 2);
});

test('a small core budget dilates time; a higher fidelity never dilates more for the same load; burn mode needs more', () => {
  const plan = planShadow(inputs({ budget: { ...BIG, cores: 0.1 } }));
  assert.ok(plan.dilation.k > 1, plan.dilation.reason);
  assert.match(plan.dilation.reason, /rates are divided and times multiplied/);
  assert.ok(plan.cost.cores <= 0.1 + 1e-9);
  assert.is(plan.cost.shadowSeconds, plan.duration * plan.dilation.k);
  const fp: Footprint = { processes: 3, requestRate: 3000, burnCores: 0, memoryBytes: 0, nodeMemory: new Map() };
  let last = Infinity;
  for (let f = 0; f <= 1; f += 0.1) {
    const k = chooseDilation(fp, { processes: 8, cores: 1, memoryBytes: 1e9 }, Math.min(1, f)).k;
    assert.ok(k <= last);
    last = k;
  }
  assert.is(last, 2);
  assert.ok(chooseDilation({ ...fp, burnCores: 2 }, { processes: 8, cores: 1, memoryBytes: 1e9 }, 1).k > 2);
  const burn = planShadow(inputs({ budget: { ...BIG, cores: 0.1 }, work: 'burn' }));
  assert.ok(burn.dilation.k > plan.dilation.k);
});

test('a budget too small for the critical set drops the lowest risk first and names what was dropped', () => {
  const risk = { recommendation: { mean: 0.2, lo: 0.1, hi: 0.4 }, ad: { mean: 0.4, lo: 0.2, hi: 0.6 } };
  const full = planShadow(inputs({ result: withRisk(risk) }));
  assert.equal(full.nodes.filter((n) => n.action === 'duplicate').map((n) => n.id), ['frontend', 'recommendation', 'ad']);
  assert.is(full.cost.processes, 5);
  const tight = planShadow(inputs({ result: withRisk(risk), budget: { ...BIG, processes: 4 } }));
  assert.equal(tight.dropped, ['recommendation']);
  assert.equal(tight.nodes.filter((n) => n.action === 'duplicate').map((n) => n.id), ['frontend', 'ad']);
  assert.ok(node(tight, 'recommendation').reasons.includes('budget: dropped, lowest risk first'));
  assert.is(node(tight, 'recommendation').action, 'stub');
  has(tight.warnings, 'budget too small for the critical set: dropped recommendation');
  assert.match(formatPlanTable(tight), /DROPPED \(budget too small for the critical set\): recommendation/);
  const none = planShadow(inputs({ result: withRisk(risk), budget: { ...BIG, memoryBytes: 100 * 2 ** 20 } }));
  assert.equal(none.dropped, ['recommendation', 'ad']);
  assert.is(none.cost.processes, 0);
  assert.equal(removedByBudget(none), ['recommendation', 'ad']);
});

test('refuses a result from another twin: by hash, or by node ids when the hash is absent (and says so)', () => {
  const other = twinFromObject({ ...structuredClone(shopData), entries: [{ id: 'users', node: 'frontend', rate: 160 }] }, { source: 'other.yaml' });
  has(problems(() => planShadow(inputs({ twin: other }))), 'run.twinHash: the result was simulated from another twin');
  // A result of a scenario of the twin says so, with how to get one the twin itself ran.
  const scenarioResult = withRisk({ recommendation: { mean: 0.25, lo: 0.1, hi: 0.45 } }, 'f'.repeat(64));
  const fromScenario = { ...scenarioResult, summary: { ...scenarioResult.summary, run: { ...scenarioResult.summary.run, scenario: 'load13.json' } } };
  has(problems(() => planShadow(inputs({ result: fromScenario }))), 'run.scenario: the result was simulated with scenario load13.json applied to the twin');
  const ok = planShadow(inputs({ twin: other, result: withRisk({ recommendation: { mean: 0.25, lo: 0.1, hi: 0.45 } }, null) }));
  has(ok.warnings, 'run.twinHash is absent; the result was matched to the twin by node ids only');
  const data = structuredClone(shopData) as { nodes: { id: string }[]; edges: { from: string; to: string }[] };
  data.nodes[11]!.id = 'inventory';
  for (const e of data.edges) if (e.to === 'catalogdb') e.to = 'inventory';
  const renamed = twinFromObject(data, { source: 'renamed.yaml' });
  const list = problems(() => planShadow(inputs({ twin: renamed, result: withRisk({}, null) })));
  has(list, 'nodes: the result was simulated from another twin (nodes not in the twin: catalogdb; twin nodes missing: inventory); run.twinHash is absent');
});

test('bad options are named', () => {
  const list = problems(() => planShadow(inputs({ fidelity: 1.5, budget: { processes: 0, cores: -1, memoryBytes: 1 }, startAt: 1e6, duration: 0 })));
  for (const f of ['fidelity: expected a number in [0, 1]', 'budget.processes: expected an integer >= 1', 'budget.cores', 'startAt: expected production seconds in [0, 300)', 'duration: expected seconds > 0']) has(list, f);
});

function forecastTwin(): Twin {
  return twinFromObject({ ...structuredClone(shopData), entries: [{ id: 'users', node: 'frontend', forecast: { node: 'frontend', metric: 'rate' } }] }, { source: 'shop-forecast.yaml' });
}
function bundle(): ForecastBundle {
  const steps = 6;
  const q = (level: number) => Float64Array.from({ length: steps }, (_, i) => 100 + 10 * i + 100 * level);
  const paths = new Float32Array(2 * steps);
  for (let i = 0; i < steps; i++) {
    paths[i] = 120;
    paths[steps + i] = 140 + i;
  }
  return {
    startMs: 0, stepMs: 60_000, steps, paths: 2, seed: 1,
    series: [{ node: 'frontend', metric: 'rate', model: 'test', quantiles: new Map([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95].map((l) => [l, q(l)])), paths, notes: [] }],
  };
}

test('forecast entries follow the chosen quantile (default 0.95) or sample path over [startAt, startAt + duration]', () => {
  const twin = forecastTwin();
  const base = inputs({ twin, result: withRisk({ recommendation: { mean: 0.25, lo: 0.1, hi: 0.45 } }, null), forecast: { bundle: bundle(), source: 'fc' }, startAt: 60, duration: 120 });
  const q95 = planShadow(base).traffic[0]!;
  assert.equal(q95.source, { kind: 'forecast-quantile', series: 'frontend/rate', quantile: 0.95 });
  assert.is(q95.step, 60);
  // Mean of the linear interpolation over each step: (v(1) + v(2)) / 2 and (v(2) + v(3)) / 2 with v(i) = 195 + 10 i.
  assert.equal(q95.rates, [210, 220]);
  const mid = planShadow({ ...base, traffic: { kind: 'quantile', quantile: 0.925 } }).traffic[0]!;
  assert.ok(Math.abs(mid.rates[0]! - 207.5) < 1e-9);
  const path = planShadow({ ...base, traffic: { kind: 'path', path: 1 } });
  assert.equal(path.traffic[0]!.source, { kind: 'forecast-path', series: 'frontend/rate', path: 1 });
  assert.equal(path.traffic[0]!.rates, [141.5, 142.5]);
  assert.is(path.cost.requests, 141.5 * 60 + 142.5 * 60);
  has(problems(() => planShadow({ ...base, traffic: { kind: 'quantile', quantile: 0.99 } })), "quantile: expected a quantile within the forecast's levels");
  has(problems(() => planShadow({ ...base, forecast: null })), 'forecast: entry users is driven by forecast series frontend/rate');
});

test('plan.json reads back; unknown nodes, calls to omitted nodes and another twin are located errors', () => {
  const plan = planShadow(inputs({}));
  const text = JSON.stringify(plan, null, 1);
  assert.equal(readPlan(text, fx.twin), JSON.parse(text));
  assert.equal(readPlan(text), JSON.parse(text));
  assert.is(plan.twin.allowOutsidePaths, undefined, 'recorded only when given');
  // A plan made with --allow-outside-paths records it, so the commands that reload the twin from the plan may too.
  const allowed = planShadow(inputs({ allowOutsidePaths: true }));
  assert.is(allowed.twin.allowOutsidePaths, true);
  assert.is(readPlan(JSON.stringify(allowed), fx.twin).twin.allowOutsidePaths, true);
  const edit = (fn: (p: { nodes: { id: string; action: string; emulator: unknown; stub: unknown }[]; traffic: { node: string }[]; twin: { hash: string }; dilation: { k: number } }) => void) => {
    const p = JSON.parse(text);
    fn(p);
    return JSON.stringify(p, null, 1);
  };
  const unknown = problems(() => readPlan(edit((p) => { p.nodes[5]!.id = 'ghost'; }), fx.twin));
  has(unknown, 'nodes[5].id: unknown node "ghost" (twin shop has: frontend, currency');
  const omitted = problems(() => readPlan(edit((p) => { const pc = p.nodes.find((n) => n.id === 'productcatalog')!; pc.action = 'omit'; pc.stub = null; })));
  has(omitted, 'nodes[5].emulator.callGroups[0].calls[0].to: expected a duplicated or stubbed node, "productcatalog" is omit');
  has(problems(() => readPlan(edit((p) => { p.traffic[0]!.node = 'email'; }))), 'traffic[0].node: expected a duplicated or stubbed node, "email" is omit');
  has(problems(() => readPlan(edit((p) => { p.twin.hash = 'f'.repeat(64); }), fx.twin)), 'twin.hash: the plan was made from another twin');
  const schema = problems(() => readPlan(edit((p) => { p.dilation.k = 0.5; p.nodes[0]!.emulator = null; })));
  has(schema, 'dilation.k: expected a number >= 1');
  try {
    readPlan(edit((p) => { p.dilation.k = 0.5; }));
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof TwinSpecError && e.problems[0]!.line !== undefined, 'problems carry the line');
  }
  has(problems(() => readPlan(edit((p) => { p.nodes[0]!.emulator = null; }))), 'nodes[0].emulator: expected an emulator spec for a duplicated node');
});

test('the printed table lists every node with its action, the traffic and the cost', () => {
  const out = formatPlanTable(planShadow(inputs({ mode: 'remediate' })));
  for (const id of fx.twin.nodes.map((n) => n.id)) assert.match(out, new RegExp(`^${id} +(duplicate|stub|omit) `, 'm'));
  assert.match(out, /^recommendation +duplicate .*critical/m);
  assert.match(out, /^frontend +duplicate .*on the entry path of users/m);
  assert.match(out, /^users +frontend +constant +60 +150\.\.150 +poisson$/m);
  assert.match(out, /^cost: 4\/32 processes, .* 60 s of wall time, 9000 requests injected$/m);
});

test.run();
