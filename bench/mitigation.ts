/**
 * Mitigation engine on the shop at nominal load, as `mitigate propose` runs
 * it: the nodes at risk come from a simulation result (here 40 replications,
 * timed apart, like the `simulate` run a user makes first), then every
 * candidate of the catalogue is raced against one baseline on common random
 * numbers, up to 200 replications x 30 min each, and the choice made.
 * Target: a strategy bringing recommendation's P(fail) upper bound under 5 %
 * with a paired interval below 0, >= 10 candidates, in <= 3 min. The table
 * says per candidate how many replications it got and why it stopped. Sizes
 * shrink with BENCH_MITIGATION_REPLICATIONS / _HORIZON / _CANDIDATES /
 * _DETECT (the targets are then judged on what ran, and say so).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { proposeMitigations } from '../runs/mitigation/propose.js';
import { withExecutor } from '../runs/mitigation/evaluate-run.js';
import { runMonteCarlo } from '../runs/montecarlo/runner.js';
import { REPO_ROOT } from '../runs/paths.js';
import { loadTwinFile } from '../twins/definition/load.js';
import { riskAnomalies } from '../twins/mitigation/detect.js';
import { assessRisk } from '../twins/risk.js';
import type { StrategyEvaluation } from '../twins/mitigation/types.js';
import type { BenchSection, Cell } from './table.js';

const REPLICATIONS = Number(process.env.BENCH_MITIGATION_REPLICATIONS ?? 200);
const HORIZON = Number(process.env.BENCH_MITIGATION_HORIZON ?? 1800);
const CANDIDATES = process.env.BENCH_MITIGATION_CANDIDATES ? Number(process.env.BENCH_MITIGATION_CANDIDATES) : undefined;
const DETECT = Number(process.env.BENCH_MITIGATION_DETECT ?? 40);

export async function benchMitigation(): Promise<BenchSection[]> {
  const twin = await loadTwinFile(join(REPO_ROOT, 'twins/examples/shop.yaml'));
  const settings = { seed: 1, horizon: HORIZON, reportWindow: 60 };
  const workers = availableParallelism();
  return withExecutor(workers, undefined, async (executor) => {
    const detect = await runMonteCarlo(twin, { settings, replications: DETECT, executor });
    console.error(`mitigation bench: detection ${DETECT} replications in ${detect.seconds.toFixed(0)} s (${(detect.summary.events / 1e6).toFixed(0)} M events)`);
    const anomalies = riskAnomalies(assessRisk(detect.summary, 0.95).nodes, { threshold: 0.05 });
    const t0 = performance.now();
    // Progress on stderr (the table comes at the end): each candidate as it stops, with the time so far.
    const onEvaluation = (e: StrategyEvaluation, done: number) => console.error(`mitigation bench: ${((performance.now() - t0) / 1000).toFixed(0)} s, ${done} stopped: ${e.strategy.id} after ${e.replications} (${e.race?.stop ?? '-'}), ${e.cost.priced.toPrecision(3)} ${e.cost.unit}`);
    const r = await proposeMitigations({ twin, anomalies, settings, replications: REPLICATIONS, executor, onEvaluation, ...(CANDIDATES !== undefined ? { maxCandidates: CANDIDATES } : {}) });
    const seconds = (performance.now() - t0) / 1000;
    const rows: Record<string, Cell>[] = r.evaluations.map((e) => {
      const rec = e.nodes.find((n) => n.node === 'recommendation');
      return {
        strategy: e.strategy.id, verdict: e.verdict, replications: e.replications, stopped: e.race?.stop ?? null,
        'rec P(fail) hi': rec?.candidate.hi ?? null, 'change lo': rec?.change.lo ?? null, 'change hi': rec?.change.hi ?? null,
        'core-hours': e.cost.coreHours, 'requests shed': Math.round(e.cost.requestsShed), [`cost (${e.cost.unit})`]: e.cost.priced, chosen: r.proposal?.strategy.id === e.strategy.id,
      };
    });
    const rec = r.proposal?.evaluation.nodes.find((n) => n.node === 'recommendation');
    const full = REPLICATIONS >= 200 && HORIZON >= 1800 && r.evaluations.length >= 10;
    const perWorker = r.runs.events / r.runs.seconds / workers;
    return [{
      name: 'mitigation',
      title: `Mitigation: shop at 150 req/s, ${r.evaluations.length} candidates raced up to ${REPLICATIONS} replications x ${HORIZON / 60} min (looks ${r.runs.looks.join(', ')}), paired (CRN) against one baseline, ${workers} workers`,
      columns: ['strategy', 'verdict', 'replications', 'stopped', 'rec P(fail) hi', 'change lo', 'change hi', 'core-hours', 'requests shed', `cost (${r.evaluations[0]?.cost.unit ?? 'USD'})`, 'chosen'],
      rows,
      targets: [
        {
          what: "a strategy bringing recommendation's P(fail) upper bound under 5 %, paired interval below 0",
          met: !!rec && rec.candidate.hi < 0.05 && rec.change.hi < 0,
          detail: r.proposal && rec
            ? `${r.proposal.strategy.id} after ${rec.change.n} replications (${r.proposal.evaluation.race?.reason ?? 'not raced'}): upper bound ${(100 * rec.candidate.hi).toFixed(2)} %, paired change ${rec.change.mean.toFixed(3)} [${rec.change.lo.toFixed(3)}, ${rec.change.hi.toFixed(3)}]`
            : `no proposal: ${r.choice?.explanation ?? 'no candidates'}`,
        },
        {
          what: '>= 10 candidates, up to 200 replications x 30 min each, in <= 180 s',
          met: full && seconds <= 180,
          detail: `${seconds.toFixed(0)} s for ${r.evaluations.length} candidates + baseline, ${r.runs.replications} replications in all (baseline ${r.runs.replications - r.evaluations.reduce((s, e) => s + e.replications, 0)}), ${(r.runs.events / 1e6).toFixed(0)} M events, ${(perWorker / 1e6).toFixed(2)} M events/s per worker; detection run apart: ${DETECT} replications in ${detect.seconds.toFixed(0)} s${full ? '' : ' (reduced sizes: not the target run)'}`,
        },
      ],
      extra: {
        seconds, detectSeconds: detect.seconds, runs: r.runs, anomalies: r.anomalies.map((a) => a.id), unconfirmed: r.unconfirmed.map((a) => a.id),
        candidates: r.evaluations.map((e) => ({ id: e.strategy.id, replications: e.replications, stop: e.race?.stop ?? null, reason: e.race?.reason ?? null, verdict: e.verdict })),
        chosen: r.proposal ? { id: r.proposal.strategy.id, replications: r.proposal.evaluation.replications, recommendation: rec ?? null } : null,
        searches: r.searches.map((s) => ({ node: s.node, replicas: s.replicas })), choice: r.choice?.explanation ?? null,
      },
    }];
  });
}
