/**
 * The 100-service nightly (issue 11, item 3): a generated 100-service twin
 * over a long horizon, full fidelity with every replication against
 * --fidelity screened with sequential stopping at the precision of a
 * 1000-replication run. Sizes from the environment (the full run is the slow
 * one): BENCH_MS_HORIZON (s, default 7200), BENCH_MS_FULL_REPLICATIONS
 * (default 1000), BENCH_MS_MAX_REPLICATIONS (the screened run's most, default
 * 1000), BENCH_MS_RATE (total entry rate, default 20), BENCH_MS_PILOT (10).
 */
import { availableParallelism } from 'node:os';
import { twinFromObject } from '../twins/definition/load.js';
import { generateMicroservices } from '../twins/generate/microservices.js';
import { assessRisk } from '../twins/risk.js';
import { runMonteCarlo } from '../runs/montecarlo/runner.js';
import { runScreened } from '../runs/montecarlo/fidelity.js';
import type { BenchSection, Cell } from './table.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const span = (seconds: number) => (seconds % 3600 === 0 ? `${seconds / 3600} h` : `${+(seconds / 60).toFixed(1)} min`);

export async function benchScaleMicroservices(): Promise<BenchSection[]> {
  const horizon = env('BENCH_MS_HORIZON', 7200), fullReps = env('BENCH_MS_FULL_REPLICATIONS', 1000);
  const maxReps = env('BENCH_MS_MAX_REPLICATIONS', 1000), rate = env('BENCH_MS_RATE', 20), pilot = env('BENCH_MS_PILOT', 10);
  const twin = twinFromObject(generateMicroservices({ services: 100, seed: 1, rate }), { source: 'generate microservices --services 100 --seed 1' });
  const settings = { seed: 5, horizon, reportWindow: 300 };
  const workers = availableParallelism();
  const threshold = 0.05;
  // The half-width of a 1000-replication 95 % interval at P(fail) = the threshold: the precision asked of the screened run.
  const precision = 1.96 * Math.sqrt((threshold * (1 - threshold)) / 1000);
  const above = (risk: ReturnType<typeof assessRisk>) => risk.nodes.filter((n) => n.pFail.mean > threshold).map((n) => n.id).sort();

  const full = await runMonteCarlo(twin, { settings, replications: fullReps, workers });
  const fullRisk = assessRisk(full.summary, 0.95);
  const fullAbove = above(fullRisk);
  const s = await runScreened(twin, {
    settings, replications: maxReps, workers, pilotReplications: pilot, level: 0.95,
    entryRates: twin.entries.map((e) => (e.arrival.kind === 'constant' ? e.arrival.rate * 1.5 : 0)),
    stopping: { precision, threshold, level: 0.95 },
  });
  const screenedAbove = above(s.risk);
  const seconds = s.fidelity.seconds.pilot + s.fidelity.seconds.reduced;
  const events = s.fidelity.events.pilot + s.fidelity.events.reduced;
  const rows: Record<string, Cell>[] = [
    { run: `full, ${fullReps} x ${span(horizon)}`, replications: full.replications, seconds: full.seconds, 'M events': full.summary.events / 1e6, stopped: 'all run', 'above 5 %': fullAbove.join(' ') || '-' },
    { run: `screened + stopping (pilot ${pilot}), most ${maxReps}`, replications: s.main.replications, seconds, 'M events': events / 1e6, stopped: s.main.stopping?.reason ?? '', 'above 5 %': screenedAbove.join(' ') || '-' },
  ];
  const same = fullAbove.join() === screenedAbove.join();
  // A small full run cannot place a node whose interval straddles the threshold: the fair check is on the nodes it settles.
  const pf = (id: string) => s.risk.nodes.find((n) => n.id === id)!.pFail.mean;
  const settled = fullRisk.nodes.filter((n) => n.pFail.lo > threshold || n.pFail.hi < threshold);
  const wrongSide = settled.filter((n) => (n.pFail.lo > threshold) !== (pf(n.id) > threshold)).map((n) => n.id);
  const differ = [...new Set([...fullAbove, ...screenedAbove])].filter((id) => fullAbove.includes(id) !== screenedAbove.includes(id))
    .map((id) => { const f = fullRisk.nodes.find((n) => n.id === id)!; return `${id}: full ${f.pFail.mean.toFixed(3)} [${f.pFail.lo.toFixed(3)}, ${f.pFail.hi.toFixed(3)}], screened ${pf(id).toFixed(3)}`; });
  const perRep = (full.seconds / full.replications) * 1000;
  return [{
    name: 'scale-microservices',
    title: `100-service nightly: generated twin (seed 1, ${rate} req/s), ${span(horizon)}; full fidelity vs screened + sequential stopping at 1000-replication precision (±${(100 * precision).toFixed(2)} points or clear of 5 %)`,
    columns: ['run', 'replications', 'seconds', 'M events', 'stopped', 'above 5 %'],
    rows,
    targets: [
      { what: 'same nodes above 5 % as the full run', met: same, detail: same ? `${fullAbove.length} node(s), the same` : `differ: ${differ.join('; ')}` },
      { what: "nodes the full run settles (interval clear of 5 %) are on the same side", met: wrongSide.length === 0, detail: `${settled.length} settled, ${wrongSide.length} on the other side${wrongSide.length ? `: ${wrongSide.join(' ')}` : ''}` },
      { what: 'screened + stopping within 5 min', met: seconds <= 300, detail: `${seconds.toFixed(0)} s on ${workers} thread(s); the full run's 1000 replications would take ~${perRep.toFixed(0)} s here` },
    ],
    extra: { horizon, fullReplications: fullReps, maxReplications: maxReps, rate, pilot, precision, screened: s.fidelity.screened.length, fullAbove, screenedAbove, differ, wrongSide, fidelitySeconds: s.fidelity.seconds, fidelityEvents: s.fidelity.events },
  }];
}
