/**
 * The what-if output files: cells.json (the batch, every cell's figures per
 * node, the --find decision) and cells.csv (one row per cell and node).
 * Both depend only on the batch and its inputs, never on how the run went
 * (workers, resumed chunks, seconds), so a resumed or re-run batch writes
 * the same bytes. Format: docs/whatif.md.
 */
import { writeToString } from 'fast-csv';
import type { CellFigures } from '../../twins/whatif/figures.js';
import { cellVerdict, meetsTarget, type FindResult } from '../../twins/whatif/find.js';
import type { Batch, Cell } from '../../twins/whatif/types.js';

export const WHATIF_FORMAT = 'shadowcast-whatif/1';

/** The files a batch writes into its output folder (with report.html): checked before the run (runs/report/atomic.ts checkOutputFolder). */
export const WHATIF_FILES = ['cells.json', 'cells.csv', 'report.html'] as const;

/** What the files say about the run's inputs. */
export interface BatchInfo {
  readonly batch: Batch;
  readonly twin: string;
  readonly twinHash: string;
  readonly warnings: readonly string[];
}

/** NaN and infinities (a figure with no observations, an interval from one pair) are written as null. */
const finiteOrNull = (_key: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

export function cellsJson(info: BatchInfo, cells: readonly CellFigures[], grid: readonly Cell[], find: FindResult | null): string {
  const { batch } = info;
  const deltas = new Map(grid.map((c) => [c.index, c.deltas]));
  const body = {
    format: WHATIF_FORMAT,
    batch: batch.source,
    twin: info.twin,
    twinHash: info.twinHash,
    files: batch.files,
    settings: batch.settings,
    axes: batch.axes.map((a) => ({ name: a.name, values: a.values.map((v) => v.label) })),
    cellsInGrid: grid.length,
    cells: cells.map((c) => ({ ...c, meetsTarget: meetsTarget(c, batch.settings.target), verdict: cellVerdict(c, batch.settings.target), deltas: deltas.get(c.index) ?? [] })),
    find,
    warnings: info.warnings,
  };
  return JSON.stringify(body, finiteOrNull, 1) + '\n';
}

export function cellsCsv(batch: Batch, cells: readonly CellFigures[]): Promise<string> {
  const axes = batch.axes.map((a) => a.name);
  const header = [
    'cell', ...axes, 'node', 'p_fail', 'p_fail_lo', 'p_fail_hi', 'failures', 'condition',
    'utilization', 'utilization_lo', 'utilization_hi', 'p99_s', 'p99_lo_s', 'p99_hi_s',
    'replica_hours', 'core_hours', 'p_fail_change', 'p_fail_change_lo', 'p_fail_change_hi', 'cell_meets_target',
    'cell_verdict', 'replications', 'paired_replications', 'stopped_early', 'stop_reason',
  ];
  const num = (v: number | null): string => (v === null || !Number.isFinite(v) ? '' : String(Number(v.toPrecision(8))));
  const rows = cells.flatMap((c) => c.nodes.map((n) => [
    c.id, ...axes.map((a) => c.values[a] ?? ''), n.node, num(n.pFail.mean), num(n.pFail.lo), num(n.pFail.hi), String(n.failures), n.condition ?? '',
    num(n.utilization.mean), num(n.utilization.lo), num(n.utilization.hi), num(n.p99.mean), num(n.p99.lo), num(n.p99.hi),
    num(n.replicaHours), num(n.coreHours), num(n.vsBase.pFail.mean), num(n.vsBase.pFail.lo), num(n.vsBase.pFail.hi),
    String(meetsTarget(c, batch.settings.target)),
    cellVerdict(c, batch.settings.target), String(c.replications), String(c.pairedReplications),
    c.stopping ? String(c.stopping.stoppedEarly) : '', c.stopping?.reason ?? '',
  ]));
  return writeToString([header, ...rows]).then((text) => text + '\n');
}
