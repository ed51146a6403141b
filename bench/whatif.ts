/**
 * What-if batch on the shop: the bundled example batch (twins/examples/
 * shop-whatif.yaml), 3 load levels × 4 productcatalog replica counts, 200
 * replications × 1 h per cell, all on common random numbers. Target: the
 * whole grid in <= 5 min. BENCH_WHATIF_REPLICATIONS and BENCH_WHATIF_HORIZON
 * (seconds) shrink it; the target is then judged on what ran and says so,
 * with the time the full size would take at the measured speed.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { whatif } from '../runs/commands/whatif.js';
import { REPO_ROOT } from '../runs/paths.js';
import { meetsTarget } from '../twins/whatif/find.js';
import type { BenchSection, Cell } from './table.js';

const FULL = { replications: 200, horizon: 3600 };
const REPLICATIONS = Number(process.env.BENCH_WHATIF_REPLICATIONS ?? FULL.replications);
const HORIZON = Number(process.env.BENCH_WHATIF_HORIZON ?? FULL.horizon);

export async function benchWhatif(): Promise<BenchSection[]> {
  const example = join(REPO_ROOT, 'twins/examples/shop-whatif.yaml');
  const dir = await mkdtemp(join(tmpdir(), 'shadowcast-bench-whatif-'));
  try {
    // The example, with its twin found from the temp folder and the sizes of this run.
    const text = (await readFile(example, 'utf8'))
      .replace(/^twin: .*$/m, `twin: ${join(REPO_ROOT, 'twins/examples/shop.yaml')}`)
      .replace(/^replications: .*$/m, `replications: ${REPLICATIONS}`)
      .replace(/^horizon: .*$/m, `horizon: ${HORIZON}s`);
    const batch = join(dir, 'batch.yaml');
    await writeFile(batch, text);
    const t0 = performance.now();
    const r = await whatif({ batch, out: join(dir, 'out'), find: false, target: undefined, maxCells: 64, yes: false, workers: availableParallelism(), resume: false, quiet: true });
    const seconds = (performance.now() - t0) / 1000;
    const target = 0.05;
    const rows: Record<string, Cell>[] = r.cells.map((c) => ({
      cell: c.id, 'worst node': c.worst.node, 'worst P(fail) hi': c.worst.hi,
      'productcatalog P(fail)': c.nodes.find((n) => n.node === 'productcatalog')?.pFail.mean ?? null,
      'core-hours': c.coreHours, 'under 5 %': meetsTarget(c, target),
    }));
    const full = REPLICATIONS >= FULL.replications && HORIZON >= FULL.horizon;
    const scale = (FULL.replications * FULL.horizon) / (REPLICATIONS * HORIZON);
    const eventsPerSecond = r.stats.events / seconds;
    return [{
      name: 'whatif',
      title: `What-if: shop, ${r.cells.length} cells (3 load × 4 productcatalog replicas) × ${REPLICATIONS} replications × ${HORIZON / 60} min, common random numbers`,
      columns: ['cell', 'worst node', 'worst P(fail) hi', 'productcatalog P(fail)', 'core-hours', 'under 5 %'],
      rows,
      targets: [{
        what: '3 × 4 grid × 200 replications × 1 h in <= 300 s',
        met: full && seconds <= 300,
        detail: `${seconds.toFixed(1)} s for ${r.stats.runs} Monte Carlo runs (12 cells + the base; equal cells share a run), ${(r.stats.events / 1e6).toFixed(0)} M events, ${(eventsPerSecond / 1e6).toFixed(2)} M events/s on ${availableParallelism()} core(s)` +
          (full ? '' : `; reduced sizes: not the target run; the full size at this speed: ~${(seconds * scale).toFixed(0)} s`),
      }],
      extra: { seconds, stats: r.stats, replications: REPLICATIONS, horizon: HORIZON, fullSizeEstimateSeconds: seconds * scale },
    }];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
