/**
 * Runs replications of a twin (optionally modified by scenario deltas) and
 * summarises them. This is what a worker thread executes for its chunk; it is
 * pure given (twin, options, seed, replication range).
 */
import { Simulator, StreamFactory } from '../../engine/index.js';
import type { ForecastBundle } from '../../models/forecast.js';
import type { StateSnapshot } from '../state.js';
import type { Twin } from '../definition/types.js';
import { FlowModel } from './model.js';
import { ChunkBuilder, type ChunkSummary } from './summary.js';

export interface SimulationSettings {
  readonly horizon: number;
  readonly reportWindow: number;
  /** Warm-up deleted from the whole-run figures (seconds, default 0). */
  readonly warmup?: number;
  readonly seed: number | string;
  readonly state?: StateSnapshot | null;
  readonly forecast?: ForecastBundle | null;
}

/** Runs one replication to the horizon and returns the finished model. */
export function runTwinReplication(twin: Twin, settings: SimulationSettings, replication: number): FlowModel {
  const sim = new Simulator();
  const model = new FlowModel(twin, { sim, streams: new StreamFactory(settings.seed, replication), replication }, {
    horizon: settings.horizon, reportWindow: settings.reportWindow, warmup: settings.warmup ?? 0, state: settings.state ?? null, forecast: settings.forecast ?? null,
  });
  sim.run(settings.horizon);
  model.finish();
  return model;
}

/** Replications first .. first + count − 1, summarised. */
export function simulateChunk(twin: Twin, settings: SimulationSettings, first: number, count: number): ChunkSummary {
  const windows = Math.max(1, Math.ceil(settings.horizon / settings.reportWindow - 1e-9));
  const builder = new ChunkBuilder(first, settings.horizon, settings.reportWindow, windows, settings.warmup ?? 0);
  for (let i = first; i < first + count; i++) builder.add(runTwinReplication(twin, settings, i));
  return builder.finish();
}
