/**
 * The price of a strategy: what it adds over the baseline, in money (or any
 * unit the policy names), so that a scale-out and a strategy that degrades
 * answers are compared on one axis. Priced:
 *  - replica-hours and core-hours the strategy adds (evaluate-figures.ts,
 *    runCost; time-averaged, so an autoscaler's additions count while they ran);
 *  - requests it sheds: extra requests failed at the entries (only an
 *    increase: fewer failures are the strategy's benefit, on the risk axis,
 *    not a saving) plus requests answered degraded because optional calls
 *    were skipped (shedOptional).
 * The defaults are illustrative list prices, not anyone's bill: a policy sets
 * its own (docs/mitigation.md, "Cost").
 */

export interface CostPrices {
  /** Price of one replica running for one hour, whatever its size. */
  readonly replicaHour: number;
  /** Price of one core for one hour (a replica is charged its declared cores, else one per worker). */
  readonly coreHour: number;
  /** Price of one request shed: failed at an entry, or answered degraded (optional calls skipped). */
  readonly requestShed: number;
  /** The unit every price and priced cost is in, e.g. USD. */
  readonly unit: string;
}

/** Illustrative defaults: an on-demand cloud vCPU-hour, replicas charged by their cores only, a lost or degraded request a hundredth of a cent. */
export const DEFAULT_PRICES: CostPrices = { replicaHour: 0, coreHour: 0.04, requestShed: 0.0001, unit: 'USD' };

/** What a strategy adds over the baseline, per replication (the horizon less warm-up). */
export interface CostFigures {
  readonly replicaHours: number;
  readonly coreHours: number;
  /** Extra requests failed at the entries (0 when fewer failed) plus extra requests answered degraded. */
  readonly requestsShed: number;
}

export interface PricedCost extends CostFigures {
  /** replicaHours × replicaHour + coreHours × coreHour + requestsShed × requestShed. */
  readonly priced: number;
  readonly unit: string;
}

export function priceCost(f: CostFigures, p: CostPrices): PricedCost {
  return { ...f, priced: f.replicaHours * p.replicaHour + f.coreHours * p.coreHour + f.requestsShed * p.requestShed, unit: p.unit };
}

/** A priced cost for display: 2 significant decimals at least, with its unit. */
export const formatCost = (value: number, unit: string): string => `${Number(value.toPrecision(3)).toString()} ${unit}`;
