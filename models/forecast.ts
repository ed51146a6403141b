/**
 * The forecast distribution: the one type that crosses from models/ into
 * twins/ and runs/. Quantiles answer "how high could it go"; sample paths keep
 * the correlation across time that the simulator needs (replication i is
 * driven by path i mod paths).
 */
import type { Bounds } from './telemetry/bounds.js';

/** Quantile levels every forecast carries at least. */
export const REQUIRED_QUANTILES: readonly number[] = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95];

export interface ForecastSeries {
  /** Node id in the twin (e.g. a service name or a pod). */
  readonly node: string;
  /** Metric name: `rate` (requests/s), `cpu`, `memory`, `latency_p99`, ... */
  readonly metric: string;
  /** Model that produced it (`snaive`, `ets`, `sarima`, `lstm`, `auto:ets`, ...). */
  readonly model: string;
  /** Upper bound of the metric, when it has one (memory limit, 100 % CPU); used for exhaustion risk. */
  readonly limit?: number;
  /** quantile level -> horizon values, each of length `steps`. */
  readonly quantiles: ReadonlyMap<number, Float64Array>;
  /** Sample paths: `paths` rows of `steps` values, row-major. */
  readonly paths: Float32Array;
  /** Notes a reader should see (fallbacks taken, cleaning done). */
  readonly notes: readonly string[];
  /** Seasonal periods (in steps) the model was given: [] for a non-seasonal series; absent for a constant one or an old file. */
  readonly periods?: readonly number[];
  /** The range the forecast was kept in (declared, or inferred from the metric's name); absent for a constant series or an old file. */
  readonly bounds?: Bounds;
}

export interface ForecastBundle {
  /** Epoch milliseconds of the first forecast step. */
  readonly startMs: number;
  /** Step between horizon points, milliseconds. */
  readonly stepMs: number;
  /** Number of horizon steps. */
  readonly steps: number;
  /** Number of sample paths per series (the same for every series). */
  readonly paths: number;
  /** Seed the paths were drawn with. */
  readonly seed: number;
  readonly series: readonly ForecastSeries[];
}

/** Sample path `p` of a series, as a view (no copy). */
export function samplePath(bundle: ForecastBundle, series: ForecastSeries, p: number): Float32Array {
  const i = ((p % bundle.paths) + bundle.paths) % bundle.paths;
  return series.paths.subarray(i * bundle.steps, (i + 1) * bundle.steps);
}

/** Finds a series by node and metric; undefined when absent. */
export function findSeries(bundle: ForecastBundle, node: string, metric: string): ForecastSeries | undefined {
  return bundle.series.find((s) => s.node === node && s.metric === metric);
}
