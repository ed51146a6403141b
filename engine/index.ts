/** The discrete-event simulation kernel: the one public export list of engine/. */
export { EventCalendar, MIN_PRIORITY, MAX_PRIORITY } from './calendar.js';
export { Simulator, type Handler } from './simulator.js';
export { FixedDelayTimers } from './deadlines.js';
export { createStream, StreamFactory, type Rng } from './rng.js';
export {
  Deterministic, Empirical, Exponential, Gamma, LogNormal, Normal, Uniform,
  distributionFromSpec, scv, standardNormal,
  type Distribution, type DistributionSpec,
} from './distributions.js';
export { PoissonArrivals, RateFunction, type RateShape } from './arrivals.js';
export { Station, type StationOptions, type StationResults } from './station.js';
export { JobQueue } from './job-queue.js';
export { JobTable } from './job-table.js';
export { OpenNetwork, networkModel, validateRouting, type NetworkResults, type NetworkSpec, type NetworkStationSpec } from './network.js';
export { LogHistogram, type HistogramJson } from './histogram.js';
export { Tally, TimeWeighted, confidenceInterval, wilsonInterval, type Interval } from './statistics.js';
export { normalCdf, normalQuantile, studentTQuantile } from './quantiles.js';
export { replicate, runReplication, across, validatePlan, type ReplicationContext, type ReplicationModel, type ReplicationPlan } from './replicate.js';
export { KeyedDraws, keyedUniform, mix32, type KeyedRecord } from './keyed-random.js';
