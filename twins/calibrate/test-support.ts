/**
 * Test support for calibration: a twin with known parameters ("truth"), the
 * same topology with the importers' placeholders, and telemetry recorded
 * from a twin by simulating it, with a known CPU cost per request.
 */
import type { TwinInput } from '../definition/input.js';
import type { TelemetryGrid } from './grid.js';
import { twinDrivenBy } from './predict.js';
import { recordTwin } from './twin-telemetry.js';

export const STEP = 60;
export const WINDOWS = 90;
export const QS = [0.9, 0.95, 0.99];

export function truth(): TwinInput {
  return {
    name: 'truth',
    nodes: [
      { id: 'front', kind: 'gateway', servers: 32, service: { type: 'lognormal', mean: 0.02, cv: 0.5 } },
      { id: 'a', servers: 16, service: { type: 'lognormal', mean: 0.01, cv: 0.8 } },
      { id: 'b', servers: 16, service: { type: 'lognormal', mean: 0.03, cv: 0.4 } },
      { id: 'c', servers: 16, service: { type: 'lognormal', mean: 0.005, cv: 1 } },
      { id: 'rare', servers: 4, service: { type: 'lognormal', mean: 0.01, cv: 0.5 } },
      { id: 'hot', servers: 16, service: { type: 'lognormal', mean: 0.002, cv: 0.5 } },
    ],
    edges: [
      { type: 'call', from: 'front', to: 'a', mean: 2 },
      { type: 'call', from: 'front', to: 'b', mean: 0.5 },
      { type: 'call', from: 'a', to: 'c', mean: 1 },
      { type: 'call', from: 'b', to: 'rare', mean: 0.002 },
      { type: 'call', from: 'front', to: 'hot', mean: 1 },
    ],
    entries: [{ node: 'front', rate: 1 }],
  };
}

/** Same topology, the importer's placeholders: 10 ms exponential, 8 workers, one call per request. */
export function placeholder(): TwinInput {
  const t = truth();
  return {
    name: 'placeholder',
    defaults: { servers: 8, service: { type: 'exponential', mean: 0.01 } },
    nodes: t.nodes.map((n) => ({ id: n.id, ...(n.kind ? { kind: n.kind } : {}) })),
    edges: t.edges!.map((e) => ({ ...e, mean: 1 })),
    entries: [{ node: 'front', rate: 1 }],
  };
}

/** Entry rate per window: a slow swing between 2 and 8 requests/s, so rates and CPU vary. */
export function entryGrid(windows: number): TelemetryGrid {
  const rate = Float64Array.from({ length: windows }, (_, w) => 5 + 3 * Math.sin((2 * Math.PI * w) / 30));
  return { start: 0, step: STEP, length: windows, services: [{ id: 'front', rate, cpu: rate.map(() => NaN), cpuLimit: null, latency: [] }] };
}

export const CPU = new Map([
  ['a', { idle: 0.05, perRequest: 0.004, limit: 1 }],
  ['b', { idle: 0.02, perRequest: 0.01, limit: 2 }],
  ['hot', { idle: 3, perRequest: 0.001, limit: 2 }],
]);

export function recorded(input: TwinInput, seed: number, replications: number, start = 0): TelemetryGrid {
  const twin = twinDrivenBy(input, entryGrid(WINDOWS), 'test');
  return recordTwin(twin, { start, step: STEP, windows: WINDOWS, quantiles: QS, seed, replications, cpu: CPU });
}
