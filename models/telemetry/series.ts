import type { Bounds } from './bounds.js';
import type { Location } from './errors.js';

/**
 * What the readers produce (raw observations per node/metric, in file order)
 * and what cleaning turns them into (a regular grid ready for forecasting).
 */

/** Observations of one (node, metric) as read, before cleaning. */
export interface RawSeries {
  readonly node: string;
  readonly metric: string;
  readonly file: string;
  /** Epoch milliseconds, in file order. */
  readonly times: number[];
  /** Values; NaN where the file said NaN or left the cell empty. */
  readonly values: number[];
  /** Line of each observation in the file (for error messages). */
  readonly lines: number[];
  /** Column (name) the values came from; for JSON inputs, the JSON path of the values array. */
  readonly column: string;
  /** Header name of the CSV column the times came from (errors about timestamps name it); absent for JSON inputs. */
  readonly timeColumn?: string;
  /** True when `lines` are indices into a JSON array rather than file lines. */
  readonly jsonPath?: boolean;
  /** Upper bound of the metric when known (100 for percentages). */
  readonly limit?: number;
  /** Whether negative values are allowed (false for rates, usage, bytes, latency). */
  readonly allowNegative: boolean;
  /** Bounds a person declared (models/telemetry/bounds.ts); absent when inferred from the name. */
  readonly bounds?: Bounds;
  /** Notes from reading (columns skipped, units assumed). */
  readonly notes: string[];
}

/** A cleaned series on a regular grid. */
export interface Series {
  readonly node: string;
  readonly metric: string;
  readonly file: string;
  /** Epoch milliseconds of values[0]. */
  readonly startMs: number;
  readonly stepMs: number;
  /** Values on the grid startMs + i*stepMs, gaps already filled. */
  readonly values: Float64Array;
  /** 1 where the value was filled (a gap or NaN in the input), 0 where observed. */
  readonly filled: Uint8Array;
  readonly limit?: number;
  readonly allowNegative: boolean;
  /** Bounds a person declared; absent when inferred from the name. */
  readonly bounds?: Bounds;
  /** What cleaning did (duplicates dropped, gaps filled), for the forecast notes. */
  readonly notes: string[];
  /**
   * Where the value at the last grid point was read (the latest observed row;
   * a trailing gap carries its value): a state snapshot taken from the series
   * names it. Absent once the grid is resampled (the last point is then a mean
   * or an interpolation).
   */
  readonly lastAt?: Location;
}

/** Metric names are non-negative unless they plainly measure a change. */
export function negativeAllowed(metric: string): boolean {
  return /(delta|diff|change|temp|offset|skew|balance)/i.test(metric);
}

/** Percent-like metrics are bounded by 100. */
export function percentLimit(name: string): number | undefined {
  return /(%|pct|percent|utili[sz]ation)/i.test(name) ? 100 : undefined;
}
