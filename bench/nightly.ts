/**
 * The nightly benchmark (issue 10): `shadowcast nightly` on the bundled shop
 * (twins/examples/nightly.yaml: a week of 5-minute telemetry, 24 h horizon,
 * its replications and mitigation bounds), in a fresh folder and store, timed
 * step by step from the run's manifest. Targets: the whole run in <= 5 min,
 * report.html <= 2 MB. BENCH_NIGHTLY_REPLICATIONS shrinks the simulation (and
 * the mitigation's replications with it) for a quick look;
 * BENCH_NIGHTLY_STOPPING=0 turns the simulation's sequential stopping off
 * (on by default in the config). Kernel events are reported with the
 * seconds: they do not depend on how loaded the machine is. To see where the
 * time goes: `node --cpu-prof --cpu-prof-dir=DIR dist/bench/run.js nightly`
 * (one profile per thread, workers included).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNightlyConfig, type NightlyConfig } from '../runs/nightly/config.js';
import { STEPS } from '../runs/nightly/manifest.js';
import { runNightly } from '../runs/nightly/pipeline.js';
import { REPO_ROOT } from '../runs/paths.js';
import { SHOP_TELEMETRY_DEFAULTS } from '../twins/examples/shop-telemetry.js';
import type { BenchSection, Cell } from './table.js';

const CONFIG = join(REPO_ROOT, 'twins', 'examples', 'nightly.yaml');

export async function benchNightly(): Promise<BenchSection[]> {
  const read = await readNightlyConfig(CONFIG);
  const reps = process.env.BENCH_NIGHTLY_REPLICATIONS ? Number(process.env.BENCH_NIGHTLY_REPLICATIONS) : null;
  const sized: NightlyConfig = reps ? { ...read, simulation: { ...read.simulation, replications: reps }, mitigation: { ...read.mitigation, replications: reps } } : read;
  const config: NightlyConfig = process.env.BENCH_NIGHTLY_STOPPING === '0' ? { ...sized, simulation: { ...sized.simulation, stopping: null } } : sized;
  const dir = await mkdtemp(join(tmpdir(), 'shadowcast-bench-nightly-'));
  try {
    const t0 = performance.now();
    const r = await runNightly({ config, out: join(dir, 'out'), store: join(dir, 'runs.db') });
    const seconds = (performance.now() - t0) / 1000;
    const html = (await stat(r.report)).size;
    const data = (await stat(join(dir, 'out', 'report-data.json'))).size;
    const summary = JSON.parse(await readFile(join(dir, 'out', 'simulation', 'summary.json'), 'utf8')) as { run?: { events?: number; replications?: number } };
    const events = summary.run?.events ?? null;
    const stopping = r.manifest.simulation ?? null;
    const rows: Array<Record<string, Cell>> = STEPS.map((s) => ({ step: s, seconds: r.manifest.steps[s]?.seconds ?? null, note: r.manifest.steps[s]?.note ?? '' }));
    rows.push({ step: 'total', seconds, note: `exit ${r.exitCode}; ${r.atRisk.length} node(s) at risk` });
    return [{
      name: 'nightly',
      title: `Nightly: the shop, ${SHOP_TELEMETRY_DEFAULTS.days} days of 5-minute telemetry (twins/examples/shop-telemetry.csv), ${config.horizon / 3600} h horizon, ${stopping ? `${stopping.replications} of at most ${stopping.maxReplications} replications (sequential stopping)` : `${config.simulation.replications} replications`}, mitigation ${config.mitigation.replications} x ${config.mitigation.horizon / 3600} h x <= ${config.mitigation.maxCandidates} candidates`,
      columns: ['step', 'seconds', 'note'],
      rows,
      targets: [
        { what: 'nightly <= 5 min', met: seconds <= 300, detail: `${seconds.toFixed(1)} s on a machine shared with other jobs; simulation ${events === null ? '?' : (events / 1e6).toFixed(0)} M kernel events${stopping ? `, ${stopping.replications} of ${stopping.maxReplications} replications: ${stopping.reason}` : ''}` },
        { what: 'report.html <= 2 MB', met: html <= 2 * 1024 * 1024, detail: `${(html / 1024).toFixed(0)} KiB (report-data.json ${(data / 1024).toFixed(0)} KiB)` },
      ],
      extra: { seconds, reportBytes: html, reportDataBytes: data, exitCode: r.exitCode, atRisk: r.atRisk, simulationEvents: events, stopping, steps: r.manifest.steps },
    }];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
