/**
 * Upper bounds on sizes that come from input (twin files, snapshots,
 * scenarios, flags, telemetry). Each is checked where the value is read,
 * before anything is allocated, so that a typo (`replicas: 1e12`, `--window
 * 1us`) is a located error instead of an allocation abort or a run that never
 * ends. The numbers are far above any real use; docs/limits.md lists them
 * with what each guards against.
 */
export const LIMITS = {
  /** replicas, autoscale.max, a snapshot's replicasUp + starting: per node. */
  replicas: 10_000,
  /** servers (workers) per replica. */
  servers: 100_000,
  /** queue capacity per replica, and queued/busy counts in a snapshot. */
  queue: 10_000_000,
  /** Arrival rate of one entry, requests/s (after scale, a scenario's loadScale, a forecast's values). */
  entryRate: 1_000_000,
  /** Expected arrivals of one replication (entry rates x horizon): beyond this a run takes hours per replication. */
  arrivalsPerReplication: 100_000_000,
  /** Nested sync calls on one request's path (a -> b -> c ... each waiting for the next): the simulator nests one frame per level. */
  syncCallDepth: 500,
  /** Simulated horizon, seconds (one year). */
  horizonSeconds: 366 * 86_400,
  /** Report windows per replication (horizon / window). */
  windows: 100_000,
  /** Monte Carlo replications of one run. */
  replications: 1_000_000,
  /** Worker threads. */
  workers: 1_024,
  /** Forecast sample paths per series. */
  paths: 100_000,
  /** LSTM training epochs. */
  epochs: 10_000,
  /** Forecast horizon steps. */
  forecastSteps: 1_000_000,
  /** Cells of a forecast (series x paths x steps): the float32 file and the memory holding it. */
  forecastCells: 200_000_000,
  /** Points of one telemetry series after gaps are filled at its step. */
  seriesPoints: 10_000_000,
  /** Bytes of one input file (twin, snapshot, scenario, telemetry, import). */
  inputBytes: 256 * 1024 * 1024,
  /** Nesting depth of a YAML/JSON document. */
  nestingDepth: 64,
  /** Characters of an error message (a problem list is cut with a count of what was left out). */
  messageChars: 16_000,
} as const;

export type LimitName = keyof typeof LIMITS;

/**
 * The message for a value over its limit: names the field, the value and the
 * limit, and points to docs/limits.md.
 */
export function overLimit(field: string, value: number, limit: number, unit = ''): string {
  return `${field}: ${formatCount(value)}${unit} is over the limit of ${formatCount(limit)}${unit} (docs/limits.md)`;
}

function formatCount(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e15 ? String(n) : n.toPrecision(4);
}
