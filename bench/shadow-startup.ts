/**
 * `shadow up` of 10 processes: wall time from the call to every process
 * answering /healthz (shadowUp returns then), and the time of shadowDown
 * after it. The plan (shadow-plans.ts fanOutPlan) has 9 emulators in three
 * start levels (callees before callers) and the stub process. Each run
 * starts in a fresh folder; the figure is the median of RUNS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { shadowDown, shadowUp, type ShadowDownResult } from '../runs/shadow/materialise.js';
import { localLayout } from '../runs/shadow/materialise-plan.js';
import type { BenchSection, Cell } from './table.js';
import { fanOutPlan } from './shadow-plans.js';

const RUNS = 3;
const TARGET_SECONDS = 5;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function benchShadowStartup(): Promise<BenchSection> {
  const plan = fanOutPlan();
  const layout = localLayout(plan);
  const processes = layout.emulators.size + (layout.stubs.size > 0 ? 1 : 0);
  const root = await mkdtemp(join(tmpdir(), 'shadowcast-bench-up-'));
  const rows: Record<string, Cell>[] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      const dir = join(root, `run-${run}`);
      let upSeconds: number;
      let downSeconds: number;
      let down: ShadowDownResult;
      try {
        const t0 = performance.now();
        const state = await shadowUp(plan, dir);
        upSeconds = (performance.now() - t0) / 1000;
        if (state.processes.length !== processes) throw new Error(`shadow up started ${state.processes.length} processes, expected ${processes}`);
      } finally {
        // Also after a failed up (which has stopped what it started; then this finds nothing to stop).
        const t1 = performance.now();
        down = await shadowDown(dir);
        downSeconds = (performance.now() - t1) / 1000;
      }
      rows.push({ run: String(run), processes, 'start levels': layout.levels.length + 1, 'up → all healthy s': upSeconds, 'down s': downSeconds, stopped: down.stopped.length, 'needed SIGKILL': down.killed.length });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const up = median(rows.map((r) => r['up → all healthy s'] as number));
  const downMedian = median(rows.map((r) => r['down s'] as number));
  rows.push({ run: `median of ${RUNS}`, processes, 'start levels': layout.levels.length + 1, 'up → all healthy s': up, 'down s': downMedian, stopped: null, 'needed SIGKILL': null });
  return {
    name: 'shadow-startup',
    title: `shadow up of ${processes} processes (${layout.emulators.size} emulators in ${layout.levels.length} levels + the stub), then shadow down`,
    columns: ['run', 'processes', 'start levels', 'up → all healthy s', 'down s', 'stopped', 'needed SIGKILL'],
    rows,
    targets: [{ what: `shadow up of ${processes} nodes ready in ≤ ${TARGET_SECONDS} s`, met: up <= TARGET_SECONDS, detail: `median ${up.toFixed(2)} s (runs: ${rows.slice(0, RUNS).map((r) => (r['up → all healthy s'] as number).toFixed(2)).join(', ')}); shadow down median ${downMedian.toFixed(2)} s` }],
    extra: { levels: layout.levels },
  };
}
