/**
 * What calibration found, per service and per call edge: the values before
 * and after, how well they fit, and in words why a value could not be fitted
 * (written to the calibration report, JSON and a console table).
 */
import type { QuantilePoint } from './lognormal.js';

/** good: the data pins the value down; fair: usable, with a visible misfit; poor: a guess the report explains; none: not fitted. */
export type FitQuality = 'good' | 'fair' | 'poor' | 'none';

export interface MeanCv {
  readonly mean: number;
  readonly cv: number;
}

export interface ServiceCalibration {
  readonly id: string;
  /** fitted: service time fitted from latency; kept: the twin's value stays (see reasons). */
  readonly status: 'fitted' | 'kept';
  readonly quality: FitQuality;
  readonly reasons: string[];
  readonly windows: { readonly total: number; readonly withTraffic: number; readonly used: number; readonly saturated: number };
  /** Mean and peak request rate over the calibration windows (NaN without a rate series). */
  readonly rate: { readonly mean: number; readonly max: number };
  /** The lognormal fitted to the median server-latency quantiles (the whole response, calls included). */
  readonly response: (MeanCv & { readonly rmseLog: number; readonly points: QuantilePoint[] }) | null;
  /** Own work per request: the twin's before, the fitted after (null = kept). */
  readonly service: { readonly before: MeanCv; readonly after: MeanCv | null };
  /** CPU core-seconds per request (slope of CPU on rate), idle cores (intercept), R^2, limit (cores). */
  readonly cpu: { readonly perRequest: number; readonly idle: number; readonly r2: number; readonly limit: number | null } | null;
  readonly workers: { readonly before: number; readonly after: number; readonly method: 'saturation' | 'cpu-limit' | 'kept' };
}

export interface CallCalibration {
  readonly from: string;
  readonly to: string;
  readonly before: number;
  readonly after: number;
  /** R^2 of the callee's rate explained by its callers' rates (NaN when kept). */
  readonly r2: number;
  readonly windows: number;
  readonly quality: FitQuality;
  /** Why the value was kept; empty when fitted. */
  readonly reason: string;
}

export interface EntryCalibration {
  readonly id: string;
  readonly node: string;
  readonly before: number | null;
  readonly after: number;
}

export interface CalibrationReport {
  readonly twin: string;
  /** Epoch seconds [from, to) of the windows used, and the window length. */
  readonly window: { readonly from: number; readonly to: number; readonly step: number; readonly windows: number };
  readonly entries: EntryCalibration[];
  readonly services: ServiceCalibration[];
  readonly calls: CallCalibration[];
  /** Telemetry nodes that are not in the twin, twin nodes without telemetry, and the like. */
  readonly notes: string[];
}
