import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../paths.js';
import { importZooTwin } from '../../../twins/import/zoo.js';
import { importTraceFile } from '../../../twins/import/trace.js';
import { loadTwinFile } from '../../../twins/definition/load.js';
import type { Twin } from '../../../twins/definition/types.js';
import { errorReport, exitCodeFor } from '../../errors.js';
import { parseImportArgs, run, twinCounts } from './index.js';
import { quiet } from '../../test-support.js';

const DATA = join(REPO_ROOT, '..', 'shared', 'data');
const zoo = (name: string): string => join(DATA, 'topology-zoo', `${name}.graphml`);
const TRACE = join(DATA, 'nezha-train-ticket', '2023-01-29', 'trace', '08_50_trace.csv');

/** Runs the command with console.log captured; returns the exit code and the printed text. */
async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  const { value, out } = await quiet(() => run(argv));
  return { code: value, out };
}

/** The command must fail with `code`; `pattern` is matched against what the user sees on stderr. */
async function rejects(argv: string[], pattern: RegExp, code = 2): Promise<void> {
  try {
    await run(argv);
  } catch (e) {
    const shown = errorReport('import', e, false);
    assert.match(shown, pattern, `${argv.join(' ')}: ${shown}`);
    assert.is(exitCodeFor(e), code, `${argv.join(' ')}: exit code`);
    return;
  }
  assert.unreachable(`${argv.join(' ')} should have thrown`);
}

function ids(t: Twin): string[] {
  return t.nodes.map((n) => n.id);
}

function edgeKeys(t: Twin): string[] {
  return t.nodes.flatMap((n) => [...n.routes.map((r) => r.key), ...n.callGroups.flatMap((g) => g.calls.map((c) => `${c.key}:${c.meanCalls}:${c.mode}`))]);
}

const made: string[] = [];
async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'import-cmd-'));
  made.push(dir);
  return dir;
}
test.after(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

test("another kind's option names the kinds that take it; an unknown one stays unknown", async () => {
  await rejects(['callgraph', 'g.json', '--out', 't.yaml', '--load', '0.5'], /--load: an option of 'import zoo' and 'import backbone', not of 'import callgraph'/);
  await rejects(['trace', 't.csv', '--out', 't.yaml', '--routers=5'], /--routers: an option of 'import backbone', not of 'import trace'/);
  await rejects(['zoo', 'n.graphml', '--out', 't.yaml', '--profile', 'a=b.csv'], /--profile: an option of 'import callgraph' and 'import trace', not of 'import zoo'/);
  await rejects(['callgraph', 'g.json', '--out', 't.yaml', '--bogus', '1'], /unknown option '--bogus'/);
});

test('--help prints the usage and returns 0', async () => {
  const { code, out } = await capture(['--help']);
  assert.is(code, 0);
  assert.match(out, /usage: shadowcast import <zoo\|callgraph\|trace> FILE --out TWIN/);
  assert.match(out, /--parallel P/);
});

test('zoo Abilene: writes YAML that loads back to the same twin; capacity fallback reported', async () => {
  const dir = await tmp();
  const out = join(dir, 'abilene.yaml');
  const r = await capture(['zoo', zoo('Abilene'), '--out', out]);
  assert.is(r.code, 0);
  const back = await loadTwinFile(out);
  const { twin } = await importZooTwin(zoo('Abilene'));
  assert.is(back.nodes.length, 11 + 2 * 14);
  assert.equal(ids(back), ids(twin));
  assert.equal(back.nodes, twin.nodes);
  assert.equal(back.entries, twin.entries);
  assert.is(back.entries.length, 11);
  assert.match(r.out, /nodes\s+39: 11 routers, 28 link stations \(14 links/);
  assert.match(r.out, /entries\s+11 \(one per origin router\), gravity traffic over 110 routed router pairs/);
  assert.match(r.out, /routing\s+delay shortest paths, parallel links split: forwarding tables built when the twin is read/);
  assert.match(r.out, /unroutable\s+0 pair\(s\), 0 packets\/s not offered/);
  assert.match(r.out, /0 links with LinkSpeedRaw, 14 fallback \(defaultCapacity: 1000000000 bits\/s\)/);
  assert.match(r.out, /components\s+1 \(sizes 11\)/);
  assert.ok(r.out.includes(`wrote ${out}`), r.out);
  assert.match(await readFile(out, 'utf8'), /^name: Abilene$/m); // YAML, not JSON
  assert.equal(await readdir(dir), ['abilene.yaml']); // no temporary file left behind
});

test('zoo Uninett as JSON: four components reported, loads back; options reach the importer', async () => {
  const dir = await tmp();
  const out = join(dir, 'uninett.json');
  const r = await capture(['zoo', zoo('Uninett'), '--out', out, '--load', '5000', '--packet-bytes', '9000', '--parallel', 'best', '--service-model', 'deterministic', '--buffer-packets', '50', '--slo-utilization', '0.8']);
  assert.is(r.code, 0);
  assert.match(r.out, /components\s+4 \(sizes 71, 1, 1, 1\)/);
  assert.match(r.out, /4 connected components/);
  assert.match(r.out, /load\s+5000 packets\/s/);
  JSON.parse(await readFile(out, 'utf8')); // JSON by extension
  const back = await loadTwinFile(out);
  assert.is(back.nodes.length, 74 + 2 * 97);
  const { twin } = await importZooTwin(zoo('Uninett'), {
    load: 5000, packetBytes: 9000, parallel: 'best', serviceModel: 'deterministic', bufferPackets: 50, linkSlo: { utilization: 0.8, errorRate: 0.001, window: 60 },
  });
  assert.equal(ids(back), ids(twin));
  assert.equal(back.nodes, twin.nodes);
  assert.equal(back.entries, twin.entries);
  const link = back.nodes.find((n) => n.kind === 'link')!;
  assert.is(link.queue, 50);
  assert.is(link.service!.type, 'deterministic');
  assert.is(link.slo!.utilization, 0.8);
  const total = back.entries.reduce((s, e) => s + (e.arrival.kind === 'constant' ? e.arrival.rate : 0), 0);
  assert.ok(Math.abs(total - 5000) < 1e-6, `total load ${total}`);
});

test('zoo Garr201201 --parallel best --ecmp: rules written, no paths stored; the file stays small', async () => {
  const dir = await tmp();
  const out = join(dir, 'garr.yaml');
  const r = await capture(['zoo', zoo('Garr201201'), '--out', out, '--parallel', 'best', '--ecmp']);
  assert.match(r.out, /89 links, full duplex; 14 parallel/);
  assert.match(r.out, /routing\s+delay shortest paths, ECMP, parallel links best/);
  assert.match(r.out, /entries\s+61 \(one per origin router\), gravity traffic over 3660 routed router pairs/);
  const back = await loadTwinFile(out);
  assert.is(twinCounts(back).paths, 0);
  assert.equal(back.network!.spec.parallel, 'best');
  assert.equal(back.network!.spec.ecmp, true);
  assert.is(back.network!.destNode.length, 3660);
  // One line per node, link direction and entry: no per-pair text.
  assert.ok((await readFile(out, 'utf8')).length < 200_000);
});

test('backbone: a generated Barabási–Albert backbone imports, loads back, and the same seed gives the same file', async () => {
  const dir = await tmp();
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.json');
  const r = await capture(['backbone', '--routers', '40', '--model', 'ba', '--seed', '7', '--out', a, '--utilization', '0.5']);
  assert.is(r.code, 0);
  assert.match(r.out, /imported ba-40-seed7 \(generated ba backbone, 40 routers, seed 7\)/);
  assert.match(r.out, /entries\s+40 \(one per origin router\), gravity traffic over 1560 routed router pairs/);
  assert.match(r.out, /at utilization 0\.5$/m);
  await capture(['backbone', '--routers', '40', '--model', 'ba', '--seed', '7', '--out', b, '--utilization', '0.5']);
  const [ta, tb] = [await loadTwinFile(a), await loadTwinFile(b)];
  assert.equal(tb.nodes, ta.nodes);
  assert.equal(tb.entries, ta.entries);
  await rejects(['backbone', '--routers', '1', '--out', a], /--routers: expected a whole number from 2 to 2000, got '1'/);
  await rejects(['backbone', '--routers', '10', '--model', 'er', '--out', a], /--model: expected one of waxman, ba, got 'er'/);
  await rejects(['backbone', '--routers', '10', '--weights', 'w.json', '--out', a], /--weights: expected one of uniform, degree, got 'w\.json'/);
  await rejects(['backbone', '--routers', '10', '--default-capacity', '5', '--out', a], /--default-capacity: an option of 'import zoo', not of 'import backbone'/);
});

test('backbone --mean-degree: reached (not 30 links for every target), over routers - 1 refused, the degree reached reported', async () => {
  const dir = await tmp();
  const out = join(dir, 'bb.yaml');
  const links = new Set<string>();
  for (const k of ['3.5', '10', '18']) {
    const r = await capture(['backbone', '--routers', '20', '--mean-degree', k, '--utilization', '0.01', '--out', out]);
    links.add(/\((\d+) links, full duplex/.exec(r.out)![1]!);
    const reached = Number(/degree\s+mean ([\d.]+) \(target (\S+)\)/.exec(r.out)![1]);
    assert.ok(Math.abs(reached - Number(k)) <= 0.1 * Number(k), `--mean-degree ${k}: ${r.out}`);
  }
  assert.is(links.size, 3);
  await rejects(['backbone', '--routers', '20', '--mean-degree', '50', '--out', out], /--mean-degree: expected at most 19 for 20 routers \(every router linked to every other\), got '50'/);
  const d = await capture(['backbone', '--routers', '40', '--model', 'ba', '--seed', '7', '--out', out]);
  assert.match(d.out, /degree\s+mean 3\.85 \(target 3\.5, the default\)/);
});

test('backbone: an offered load over the entry-rate limit names the flag that set it (the default when none was given) and the values that fit', async () => {
  const dir = await tmp();
  const out = join(dir, 'bb.yaml');
  const base = ['backbone', '--routers', '100', '--mean-degree', '8', '--out', out];
  await rejects(base, /^shadowcast import backbone: the default --utilization 0\.7 gives from-r\d+ an entry rate of \d+ packets\/s on this topology, over the limit of 1000000 packets\/s per router \(docs\/limits\.md\): lower --utilization to 0\.469 or less, or raise --packet-bytes to 2236 or more/);
  await rejects([...base, '--utilization', '0.9'], /^shadowcast import backbone: --utilization 0\.9 gives .*: lower --utilization to 0\.469 or less, or raise --packet-bytes to 2875 or more/);
  // A load is packets/s: the packet size does not change it, so only --load is named. Uniform gravity: 3e8 over 100 routers is 3e6 each.
  await rejects([...base, '--load', '3e8'], /^shadowcast import backbone: --load 300000000 gives from-r\d+ an entry rate of 3000000 packets\/s on this topology, .*: lower --load to 99\d00000 or less$/m);
  // The values it gives do fit.
  assert.is((await capture([...base, '--utilization', '0.469'])).code, 0);
  assert.is((await capture([...base, '--packet-bytes', '2236'])).code, 0);
  assert.equal(await readdir(dir), ['bb.yaml']);
});

test('zoo: a GraphML problem is refused with its line; a file with no coordinates says no link has a length', async () => {
  const dir = await tmp();
  const keys = '<key attr.name="Latitude" attr.type="double" for="node" id="d1"/><key attr.name="Longitude" attr.type="double" for="node" id="d2"/>';
  const bad = join(dir, 'bad.graphml');
  await writeFile(bad, `<graphml>${keys}<graph>\n<node id="a"><data key="d1">1000</data><data key="d2">10</data></node>\n<node id="b"/>\n<edge source="a" target="b"/></graph></graphml>`);
  await rejects(['zoo', bad, '--out', join(dir, 'bad.yaml')], /bad\.graphml:2:\d+: node "a" Latitude: invalid Latitude 1000: expected degrees, a number from -90 to 90/, 3);
  const flat = join(dir, 'flat.graphml');
  await writeFile(flat, `<graphml>${keys}<graph><node id="a"/><node id="b"/><edge source="a" target="b"/></graph></graphml>`);
  const r = await capture(['zoo', flat, '--out', join(dir, 'flat.yaml')]);
  assert.match(r.out, /delay\s+1 link\(s\) without a length: propagation delay 0 s/);
  assert.match(r.out, /- no link has a length .*to model distance, give the nodes Latitude and Longitude in the GraphML file/);
  assert.not.match(r.out, /0\.000e\+0/);
});

test('callgraph: a small JSON imports, writes and loads back with its calls and entry', async () => {
  const dir = await tmp();
  const src = join(dir, 'mini.json');
  await writeFile(src, JSON.stringify({
    name: 'mini',
    services: [
      { id: 'web', kind: 'gateway', rate: 100, servers: 32, service: { type: 'exponential', mean: '2ms' } },
      { id: 'api' },
      { id: 'db', kind: 'database' },
    ],
    calls: [
      { from: 'web', to: 'api', perRequest: 1.5 },
      { from: 'api', to: 'db', rate: 75, mode: 'sync' },
    ],
  }));
  const out = join(dir, 'sub', 'mini.yml');
  const r = await capture(['callgraph', src, '--out', out]);
  assert.is(r.code, 0);
  assert.match(r.out, /nodes\s+3 services/);
  assert.match(r.out, /edges\s+2 call, 0 route/);
  assert.match(r.out, /entries\s+1: web at 100 req\/s/);
  assert.match(r.out, /use the default .*: api, db/);
  const back = await loadTwinFile(out);
  assert.is(back.name, 'mini');
  assert.equal(ids(back), ['web', 'api', 'db']);
  assert.equal(edgeKeys(back), ['web->api#0:1.5:sync', 'api->db#0:0.5:sync']); // 75 calls/s over api's 150 req/s
  assert.is(back.entries.length, 1);
  assert.is(back.nodes[back.entries[0]!.node]!.id, 'web');
});

test('trace: the Nezha Train-Ticket trace gives 25 services, the gateway as the only entry, and loads back', async () => {
  const dir = await tmp();
  const out = join(dir, 'tt.yaml');
  const r = await capture(['trace', TRACE, '--out', out, '--name', 'train-ticket']);
  assert.is(r.code, 0);
  assert.match(r.out, /spans\s+4890 in 71 traces, 71 root spans/);
  assert.match(r.out, /nodes\s+25 services/);
  const back = await loadTwinFile(out);
  const { twin } = await importTraceFile(TRACE, { name: 'train-ticket' });
  assert.is(back.name, 'train-ticket');
  assert.is(back.nodes.length, 25);
  assert.equal(ids(back), ids(twin));
  assert.equal(edgeKeys(back), edgeKeys(twin));
  assert.equal(back.entries, twin.entries);
  assert.is(back.entries.length, 1);
  assert.is(back.nodes[back.entries[0]!.node]!.id, 'ts-gateway-service');
  const rate = back.entries[0]!.arrival.kind === 'constant' ? back.entries[0]!.arrival.rate : NaN;
  assert.ok(rate > 0.4 && rate < 0.44, `entry rate ${rate}`);
  const c = twinCounts(back);
  assert.ok(c.calls > 0 && c.routes === 0);
  assert.match(r.out, new RegExp(`edges\\s+${c.calls} call, 0 route`));
});

test('bad arguments give messages naming what is wrong', async () => {
  const dir = await tmp();
  const out = join(dir, 'x.yaml');
  await rejects([], /expected a kind \(zoo, callgraph, trace or backbone\)/);
  await rejects(['zo', zoo('Abilene'), '--out', out], /unknown kind 'zo': expected zoo, callgraph, trace or backbone/);
  await rejects(['zoo'], /^shadowcast import zoo: expected FILE\.graphml \(Internet Topology Zoo network[^]*usage: shadowcast import zoo FILE\.graphml --out TWIN/);
  await rejects(['zoo', zoo('Abilene')], /^shadowcast import zoo: --out TWIN is required\n\nusage: shadowcast import zoo /);
  await rejects(['zoo', join(dir, 'missing.graphml'), '--out', out], /^shadowcast import zoo: input FILE '.*missing\.graphml' cannot be read \(ENOENT\)$/, 3);
  await rejects(['zoo', zoo('Abilene'), '--out', join(dir, 'x.txt')], /--out: expected a file name ending \.yaml, \.yml or \.json/);
  await rejects(['zoo', zoo('Abilene'), zoo('Uninett'), '--out', out], /unexpected argument '.*Uninett\.graphml'/);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--load', '1', '--utilization', '0.5'], /--load and --utilization: expected one of them, not both/);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--utilization', '1'], /--utilization: expected a number between 0 and 1 \(exclusive\), got '1'/);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--load=-3'], /--load: expected a finite positive number, got '-3'/);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--load', '0'], /--load: expected a finite positive number, got '0'/);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--packet-bytes', 'big'], /--packet-bytes: expected a finite positive number, got 'big'/);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--buffer-packets', '2.5'], /--buffer-packets: expected a positive whole number, got '2.5'/);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--parallel', 'ecmp'], /--parallel: expected one of split, best, got 'ecmp'/);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--path-metric', 'km'], /--path-metric: expected one of delay, hops, got 'km'/);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--weights', join(dir, 'none.json')], /--weights: expected 'uniform', 'degree' or a readable JSON file/, 3);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--slo-p99', 'soon'], /--slo-p99: expected a positive duration like 5ms, 60s or 2m, or 'off', got 'soon'/);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--slo-utilization', 'off', '--slo-error-rate', 'off'], /expected at least one link SLO condition/);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--name', 'x'], /^shadowcast import zoo: --name: an option of 'import callgraph' and 'import trace', not of 'import zoo'\n\nusage: shadowcast import zoo /);
  await rejects(['trace', TRACE, '--out', out, '--parallel', 'best'], /^shadowcast import trace: --parallel: an option of 'import zoo' and 'import backbone', not of 'import trace'\n\nusage: shadowcast import trace /);
  await rejects(['zoo', zoo('Abilene'), '--out', out, '--bogus'], /^shadowcast import zoo: unknown option '--bogus'\n\nusage: shadowcast import zoo /);
  // A file that is not what the kind expects: the importer's own error, naming the file.
  await rejects(['callgraph', TRACE, '--out', out], /08_50_trace\.csv/, 3);
  assert.equal(await readdir(dir), []); // nothing written by any failed import
});

test('weights from a JSON file and by degree reach the importer', async () => {
  const dir = await tmp();
  const w = join(dir, 'w.json');
  await writeFile(w, JSON.stringify({ '0': 2, '1': 1 }));
  const args = await parseImportArgs(['zoo', zoo('Abilene'), '--out', join(dir, 'a.yaml'), '--weights', w, '--path-metric', 'hops', '--slo-p99', '5ms', '--slo-error-rate', 'off']);
  if (args?.kind !== 'zoo') return assert.unreachable(`parsed as ${args?.kind}`);
  assert.equal(args.network.weights, { '0': 2, '1': 1 });
  assert.is(args.network.pathMetric, 'hops');
  assert.equal(args.network.linkSlo, { utilization: 0.9, window: 60, p99: 0.005 });
  const r = await capture(['zoo', zoo('Abilene'), '--out', join(dir, 'a.yaml'), '--weights', w]);
  // Only routers 0 and 1 have weight: two routed pairs (0 -> 1, 1 -> 0), two entries.
  assert.match(r.out, /entries\s+2 \(one per origin router\), gravity traffic over 2 routed router pairs/);
  const deg = await parseImportArgs(['zoo', zoo('Abilene'), '--out', join(dir, 'a.yaml'), '--weights', 'degree']);
  assert.is(deg?.kind === 'zoo' ? deg.network.weights : undefined, 'degree');
});

test('--weights file with a key that is no router id: the weights file, its line and key are named, with a hint and the router ids', async () => {
  const dir = await tmp();
  const w = join(dir, 'w.json');
  await writeFile(w, '{"0": 5,\n "zz": 1,\n "Chicago": 2, "11": 1}');
  const argv = ['zoo', zoo('Abilene'), '--out', join(dir, 'a.yaml'), '--weights', w];
  await rejects(argv, new RegExp(`^shadowcast import zoo: --weights ${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 3 key\\(s\\) are not router ids of .*Abilene\\.graphml`), 3);
  try {
    await run(argv);
  } catch (e) {
    const shown = errorReport('import', e, false);
    assert.ok(shown.includes(`${w}:2: "zz": unknown router id\n`), shown); // no guess: nothing in common with an id
    assert.ok(shown.includes(`${w}:3: "Chicago": unknown router id ("Chicago" is the label of router "1": weights are keyed by router id)`), shown);
    assert.ok(shown.includes(`${w}:3: "11": unknown router id (did you mean "1"?)`), shown);
    assert.match(shown, /the router ids are "0" \(New York\), "1" \(Chicago\), .* \(11 routers\)/);
    assert.not.match(shown, /network\.traffic\.gravity/);
  }
  assert.equal(await readdir(dir), ['w.json']);
});

test.run();
