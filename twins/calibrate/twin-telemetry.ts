/**
 * What a twin would have recorded: simulate it and read, per node and per
 * window, the throughput and the server-latency quantiles, on the same grid
 * as production telemetry. Used two ways: to predict a held-out period (the
 * validation compares this with what was measured), and to make telemetry
 * with known true parameters for the tests. Replications are pooled per
 * window (rates averaged, latency histograms merged), so more replications
 * give a less noisy prediction of the same quantity.
 */
import { LogHistogram } from '../../engine/index.js';
import type { Twin } from '../definition/types.js';
import { runTwinReplication } from '../flow/simulate.js';
import type { ServiceTelemetry, TelemetryGrid } from './grid.js';

export interface RecordOptions {
  /** Epoch seconds of the grid's first window (time 0 of the simulation). */
  readonly start: number;
  readonly step: number;
  readonly windows: number;
  readonly quantiles: readonly number[];
  readonly seed: number | string;
  readonly replications: number;
  /** Per node id: CPU = idle + perRequest x rate (cores), for synthetic telemetry; absent nodes get NaN CPU. */
  readonly cpu?: ReadonlyMap<string, { readonly idle: number; readonly perRequest: number; readonly limit: number }>;
}

export function recordTwin(twin: Twin, o: RecordOptions): TelemetryGrid {
  const horizon = o.windows * o.step;
  const n = twin.nodes.length;
  const ok = twin.nodes.map(() => new Float64Array(o.windows));
  const hists = twin.nodes.map(() => Array.from({ length: o.windows }, () => new LogHistogram(0.01)));
  for (let r = 0; r < o.replications; r++) {
    const model = runTwinReplication(twin, { horizon, reportWindow: o.step, seed: o.seed }, r);
    for (let i = 0; i < n; i++) {
      const obs = model.nodes[i]!.obs;
      for (let w = 0; w < o.windows; w++) {
        ok[i]![w] = ok[i]![w]! + obs.winOk[w]! + obs.winErr[w]!;
        hists[i]![w]!.merge(obs.winHist[w]!);
      }
    }
  }
  const services: ServiceTelemetry[] = twin.nodes.map((node, i) => {
    const rate = ok[i]!.map((c) => c / o.replications / o.step);
    const cpu = o.cpu?.get(node.id);
    return {
      id: node.id,
      rate,
      cpu: cpu ? rate.map((x) => cpu.idle + cpu.perRequest * x) : new Float64Array(o.windows).fill(NaN),
      cpuLimit: cpu ? cpu.limit : null,
      latency: o.quantiles.map((q) => ({ q, values: Float64Array.from(hists[i]!, (h) => (h.count > 0 ? h.quantile(q) : NaN)) })),
    };
  });
  return { start: o.start, step: o.step, length: o.windows, services };
}
