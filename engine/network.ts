/**
 * An open queueing network: stations, external Poisson arrivals (constant or
 * time-varying rate) into any station, and probabilistic routing after
 * service (Jackson style, feedback allowed). Each station, source and router
 * draws from its own named stream of the replication.
 */
import { PoissonArrivals, RateFunction } from './arrivals.js';
import type { Distribution } from './distributions.js';
import { LogHistogram } from './histogram.js';
import { JobTable } from './job-table.js';
import type { Rng } from './rng.js';
import { StreamFactory } from './rng.js';
import type { ReplicationModel } from './replicate.js';
import type { Simulator } from './simulator.js';
import { Station, type StationResults } from './station.js';

export interface NetworkStationSpec {
  readonly name: string;
  readonly servers: number;
  readonly capacity?: number;
  readonly service: Distribution;
  /** External arrival rate (per unit time) or rate function; omitted = none. */
  readonly arrivals?: number | RateFunction;
}

export interface NetworkSpec {
  readonly stations: readonly NetworkStationSpec[];
  /** routing[i][j]: probability of moving from station i to j after service; the rest leaves. */
  readonly routing?: readonly (readonly number[])[];
}

export interface NetworkResults {
  readonly stations: readonly StationResults[];
  /** Jobs that left the network after their last service. */
  readonly departed: number;
  /** Jobs lost to a full station anywhere on their way. */
  readonly lost: number;
  /** End-to-end sojourn of departed jobs. */
  readonly sojourn: { readonly mean: number; readonly histogram: LogHistogram };
}

/** Validates a routing matrix: square, entries in [0, 1], rows summing to at most 1. */
export function validateRouting(routing: readonly (readonly number[])[], n: number): void {
  if (routing.length !== n) throw new RangeError(`routing: expected ${n} rows (one per station), got ${routing.length}`);
  routing.forEach((row, i) => {
    if (row.length !== n) throw new RangeError(`routing[${i}]: expected ${n} entries, got ${row.length}`);
    let sum = 0;
    row.forEach((p, j) => {
      if (!(Number.isFinite(p) && p >= 0 && p <= 1)) throw new RangeError(`routing[${i}][${j}] must be a probability in [0, 1], got ${p}`);
      sum += p;
    });
    if (sum > 1 + 1e-9) throw new RangeError(`routing[${i}] sums to ${sum}, must be at most 1`);
  });
}

export class OpenNetwork {
  readonly stations: Station[];
  private readonly sim: Simulator;
  private readonly jobs = new JobTable();
  private readonly routeCum: Float64Array[];
  private readonly routeTo: Int32Array[];
  private readonly routeRng: Rng[];
  private departed = 0;
  private lost = 0;
  private sumSojourn = 0;
  private readonly sojournHist = new LogHistogram(0.01);

  constructor(sim: Simulator, spec: NetworkSpec, streams: StreamFactory) {
    const n = spec.stations.length;
    if (n === 0) throw new RangeError('network: needs at least one station');
    const routing = spec.routing ?? spec.stations.map(() => new Array<number>(n).fill(0));
    validateRouting(routing, n);
    this.sim = sim;
    this.stations = spec.stations.map((s) =>
      new Station(sim, { name: s.name, servers: s.servers, ...(s.capacity !== undefined ? { capacity: s.capacity } : {}), service: s.service, rng: streams.stream(`service:${s.name}`) }),
    );
    // Cumulative routing rows, keeping only the positive entries.
    this.routeCum = [];
    this.routeTo = [];
    routing.forEach((row) => {
      const to: number[] = [], cum: number[] = [];
      let acc = 0;
      row.forEach((p, j) => { if (p > 0) { acc += p; to.push(j); cum.push(acc); } });
      this.routeTo.push(Int32Array.from(to));
      this.routeCum.push(Float64Array.from(cum));
    });
    this.routeRng = spec.stations.map((s) => streams.stream(`routing:${s.name}`));
    this.stations.forEach((st, i) => {
      st.onDeparture = (job) => this.route(job, i);
      st.onDrop = (job) => { this.lost++; this.jobs.release(job); };
    });
    spec.stations.forEach((s, i) => {
      if (s.arrivals === undefined) return;
      if (typeof s.arrivals === 'number' && !(Number.isFinite(s.arrivals) && s.arrivals > 0)) {
        throw new RangeError(`stations[${i}].arrivals must be a finite rate > 0, got ${s.arrivals}`);
      }
      const rate = typeof s.arrivals === 'number' ? RateFunction.constant(s.arrivals) : s.arrivals;
      this.startSource(new PoissonArrivals(rate), streams.stream(`arrivals:${s.name}`), this.stations[i]!);
    });
  }

  private startSource(process: PoissonArrivals, rng: Rng, station: Station): void {
    const handler = this.sim.on(() => {
      const now = this.sim.now;
      const next = process.next(now, rng);
      if (next !== Infinity) this.sim.scheduleAt(next, handler);
      station.arrive(this.jobs.create(now));
    });
    const first = process.next(this.sim.now, rng);
    if (first !== Infinity) this.sim.scheduleAt(first, handler);
  }

  private route(job: number, from: number): void {
    const cum = this.routeCum[from]!;
    if (cum.length > 0) {
      const u = this.routeRng[from]!();
      for (let k = 0; k < cum.length; k++) {
        if (u < cum[k]!) {
          this.stations[this.routeTo[from]![k]!]!.arrive(job);
          return;
        }
      }
    }
    const sojourn = this.sim.now - this.jobs.entryTime(job);
    this.departed++;
    this.sumSojourn += sojourn;
    this.sojournHist.add(sojourn);
    this.jobs.release(job);
  }

  /** Starts a new observation period at the current time (warm-up deletion). */
  resetStatistics(): void {
    for (const s of this.stations) s.resetStatistics();
    this.departed = 0;
    this.lost = 0;
    this.sumSojourn = 0;
    this.sojournHist.reset();
  }

  /** Jobs in flight: the job table's size in ids (memory check). */
  get jobsAllocated(): number {
    return this.jobs.allocated;
  }

  results(): NetworkResults {
    return {
      stations: this.stations.map((s) => s.results()),
      departed: this.departed,
      lost: this.lost,
      sojourn: { mean: this.departed > 0 ? this.sumSojourn / this.departed : NaN, histogram: this.sojournHist },
    };
  }
}

/** Replications of a network: a fresh spec per replication keeps replications independent. */
export function networkModel(spec: () => NetworkSpec): ReplicationModel<NetworkResults> {
  return {
    build: ({ sim, streams }) => {
      const net = new OpenNetwork(sim, spec(), streams);
      return { resetStatistics: () => net.resetStatistics(), collect: () => net.results() };
    },
  };
}
