/**
 * What the nightly report shows, as plain data: the contract between the
 * nightly pipeline (which fills it from the forecast, the simulation, the
 * mitigation proposals and the run store) and the HTML renderer (which draws
 * it). The pipeline writes it as DIR/report-data.json beside report.html, so a
 * report can be re-rendered, diffed or read by other tools.
 *
 * Times are ISO-8601 UTC strings; probabilities are in [0, 1]; every interval
 * is the 95 % interval of the run unless `level` says otherwise.
 */

export const REPORT_DATA_FORMAT = 'shadowcast-nightly-report/1';

export interface ReportInterval {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

/** One forecast fan chart: recent history and the forecast's quantile bands, per entry metric. */
export interface ReportForecast {
  /** The entry or series the forecast drives (e.g. "web" or "web:rate"). */
  readonly series: string;
  readonly unit: string;
  readonly history: readonly { readonly time: string; readonly value: number }[];
  readonly bands: readonly {
    readonly time: string;
    readonly p05: number;
    readonly p25: number;
    readonly p50: number;
    readonly p75: number;
    readonly p95: number;
  }[];
  /** The model auto chose and the seasonal periods it used, as forecast.json says. */
  readonly model: string;
}

/** P(fail) of one node, with the condition that most often triggered first. */
export interface ReportNodeRisk {
  readonly node: string;
  readonly pFail: ReportInterval;
  readonly mainCondition: string | null;
  /** Time to first failure over the failing replications, seconds from the start; null when none failed. */
  readonly timeToFailure: { readonly p10: number; readonly p50: number; readonly p90: number } | null;
  readonly utilization: number | null;
  readonly p99Seconds: number | null;
}

/** P(breach) of one node in one hour of the horizon: share of replications breaching in that hour. */
export interface ReportHeatCell {
  readonly node: string;
  /** Hours from the start of the horizon (0 = first hour). */
  readonly hour: number;
  readonly pBreach: number;
}

export interface ReportTopology {
  readonly nodes: readonly { readonly id: string; readonly pFailHi: number }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

/** One evaluated mitigation candidate: a point of the risk/cost plane. */
export interface ReportMitigation {
  readonly id: string;
  readonly description: string;
  /** The worst node's P(fail) upper bound under this candidate. */
  readonly riskHi: number;
  /** Cost in the policy's unit (replica-hours or core-hours). */
  readonly cost: number;
  /** The unit of `cost` (the policy's `cost.unit`, e.g. USD); absent in data written before costs were priced: core-hours. */
  readonly costUnit?: string;
  readonly verdict: 'better' | 'worse' | 'inconclusive';
  readonly pareto: boolean;
  readonly chosen: boolean;
  /**
   * Candidate − baseline P(fail), paired per replication (common random numbers), of its least improving addressed node,
   * with its interval at the run's level (docs/mitigation.md, "Evaluation"); null when it addresses no node. Absent in
   * data written before the report carried it.
   */
  readonly change?: { readonly node: string; readonly mean: number; readonly lo: number; readonly hi: number } | null;
  /** Paired replications it was judged on (racing stops some early); absent in older data. */
  readonly replications?: number;
  /** Why its evaluation stopped where it did (the race's reason); absent when not raced or in older data. */
  readonly reason?: string;
}

/** The mitigation step as a whole: why a candidate was (or none was) chosen, and over what its figures are. */
export interface ReportMitigationSummary {
  /** The choice's explanation (the objective, what met it), or why nothing was evaluated. */
  readonly explanation: string;
  /** The horizon the candidates were simulated over (the config's mitigation.horizon), seconds: their P(fail) is within it. */
  readonly horizonSeconds: number;
  /** The full count of paired replications per candidate. */
  readonly replications: number;
  /** The upper bound a chosen candidate must bring its nodes under. */
  readonly target: number;
  /**
   * When `replications` cannot bring any upper bound under the target (a candidate with no failure at all still
   * has a Wilson bound at or above it): the count that could; else null.
   */
  readonly replicationsNeeded: number | null;
}

/** How well a past night's forecast covered what then happened. */
export interface ReportCalibrationNight {
  readonly night: string;
  readonly series: string;
  /** Share of actual points inside the 80 % / 95 % intervals. */
  readonly coverage80: number;
  readonly coverage95: number;
  /** Mean absolute scaled error of the median. */
  readonly mase: number | null;
}

export interface ReportChange {
  readonly node: string;
  readonly before: ReportInterval | null;
  readonly now: ReportInterval;
  /**
   * 'higher' / 'lower' when the two nights' intervals (both at tonight's level, from their failure counts) do not overlap,
   * 'new risk' / 'resolved' when, besides, the upper bound crossed the threshold; else 'same', or 'bound moved' when the
   * upper bound crossed the threshold without evidence of a change (the replication count or level changed, or noise),
   * or 'levels differ' when last night's interval was at another level.
   */
  readonly change: 'new risk' | 'resolved' | 'higher' | 'lower' | 'same' | 'bound moved' | 'levels differ';
}

export interface NightlyReportData {
  readonly format: typeof REPORT_DATA_FORMAT;
  readonly run: {
    readonly id: string;
    readonly twin: string;
    readonly createdAt: string;
    readonly seed: number;
    readonly replications: number;
    readonly horizonSeconds: number;
    readonly level: number;
    /** The risk threshold: nodes whose P(fail) upper bound exceeds it are "at risk". */
    readonly threshold: number;
  };
  readonly forecasts: readonly ReportForecast[];
  readonly nodes: readonly ReportNodeRisk[];
  readonly heatmap: readonly ReportHeatCell[];
  readonly topology: ReportTopology;
  readonly mitigations: readonly ReportMitigation[];
  /** Absent in data written before the report carried it, and when mitigation is disabled. */
  readonly mitigation?: ReportMitigationSummary;
  readonly calibration: readonly ReportCalibrationNight[];
  /** Null on the first night (nothing to compare with). */
  readonly changes: readonly ReportChange[] | null;
  readonly warnings: readonly string[];
}
