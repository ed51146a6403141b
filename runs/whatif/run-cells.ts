/**
 * Running the cells of a what-if batch: every cell (and the base cell) is a
 * Monte Carlo run on the same seed, so replication i of every cell draws
 * from the same streams (common random numbers), on one executor shared by
 * all cells so that cells asked together keep every worker busy. Each run
 * checkpoints its chunks under a folder named by its content key
 * (runs/montecarlo/), so an interrupted batch resumes without recomputing a
 * finished chunk, and two cells with the same twin run once.
 *
 * With a stopping rule each cell's run looks at fixed replication counts
 * (runs/montecarlo/stopping.ts: the same groups for every cell, since they
 * share the replication count) and stops once every node's P(fail) is
 * settled, so the replications a cell runs depend only on its replications'
 * outcomes, never on the workers or timing.
 */
import { availableParallelism } from 'node:os';
import type { ForecastBundle } from '../../models/forecast.js';
import type { SimulationSettings } from '../../twins/flow/simulate.js';
import { cellFigures, type CellFigures, type CellRun } from '../../twins/whatif/figures.js';
import type { BatchSettings, CellStopping, PreparedCell } from '../../twins/whatif/types.js';
import type { Executor } from '../executors/executor.js';
import { localExecutor } from '../executors/local.js';
import { defaultChunkSize } from '../montecarlo/chunks.js';
import { monteCarloKey } from '../montecarlo/run-key.js';
import { runMonteCarlo, type MonteCarloResult } from '../montecarlo/runner.js';
import type { StoppingRule } from '../montecarlo/stopping.js';

export interface CellRunnerOptions {
  /** Worker threads; 0 = this thread. Default: the machine's parallelism. Ignored when `executor` is given. */
  readonly workers?: number;
  /** Where replications run (e.g. BullMQ workers); the runner closes it. Default: local threads. */
  readonly executor?: Executor;
  /** Chunk checkpoints (resume); null = none. */
  readonly checkpointDir: string | null;
  readonly signal?: AbortSignal;
  /** Replications done so far over every run started, after each chunk. */
  readonly onProgress?: (done: number) => void;
}

/** Totals of the runs, for the console (not the files: they must not depend on how the run went). */
export interface RunStats {
  runs: number;
  chunks: number;
  resumedChunks: number;
  retriedChunks: number;
  events: number;
  /** Replications run over every run (with stopping, fewer than runs × the batch's). */
  replications: number;
}

function cellStopping(r: MonteCarloResult): CellStopping | null {
  const s = r.stopping;
  return s && { replications: s.replications, maxReplications: s.maxReplications, looks: s.looks, stoppedEarly: s.stoppedEarly, reason: s.reason };
}

export class CellRunner {
  private readonly executor: Executor;
  private readonly runs = new Map<string, Promise<Pick<CellRun, 'summary' | 'stopping'>>>();
  private readonly done = new Map<string, number>();
  readonly stats: RunStats = { runs: 0, chunks: 0, resumedChunks: 0, retriedChunks: 0, events: 0, replications: 0 };
  constructor(
    private readonly cells: readonly PreparedCell[],
    private readonly baseCell: PreparedCell,
    private readonly settings: BatchSettings,
    private readonly forecast: ForecastBundle | null,
    private readonly options: CellRunnerOptions,
  ) {
    this.executor = options.executor ?? localExecutor(options.workers ?? availableParallelism());
  }

  get workers(): number {
    return this.executor.workers;
  }

  /**
   * The montecarlo rule of the batch's: P(fail) clear of the target and/or
   * within the precision, at the batch's level. Clear of the target, a cell
   * is also settled once one node is clearly above it: it misses the target
   * whatever the other nodes do.
   */
  private stoppingRule(): StoppingRule | null {
    const s = this.settings;
    return s.stopping && { threshold: s.stopping.whenClear ? s.target : null, precision: s.stopping.precision, level: s.confidence, settleWhenAnyAbove: s.stopping.whenClear };
  }

  private simulationSettings(cell: PreparedCell): SimulationSettings {
    const s = this.settings;
    return { seed: s.seed, horizon: s.horizon, reportWindow: s.window, warmup: s.warmup, state: cell.state, forecast: this.forecast };
  }

  private keyOf(cell: PreparedCell): string {
    return monteCarloKey(cell.twin, this.simulationSettings(cell), defaultChunkSize(this.settings.replications));
  }

  /** Monte Carlo runs the base and the cells at these grid indices need: cells equal to each other (or to the base) share one. */
  distinctRuns(indices: readonly number[]): number {
    return new Set([this.baseCell, ...indices.map((i) => this.cells[i]!)].map((c) => this.keyOf(c))).size;
  }

  /** One Monte Carlo run per distinct (twin, settings): a cell equal to another (or to the base) shares its run. */
  private async run(cell: PreparedCell): Promise<CellRun> {
    const settings = this.simulationSettings(cell);
    const { replications } = this.settings;
    const key = this.keyOf(cell);
    let summary = this.runs.get(key);
    if (!summary) {
      summary = runMonteCarlo(cell.twin, {
        replications, settings, executor: this.executor, checkpointDir: this.options.checkpointDir, stopping: this.stoppingRule(),
        ...(this.options.signal ? { signal: this.options.signal } : {}),
        onProgress: (done) => {
          this.done.set(key, done);
          this.options.onProgress?.([...this.done.values()].reduce((a, b) => a + b, 0));
        },
      }).then((r) => {
        this.stats.runs++;
        this.stats.chunks += r.chunks;
        this.stats.resumedChunks += r.resumedChunks;
        this.stats.retriedChunks += r.retriedChunks;
        this.stats.events += r.summary.events;
        this.stats.replications += r.replications;
        return { summary: r.summary, stopping: cellStopping(r) };
      });
      this.runs.set(key, summary);
    }
    return { cell, twin: cell.twin, ...(await summary) };
  }

  /** The figures of the cells at these grid indices, each paired with the base cell; their runs go to the executor together. */
  async evaluate(indices: readonly number[]): Promise<CellFigures[]> {
    // Settled, not raced: when one run fails (or the batch is cancelled) the others finish or stop, and their checkpoints are written, before the pool closes.
    const settled = await Promise.allSettled([this.run(this.baseCell), ...indices.map((i) => this.run(this.cells[i]!))]);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [base, ...cells] = settled.map((r) => (r as PromiseFulfilledResult<CellRun>).value);
    return cells.map((c) => cellFigures(c, base!, this.settings.confidence, this.settings.warmup));
  }

  close(): Promise<void> {
    return this.executor.close();
  }
}
