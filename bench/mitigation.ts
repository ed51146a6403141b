/**
 * Mitigation engine on the shop at nominal load: proposeMitigations finds the
 * risk anomalies (recommendation), generates candidates, searches the
 * smallest scale-out, evaluates each candidate against one baseline with
 * common random numbers and chooses. Target: a strategy bringing
 * recommendation's P(fail) upper bound under 5 % with a paired interval below
 * 0, with >= 10 candidates x 200 replications x 30 min in <= 3 min. The
 * sizes can be lowered with BENCH_MITIGATION_REPLICATIONS / _HORIZON /
 * _CANDIDATES (the targets are then judged on what ran, and say so).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { proposeMitigations } from '../runs/mitigation/propose.js';
import { REPO_ROOT } from '../runs/paths.js';
import { loadTwinFile } from '../twins/definition/load.js';
import type { BenchSection, Cell } from './table.js';

const REPLICATIONS = Number(process.env.BENCH_MITIGATION_REPLICATIONS ?? 200);
const HORIZON = Number(process.env.BENCH_MITIGATION_HORIZON ?? 1800);
const CANDIDATES = Number(process.env.BENCH_MITIGATION_CANDIDATES ?? 10);

export async function benchMitigation(): Promise<BenchSection[]> {
  const twin = await loadTwinFile(join(REPO_ROOT, 'twins/examples/shop.yaml'));
  const t0 = performance.now();
  const r = await proposeMitigations({ twin, settings: { seed: 1, horizon: HORIZON, reportWindow: 60 }, replications: REPLICATIONS, maxCandidates: CANDIDATES, workers: availableParallelism() });
  const seconds = (performance.now() - t0) / 1000;
  const rows: Record<string, Cell>[] = r.evaluations.map((e) => {
    const rec = e.nodes.find((n) => n.node === 'recommendation');
    return {
      strategy: e.strategy.id, verdict: e.verdict,
      'rec P(fail) hi': rec?.candidate.hi ?? null, 'rec change': rec?.change.mean ?? null, 'change lo': rec?.change.lo ?? null, 'change hi': rec?.change.hi ?? null,
      'core-hours': e.cost.coreHours, 'blast radius': e.blastRadius.join(' '), chosen: r.proposal?.strategy.id === e.strategy.id,
    };
  });
  const rec = r.proposal?.evaluation.nodes.find((n) => n.node === 'recommendation');
  const full = REPLICATIONS >= 200 && HORIZON >= 1800 && r.evaluations.length >= 10;
  const perWorker = r.runs.events / r.runs.seconds / availableParallelism();
  return [{
    name: 'mitigation',
    title: `Mitigation: shop at 150 req/s, ${r.evaluations.length} candidates x ${REPLICATIONS} replications x ${HORIZON / 60} min, paired (CRN) against one baseline`,
    columns: ['strategy', 'verdict', 'rec P(fail) hi', 'rec change', 'change lo', 'change hi', 'core-hours', 'blast radius', 'chosen'],
    rows,
    targets: [
      {
        what: "a strategy bringing recommendation's P(fail) upper bound under 5 %, paired interval below 0",
        met: !!rec && rec.candidate.hi < 0.05 && rec.change.hi < 0,
        detail: r.proposal ? `${r.proposal.strategy.id}: upper bound ${rec ? (100 * rec.candidate.hi).toFixed(1) : '?'} %, change ${rec?.change.mean.toFixed(3)} [${rec?.change.lo.toFixed(3)}, ${rec?.change.hi.toFixed(3)}]` : `no proposal: ${r.choice?.explanation ?? 'no candidates'}`,
      },
      {
        what: '>= 10 candidates x 200 replications x 30 min in <= 180 s',
        met: full && seconds <= 180,
        detail: `${seconds.toFixed(0)} s for ${r.runs.count} runs (${r.evaluations.length} candidates + baseline) of ${REPLICATIONS} x ${HORIZON} s, ${(r.runs.events / 1e6).toFixed(0)} M events, ${(perWorker / 1e6).toFixed(2)} M events/s per worker${full ? '' : ' (reduced sizes: not the target run)'}`,
      },
    ],
    extra: { seconds, runs: r.runs, anomalies: r.anomalies.map((a) => a.id), searches: r.searches.map((s) => ({ node: s.node, replicas: s.replicas, evaluations: s.evaluations.map((e) => e.strategy.id) })), choice: r.choice?.explanation ?? null },
  }];
}
