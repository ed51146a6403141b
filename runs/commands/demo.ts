/**
 * `shadowcast demo`: the bundled examples end to end. Part 1 simulates the
 * 3-station Jackson network on the bare engine and prints each station's
 * figures with 95 % intervals beside the exact product-form values. Part 2 is
 * the main job: Monte Carlo of the shop twin (twins/examples/shop.yaml),
 * which nodes fail, how likely and when, written to out/demo/. Part 3 builds a
 * real shadow of the nodes at risk from that result: plan, up (processes on
 * loopback in the predicted state), forecast-shaped traffic, the sim-to-real
 * comparison, down (out/demo-shadow/). Part 4 answers the nodes at risk:
 * a mitigation proposal, its auto-approval, a dry-run apply and the audit
 * trail (out/demo-mitigation/; demo-mitigation.ts). Part 5 is scale: a
 * generated 250-router backbone routed by forwarding tables and a generated
 * 100-service system at screened fidelity (demo-scale.ts, out/demo-scale/).
 * Last, the nightly on the
 * bundled week of shop telemetry (demo-nightly.ts, out/demo-nightly/).
 */
import { across, networkModel, replicate, type Exponential, type NetworkResults } from '../../engine/index.js';
import { jacksonExample } from '../../engine/examples.js';
import { jacksonThroughputs, mmc } from '../../engine/queueing-theory.js';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { defineCommand, parseFlags, usageText } from '../flags.js';
import { formatDuration, formatInterval, table } from '../format.js';
import { parseSimulateArgs, simulate } from './simulate.js';

export const DEMO = defineCommand({
  command: 'demo',
  flags: {
    replications: { kind: 'positiveInt', default: '20', help: 'replications of the Jackson network (part 1)' },
    'shop-replications': { kind: 'positiveInt', default: '40', help: 'simulated futures of the shop twin (part 2)' },
    horizon: { kind: 'duration', default: '30m', help: 'simulated time of each shop future' },
    seed: { kind: 'int', value: 'S', default: '1', help: 'random seed' },
    out: { kind: 'path', value: 'DIR', absent: "out/demo in the repository", help: 'where the shop files go (the shadow goes to DIR-shadow, mitigation to DIR-mitigation)' },
    'shadow-seconds': { kind: 'duration', default: '20s', help: 'wall-clock time of traffic injected into the shadow (part 3)' },
    'no-shadow': { kind: 'boolean', help: 'skip part 3 (the shadow: real processes and loopback traffic)' },
    'no-mitigation': { kind: 'boolean', help: 'skip part 4 (mitigation: proposal, auto-approval, dry-run apply, audit trail)' },
    'no-scale': { kind: 'boolean', help: 'skip part 5 (scale: a 250-router routed backbone, a 100-service system at screened fidelity)' },
  },
});

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(DEMO, argv);
  if (!parsed) {
    console.log(usageText(DEMO));
    return 0;
  }
  const { replications, seed } = parsed.values;
  const out = parsed.values.out ?? join(REPO_ROOT, 'out', 'demo');
  const shopReplications = parsed.values['shop-replications'];
  const shopHorizon = parsed.values.horizon;
  const spec = jacksonExample();
  const horizon = 50_000, warmup = 1_000;
  console.log(`== Part 1: the engine on a Jackson network (3 stations, feedback), ${replications} replications of ${horizon} time units, warm-up ${warmup}, seed ${seed} ==`);
  const t0 = performance.now();
  const runs: NetworkResults[] = replicate(
    networkModel(jacksonExample),
    { seed, replications, warmup, horizon },
  );
  const seconds = (performance.now() - t0) / 1000;
  const gamma = spec.stations.map((s) => (typeof s.arrivals === 'number' ? s.arrivals : 0));
  const lambda = jacksonThroughputs(gamma, spec.routing!);
  const rows = spec.stations.map((s, i) => {
    const exact = mmc(lambda[i]!, (s.service as Exponential).rate, s.servers);
    const ci = (f: (r: NetworkResults) => number) => formatInterval(across(runs, f));
    return [
      `${s.name} (c=${s.servers})`,
      ci((r) => r.stations[i]!.throughput), lambda[i]!.toFixed(4),
      ci((r) => r.stations[i]!.utilization), exact.rho.toFixed(4),
      ci((r) => r.stations[i]!.meanInSystem), exact.l.toFixed(4),
      ci((r) => r.stations[i]!.meanSojourn), exact.w.toFixed(4),
      ci((r) => r.stations[i]!.sojourn.quantile(0.95)),
    ];
  });
  console.log(table(['station', 'throughput', 'exact', 'utilization', 'exact', 'L', 'exact', 'W', 'exact', 'W p95'], rows));
  const totalL = spec.stations.reduce((acc, s, i) => acc + mmc(lambda[i]!, (s.service as Exponential).rate, s.servers).l, 0);
  const e2e = across(runs, (r) => r.sojourn.mean);
  console.log(`end-to-end sojourn: ${formatInterval(e2e)} (exact ${(totalL / gamma.reduce((a, b) => a + b, 0)).toFixed(4)}); intervals are 95 % Student t over replications`);
  const events = runs.reduce((acc, r) => acc + r.stations.reduce((a, s) => a + s.arrivals + s.completed, 0), 0);
  console.log(`${events.toLocaleString('en-US')} events (after warm-up) in ${seconds.toFixed(2)} s`);

  const twin = join(REPO_ROOT, 'twins', 'examples', 'shop.yaml');
  console.log(`\n== Part 2: the shop twin (${twin}), ${shopReplications} futures of ${formatDuration(shopHorizon)} ==`);
  // simulate's default report window (5m): given as --window, a demo --horizon under 5m would be refused.
  const args = parseSimulateArgs(['--twin', twin, '--out', out, '--replications', String(shopReplications), '--horizon', formatDuration(shopHorizon), '--seed', String(seed)])!;
  const result = await simulate(args);
  console.log(result.table);
  console.log(`\nwritten: ${result.files.join(', ')}`);
  if (!parsed.values['no-shadow']) await shadowPart(twin, out, parsed.values['shadow-seconds']);
  if (!parsed.values['no-mitigation']) await (await import('./demo-mitigation.js')).mitigationPart(twin, out, `${out}-mitigation`, shopReplications);
  if (!parsed.values['no-scale']) await (await import('./demo-scale.js')).scalePart(`${out}-scale`, seed);
  // Last: the nightly on the bundled week of telemetry (its exit code 1 only says a node is at risk).
  await (await import('./demo-nightly.js')).nightlyPart(out, 12);
  return 0;
}

/**
 * Part 3 through the same subcommands a user types. Fidelity 0.3 puts θ at
 * 15.5 %: with 40 futures a node that never failed has a Wilson upper bound
 * of 8.8 %, so only nodes that did fail can be critical.
 */
async function shadowPart(twin: string, simDir: string, seconds: number): Promise<void> {
  const dir = `${simDir}-shadow`;
  const plan = join(dir, 'plan.json');
  const shadow = (await import('./shadow/index.js')).run;
  console.log(`\n== Part 3: a shadow of the nodes at risk (${dir}) ==\n\n$ shadowcast shadow plan --fidelity 0.3 ...`);
  await shadow(['plan', '--twin', twin, '--result', simDir, '--fidelity', '0.3', '--duration', '60s', '--budget', 'processes=6,cores=2,memory=1Gi', '--out', plan]);
  console.log('\n$ shadowcast shadow up ...');
  await shadow(['up', '--plan', plan, '--dir', dir]);
  try {
    console.log(`\n$ shadowcast shadow inject --duration ${formatDuration(seconds)} ...`);
    await shadow(['inject', '--dir', dir, '--duration', formatDuration(seconds), '--interval', '5s']);
    console.log('\n$ shadowcast shadow compare ...');
    await shadow(['compare', '--dir', dir]);
  } finally {
    console.log('\n$ shadowcast shadow down ...');
    await shadow(['down', '--dir', dir]);
  }
}
