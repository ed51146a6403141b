/**
 * Runs replications of a twin (optionally modified by scenario deltas) and
 * summarises them. This is what a worker thread executes for its chunk; it is
 * pure given (twin, options, seed, replication range).
 */
import { Simulator, StreamFactory } from '../../engine/index.js';
import type { Twin } from '../definition/types.js';
import { FlowModel, type FlowOptions } from './model.js';
import { ChunkBuilder, reportWindowCount, type ChunkSummary } from './summary.js';

/**
 * Everything a replication depends on besides the twin: the model's options
 * and the seed. One plain, structured-clone object, handed whole to the model
 * (and to worker threads), so a new model option reaches every replication
 * without being re-listed anywhere.
 */
export interface SimulationSettings extends FlowOptions {
  /** Replication i draws from streams derived from (seed, i). */
  readonly seed: number | string;
}

/** Runs one replication to the horizon and returns the finished model. */
export function runTwinReplication(twin: Twin, settings: SimulationSettings, replication: number): FlowModel {
  const sim = new Simulator();
  const model = new FlowModel(twin, { sim, streams: new StreamFactory(settings.seed, replication), replication }, settings);
  sim.run(settings.horizon);
  model.finish();
  return model;
}

/** Replications first .. first + count − 1, summarised. */
export function simulateChunk(twin: Twin, settings: SimulationSettings, first: number, count: number): ChunkSummary {
  const windows = reportWindowCount(settings.horizon, settings.reportWindow);
  const builder = new ChunkBuilder(first, settings.horizon, settings.reportWindow, windows, settings.warmup ?? 0);
  for (let i = first; i < first + count; i++) builder.add(runTwinReplication(twin, settings, i));
  return builder.finish();
}
