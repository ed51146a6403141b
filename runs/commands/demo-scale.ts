/**
 * The scale part of `shadowcast demo`, through the commands a user types:
 * an ISP-size network twin (a generated 250-router backbone whose traffic is a
 * gravity rule and whose routing is built when the twin loads, not stored per
 * pair) simulated packet by packet, then what happens when its busiest link
 * fails (a linkDown scenario: the forwarding tables are rebuilt and the same
 * packets, on common random numbers, take the detours) and when it is out
 * for one second only (linkDown then linkUp, with `at`), then a generated
 * 100-service system simulated at screened fidelity with sequential stopping.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run as generateCommand } from './generate.js';
import { run as importCommand } from './import/index.js';
import { parseSimulateArgs, simulate } from './simulate.js';

/** Runs both halves under `out` (out/demo-scale); returns nothing: a failure throws. */
export async function scalePart(out: string, seed: number): Promise<void> {
  const backbone = join(out, 'backbone-250.json');
  // Traffic in 1 MB units (flowlets) at 90 % on the busiest link: packet by packet, 250 routers at 90 % is
  // 50 M packets/s, which the bench (make bench, section network) runs for a second; the demo keeps to seconds.
  const importArgs = ['backbone', '--routers', '250', '--model', 'waxman', '--seed', String(seed), '--utilization', '0.9', '--packet-bytes', '1000000', '--slo-window', '1s', '--out', backbone];
  console.log(`\n== Part 5: scale (${out}) ==\n\n$ shadowcast import ${importArgs.join(' ')}`);
  const code = await importCommand(importArgs);
  if (code !== 0) throw new Error(`import backbone exited ${code}`);
  const netOut = join(out, 'backbone-sim');
  const simArgs = ['--twin', backbone, '--out', netOut, '--replications', '4', '--horizon', '3s', '--window', '1s', '--seed', String(seed), '--quiet'];
  console.log(`\n$ shadowcast simulate ${simArgs.join(' ')}`);
  await simulate(parseSimulateArgs(simArgs)!);
  const summary = JSON.parse(await readFile(join(netOut, 'summary.json'), 'utf8')) as { nodes: NodeRow[] };
  console.log('the busiest link directions (4 replications: wide intervals; the bench runs more):');
  const busiest = summary.nodes.filter((n) => n.id.includes('->')).sort((a, b) => b.figures.utilization.mean - a.figures.utilization.mean).slice(0, 4);
  for (const n of busiest) {
    console.log(`  ${n.id.padEnd(14)} utilization ${(100 * n.figures.utilization.mean).toFixed(1)} %  P(fail) ${(100 * n.pFail.mean).toFixed(0)} % [${(100 * n.pFail.lo).toFixed(0)} %, ${(100 * n.pFail.hi).toFixed(0)} %]${n.mainCondition ? ` (${n.mainCondition})` : ''}`);
  }
  await linkFailure(backbone, busiest[0]!.id, summary.nodes, [...simArgs], out);
  await microservicesPart(out, seed);
}

/**
 * N-1 on the busiest link: a linkDown scenario of both its directions, the
 * same run otherwise (same seed: the same packets, so the change is paired),
 * and the link directions whose load rose most, i.e. the detours.
 */
async function linkFailure(backbone: string, station: string, before: readonly NodeRow[], simArgs: string[], out: string): Promise<void> {
  const twin = JSON.parse(await readFile(backbone, 'utf8')) as { network: { links: { station: string; from: string; to: string }[] } };
  const link = twin.network.links.find((l) => l.station === station)!;
  const scenario = join(out, 'busiest-link-down.json');
  await writeFile(scenario, JSON.stringify([{ op: 'linkDown', between: [link.from, link.to] }]));
  const cutOut = join(out, 'backbone-sim-link-down');
  const args = [...simArgs.map((a, i) => (simArgs[i - 1] === '--out' ? cutOut : a)), '--scenario', scenario];
  console.log(`
what if the busiest link, ${link.from}-${link.to}, fails? (the forwarding tables are rebuilt; same seed, so the same packets)
$ shadowcast simulate ${args.join(' ')}`);
  await simulate(parseSimulateArgs(args)!);
  const after = new Map((JSON.parse(await readFile(join(cutOut, 'summary.json'), 'utf8')) as { nodes: NodeRow[] }).nodes.map((n) => [n.id, n]));
  const util = (n: NodeRow | undefined) => n?.figures.utilization.mean ?? 0;
  const rise = before.filter((n) => n.id.includes('->')).map((n) => ({ n, a: after.get(n.id)!, d: util(after.get(n.id)) - util(n) })).sort((x, y) => y.d - x.d).slice(0, 4);
  console.log('the link directions that take its traffic (utilization and P(fail), before -> after):');
  for (const { n, a } of rise) {
    console.log(`  ${n.id.padEnd(14)} ${(100 * util(n)).toFixed(1)} % -> ${(100 * util(a)).toFixed(1)} %   P(fail) ${(100 * n.pFail.mean).toFixed(0)} % -> ${(100 * a.pFail.mean).toFixed(0)} % [${(100 * a.pFail.lo).toFixed(0)} %, ${(100 * a.pFail.hi).toFixed(0)} %]`);
  }
  console.log(`(an N-1 grid over several links is a what-if batch with a labelled failure axis: docs/whatif.md)`);
  await outage(link, [station, rise[0]!.n.id], simArgs, out);
}

/** The same link out from 1 s to 2 s only (a repair: linkUp), read per 1-s window: the detour carries its traffic only then. */
async function outage(link: { readonly from: string; readonly to: string }, watch: readonly string[], simArgs: string[], out: string): Promise<void> {
  const scenario = join(out, 'busiest-link-outage.json');
  const between = [link.from, link.to];
  await writeFile(scenario, JSON.stringify([{ op: 'linkDown', between, at: '1s' }, { op: 'linkUp', between, at: '2s' }]));
  const outageOut = join(out, 'backbone-sim-outage');
  const args = [...simArgs.map((a, i) => (simArgs[i - 1] === '--out' ? outageOut : a)), '--scenario', scenario];
  console.log(`
and if it is out for one second only, from 1 s to 2 s? (${scenario}: linkDown at 1s, linkUp at 2s)
$ shadowcast simulate ${args.join(' ')}`);
  await simulate(parseSimulateArgs(args)!);
  const file = join(outageOut, 'windows.csv');
  const [header, ...lines] = (await readFile(file, 'utf8')).trim().split('\n');
  const cols = header!.split(',');
  const [iNode, iStart, iUtil] = ['node', 'start_s', 'utilization'].map((c) => cols.indexOf(c));
  if ([iNode, iStart, iUtil].some((i) => i! < 0)) throw new Error(`${file}: expected the columns node, start_s and utilization in its header, got ${header}`);
  console.log('utilization per 1-s window (0-1 s, 1-2 s: the outage, 2-3 s: repaired):');
  for (const id of watch) {
    const rows = lines.map((l) => l.split(',')).filter((r) => r[iNode!] === id).sort((a, b) => Number(a[iStart!]) - Number(b[iStart!]));
    console.log(`  ${id.padEnd(14)} ${rows.map((r) => `${(100 * Number(r[iUtil!])).toFixed(1)} %`.padStart(8)).join('  ')}`);
  }
}

/**
 * A generated 100-service system (fan-out and depth like published call
 * graphs, a few hot spots) simulated at screened fidelity: subtrees an M/G/c
 * screen and a short full pilot find far from risk run as their measured
 * response times, so each replication simulates fewer events.
 */
async function microservicesPart(out: string, seed: number): Promise<void> {
  const twin = join(out, 'microservices-100.yaml');
  const genArgs = ['microservices', '--services', '100', '--seed', String(seed), '--out', twin];
  console.log(`\n$ shadowcast generate ${genArgs.join(' ')}`);
  const code = await generateCommand(genArgs);
  if (code !== 0) throw new Error(`generate microservices exited ${code}`);
  const simOut = join(out, 'microservices-sim');
  const simArgs = ['--twin', twin, '--out', simOut, '--replications', '40', '--horizon', '5m', '--window', '5m', '--seed', String(seed), '--fidelity', 'screened', '--quiet'];
  console.log(`\n$ shadowcast simulate ${simArgs.join(' ')}`);
  await simulate(parseSimulateArgs(simArgs)!);
  const summary = JSON.parse(await readFile(join(simOut, 'summary.json'), 'utf8')) as { nodes: NodeRow[]; run: { fidelity?: { pilotReplications: number; screened: { id: string; delayStation: boolean }[] } } };
  const screened = summary.run.fidelity?.screened ?? [];
  console.log(`${screened.length} of ${summary.nodes.length} services screened as far from risk (their figures from a ${summary.run.fidelity?.pilotReplications ?? 0}-replication full pilot; ${screened.filter((n) => n.delayStation).length} still visited as delay stations); the most at risk:`);
  const top = [...summary.nodes].sort((a, b) => b.pFail.mean - a.pFail.mean).slice(0, 5);
  for (const n of top) {
    console.log(`  ${n.id.padEnd(12)} P(fail) ${(100 * n.pFail.mean).toFixed(0)} % [${(100 * n.pFail.lo).toFixed(0)} %, ${(100 * n.pFail.hi).toFixed(0)} %]${n.mainCondition ? ` (${n.mainCondition})` : ''}`);
  }
  console.log(`written: ${join(simOut, 'summary.json')} (run.fidelity says why each service was screened)`);
}

/** The fields of a summary.json node row this part prints. */
interface NodeRow {
  readonly id: string;
  readonly pFail: { readonly mean: number; readonly lo: number; readonly hi: number };
  readonly mainCondition: string | null;
  readonly figures: { readonly utilization: { readonly mean: number } };
}
