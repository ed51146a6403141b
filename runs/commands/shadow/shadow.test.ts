/**
 * The shadow on the command line, end to end on the shop: a simulation, a
 * plan that refuses another twin's result and a budget without room for the
 * critical set, then one `shadow cycle` (fidelity decision, plan, up, inject,
 * compare, down) and a second one that learns from the first. Real processes
 * on loopback, bounded in time; nothing is left running.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exampleFile } from '../../../twins/examples/paths.js';
import { readPlan } from '../../../twins/shadow/read-plan.js';
import { exitCodeFor } from '../../errors.js';
import { FakeKubeApi } from '../../shadow/kubernetes-fake-api.js';
import { shadowStatus } from '../../shadow/materialise.js';
import { parseSimulateArgs, simulate } from '../simulate.js';
import { run as shadow } from './index.js';

let dir = '';
const sim = () => join(dir, 'sim');
const shop = exampleFile('shop.yaml');

/** Runs a shadow subcommand in this process; the printed lines and the exit code (thrown errors mapped as cli.ts does). */
async function cmd(args: string[]): Promise<{ code: number; out: string; error: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...xs: unknown[]) => void lines.push(xs.map(String).join(' '));
  try {
    const code = await shadow(args);
    return { code, out: lines.join('\n'), error: '' };
  } catch (e) {
    return { code: exitCodeFor(e), out: lines.join('\n'), error: (e as Error).message };
  } finally {
    console.log = log;
  }
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shadowcast-shadow-cli-'));
  // 24 futures of 10 minutes: recommendation fails in some (its latency SLO), most nodes never do.
  await simulate(parseSimulateArgs(['--twin', shop, '--out', sim(), '--replications', '24', '--horizon', '10m', '--window', '2m', '--seed', '3', '--workers', '0', '--quiet'])!);
});

test.after(async () => {
  await cmd(['down', '--dir', join(dir, 'shadow')]);
  await rm(dir, { recursive: true, force: true });
});

test('plan refuses a result simulated from another twin (content hash), exit 3', async () => {
  const other = join(dir, 'other.yaml');
  await writeFile(other, (await readFile(shop, 'utf8')).replace('name: shop', 'name: shop2'));
  const r = await cmd(['plan', '--twin', other, '--result', sim(), '--out', join(dir, 'p.json')]);
  assert.is(r.code, 3, r.error);
  assert.match(r.error, /twinHash|another twin|different twin|hash/i);
});

test('a budget too small for the critical set: exit 3 naming the dropped nodes; --allow-partial writes the plan', async () => {
  const args = ['plan', '--twin', shop, '--result', sim(), '--fidelity', '0.9', '--budget', 'processes=2,cores=1,memory=1Gi', '--out', join(dir, 'small.json')];
  const refused = await cmd(args);
  assert.is(refused.code, 3);
  assert.match(refused.error, /cannot hold the critical set: dropped \S+/);
  const partial = await cmd([...args, '--allow-partial']);
  assert.is(partial.code, 0, partial.error);
  const plan = readPlan(await readFile(join(dir, 'small.json'), 'utf8'));
  assert.ok(plan.dropped.length > 0);
  assert.ok(plan.cost.processes <= 2, `processes ${plan.cost.processes}`);
});

test('up refuses a plan that names a node the twin does not have (exit 3, located), and starts nothing', async () => {
  const plan = JSON.parse(await readFile(join(dir, 'small.json'), 'utf8')) as { nodes: object[] };
  // An omitted node: nothing else in the plan names it, so only the twin can tell it is unknown.
  const omitted = plan.nodes.push({ id: 'ghost', action: 'omit', reasons: [], pFail: null, emulator: null, stub: null }) - 1;
  await writeFile(join(dir, 'ghost.json'), JSON.stringify(plan, null, 1));
  const r = await cmd(['up', '--plan', join(dir, 'ghost.json'), '--dir', join(dir, 'ghost-shadow')]);
  assert.is(r.code, 3, r.error);
  assert.match(r.error, new RegExp(`ghost\\.json:\\d+:\\d+: nodes\\[${omitted}\\]\\.id: unknown node "ghost"`), r.error);
  assert.is(await shadowStatus(join(dir, 'ghost-shadow')), null);
});

test('a malformed --budget is a usage error (exit 2)', async () => {
  const r = await cmd(['plan', '--twin', shop, '--result', sim(), '--budget', 'processes=2,cores=1', '--out', join(dir, 'x.json')]);
  assert.is(r.code, 2);
  assert.match(r.error, /missing memory/);
});

test('a --start beyond the simulated horizon is a usage error naming --start (exit 2), not a bad file', async () => {
  const r = await cmd(['plan', '--twin', shop, '--result', sim(), '--start', '100h', '--out', join(dir, 'x.json')]);
  assert.is(r.code, 2, r.error);
  assert.match(r.error, /^--start: expected production seconds in \[0, \d+\) \(the simulated horizon\), got 360000$/);
});

test('--quantile on a twin without forecast-driven entries is a usage error, not ignored', async () => {
  const r = await cmd(['plan', '--twin', shop, '--result', sim(), '--quantile', '0.95', '--out', join(dir, 'q.json')]);
  assert.is(r.code, 2, r.error);
  assert.match(r.error, /^--quantile chooses how forecast-driven entries follow the forecast, and no entry of .*shop\.yaml is driven by one/);
});

test('an --out that is a folder is refused before planning (exit 3)', async () => {
  const r = await cmd(['plan', '--twin', shop, '--result', sim(), '--out', dir]);
  assert.is(r.code, 3, r.error);
  assert.match(r.error, /--out .*: is a folder; give a file name/);
});

test('cycle: fidelity decided and logged, shadow up, traffic, comparison written, shadow down; the next cycle reads it', async () => {
  const shadowDir = join(dir, 'shadow');
  const cycle = ['cycle', '--twin', shop, '--result', sim(), '--dir', shadowDir, '--duration', '30s', '--inject', '4s', '--budget', 'processes=6,cores=2,memory=1Gi', '--initial-fidelity', '0.2'];
  // The turn's exit code is its comparison's verdict, as `shadow compare` alone (1: some node outside tolerance).
  const verdict = async () => ((JSON.parse(await readFile(join(shadowDir, 'compare.json'), 'utf8')) as { pass: boolean }).pass ? 0 : 1);
  const first = await cmd(cycle);
  assert.is(first.code, await verdict(), first.error + first.out);
  assert.match(first.out, /fidelity 0\.2 -> 0\.2: no accuracy measured yet \(coverage unknown, no sim-to-real yet\): kept/);
  // The comparison's verdict is the exit code of `shadow compare` (1: some node outside tolerance).
  const compared = await cmd(['compare', '--dir', shadowDir, '--replications', '4']);
  assert.is(compared.code, /NOT all within tolerance/.test(compared.out) ? 1 : 0, compared.out + compared.error);
  const compare = JSON.parse(await readFile(join(shadowDir, 'compare.json'), 'utf8')) as { nodes: { node: string; status: string }[] };
  const plan = readPlan(await readFile(join(shadowDir, 'plan.json'), 'utf8'));
  const duplicated = plan.nodes.filter((n) => n.action === 'duplicate').map((n) => n.id);
  assert.ok(duplicated.includes('recommendation'), `duplicated: ${duplicated.join(', ')}`);
  assert.equal(compare.nodes.map((n) => n.node), duplicated);
  assert.ok(compare.nodes.every((n) => n.status === 'compared'), JSON.stringify(compare.nodes));
  const status = await shadowStatus(shadowDir);
  assert.is(status!.phase, 'down');
  assert.ok(status!.processes.every((p) => !p.alive), 'every process stopped');
  const telemetry = await readFile(join(shadowDir, 'telemetry.csv'), 'utf8');
  assert.match(telemetry, /^timestamp,node,metric,value\n/);

  // The second turn starts from the first one's fidelity and names its inputs in the log.
  // A third of a second of traffic is too few responses to pass every figure of every node: the "no" path of the exit code.
  const second = await cmd([...cycle, '--inject', '0.3s']);
  assert.is(second.code, await verdict(), second.error + second.out);
  assert.is(second.code, 1, second.out);
  const log = (await readFile(join(shadowDir, 'fidelity.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { old: number; new: number; inputs: { simToRealError: number | null; budgetUse: number | null }; reason: string });
  assert.is(log.length, 2);
  assert.is(log[1]!.old, log[0]!.new);
  assert.ok(log[1]!.inputs.budgetUse !== null, 'the second decision saw the first plan');
  assert.ok(log[1]!.reason.length > 0);
});

test('cycle with a budget too small for the critical set: exit 3, nothing started, and the refusal logged so the next turn plans lower', async () => {
  const shadowDir = join(dir, 'tight');
  const cycle = ['cycle', '--twin', shop, '--result', sim(), '--dir', shadowDir, '--budget', 'processes=2,cores=1,memory=1Gi', '--initial-fidelity', '0.9', '--inject', '1s'];
  const first = await cmd(cycle);
  assert.is(first.code, 3, first.error);
  assert.match(first.error, /cannot hold the critical set: dropped \S+.*; fidelity 0\.9 -> 0\.8 for the next turn: budget exhausted \(dropped .*\): fidelity lowered \(logged in .*fidelity\.jsonl\); raise --budget or pass --allow-partial/);
  assert.is(await shadowStatus(shadowDir), null, 'nothing was started');
  type Line = { old: number; new: number; inputs: { dropped: string[]; budgetUse: number | null }; reason: string };
  const read = async () => (await readFile(join(shadowDir, 'fidelity.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Line);
  let log = await read();
  assert.is(log.length, 2, 'the turn\'s decision, then the refusal');
  assert.equal([log[1]!.old, log[1]!.new], [0.9, 0.8]);
  assert.ok(log[1]!.inputs.dropped.length > 0 && log[1]!.inputs.budgetUse !== null, JSON.stringify(log[1]!.inputs));
  // The next turn starts where the refusal left it.
  const second = await cmd(cycle);
  log = await read();
  assert.is(log[2]!.old, 0.8, second.error);
  assert.is(log[2]!.new, 0.8);
});

test('kubernetes target: plan writes manifests.yaml; up applies them (dry run first) to the cluster --kubeconfig names; down deletes the namespace (KUBECONFIG names it there)', async () => {
  const plan = join(dir, 'k8s', 'plan.json');
  const planned = await cmd(['plan', '--twin', shop, '--result', sim(), '--fidelity', '0.2', '--target', 'kubernetes', '--image', 'registry.local/shadowcast:test', '--out', plan]);
  assert.is(planned.code, 0, planned.error);
  const manifests = await readFile(join(dir, 'k8s', 'manifests.yaml'), 'utf8');
  assert.match(manifests, /kind: Deployment/);
  assert.match(manifests, /image: registry\.local\/shadowcast:test/);
  const fake = await FakeKubeApi.start();
  const saved = process.env.KUBECONFIG;
  try {
    delete process.env.KUBECONFIG;
    const refused = await cmd(['up', '--plan', plan, '--dir', join(dir, 'k8s-run')]);
    assert.is.not(refused.code, 0);
    // The way out it names is a flag the command has.
    assert.match(refused.error, /KUBECONFIG is not set: .*set KUBECONFIG=\/path\/to\/kubeconfig, or pass --kubeconfig FILE$/);
    const kubeconfig = await fake.writeKubeconfig(join(dir, 'k8s'));
    const up = await cmd(['up', '--plan', plan, '--dir', join(dir, 'k8s-run'), '--kubeconfig', kubeconfig]);
    assert.is(up.code, 0, up.error);
    assert.ok(up.out.includes(`(context fake, kubeconfig ${kubeconfig})`), up.out);
    assert.match(up.out, /namespace shadowcast-shadow-shop \(created\)/);
    const methods = fake.requests.filter((r) => r.method === 'PATCH').map((r) => (r.query.dryRun === 'All' ? 'dry' : 'apply'));
    // The namespace is dry-run and created first (a server refuses dry runs into a missing namespace); then every object is dry-run before any is applied.
    assert.equal(methods.slice(0, 2), ['dry', 'apply'], methods.join(' '));
    const rest = methods.slice(2);
    assert.ok(rest.length > 2 && rest.indexOf('apply') > rest.lastIndexOf('dry'), `every dry run before any apply: ${methods.join(' ')}`);
    // A --kubeconfig that nothing would use is refused before anything is stopped.
    const local = await cmd(['down', '--dir', join(dir, 'shadow'), '--kubeconfig', kubeconfig]);
    assert.is(local.code, 2, local.error);
    assert.match(local.error, /--kubeconfig is for a shadow started on the Kubernetes target/);
    process.env.KUBECONFIG = kubeconfig;
    const down = await cmd(['down', '--dir', join(dir, 'k8s-run')]);
    assert.is(down.code, 0, down.error);
    assert.match(down.out, /namespace shadowcast-shadow-shop deleted/);
    assert.ok(fake.requests.some((r) => r.method === 'DELETE' && r.path === '/api/v1/namespaces/shadowcast-shadow-shop'));
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
    await fake.close();
  }
});

test.run();
