/**
 * A queueing station: c identical servers, a FIFO queue per priority class
 * (class 0 is served first; service is not pre-empted), and an optional
 * capacity K on the number in the station (queue + service). An arrival that
 * finds K present is dropped and counted. Jobs are integers owned by the
 * caller; the station reports departures and drops through callbacks.
 */
import type { Distribution } from './distributions.js';
import { LogHistogram } from './histogram.js';
import { JobQueue } from './job-queue.js';
import type { Rng } from './rng.js';
import type { Simulator } from './simulator.js';
import { Tally } from './statistics.js';

export interface StationOptions {
  readonly name: string;
  /** Number of servers, c >= 1. */
  readonly servers: number;
  /** Maximum number in the station, K >= c; omitted = unbounded. */
  readonly capacity?: number;
  /** Service time, one per priority class or one for all. */
  readonly service: Distribution | readonly Distribution[];
  /** Number of priority classes (default 1, or the length of `service`). */
  readonly classes?: number;
  /** The stream service times are drawn from. */
  readonly rng: Rng;
  /** Relative error of the sojourn-time quantiles (default 0.01). */
  readonly histogramAlpha?: number;
}

/** What a station measured since its last statistics reset. */
export interface StationResults {
  readonly name: string;
  readonly servers: number;
  readonly arrivals: number;
  readonly dropped: number;
  readonly completed: number;
  /** Observation span (simulated time since the last reset). */
  readonly span: number;
  /** Completions per unit time. */
  readonly throughput: number;
  /** Share of arrivals dropped (blocking probability). */
  readonly blocking: number;
  /** Mean busy servers / c. */
  readonly utilization: number;
  /** Time-average number in the station (L) and in the queue (Lq). */
  readonly meanInSystem: number;
  readonly meanInQueue: number;
  /** Mean sojourn (W) and mean wait (Wq) of completed jobs. */
  readonly meanSojourn: number;
  readonly meanWait: number;
  /** Share of jobs that started service after waiting (Erlang C for M/M/c). */
  readonly probWait: number;
  readonly sojourn: LogHistogram;
  /** Sojourn per priority class (filled only when there are several classes). */
  readonly sojournByClass: readonly Tally[];
}

export class Station {
  readonly name: string;
  readonly servers: number;
  readonly capacity: number;
  readonly classes: number;
  /** Called when a job completes service, with its class. */
  onDeparture: ((job: number, cls: number) => void) | null = null;
  /** Called when a job is dropped because the station is full. */
  onDrop: ((job: number, cls: number) => void) | null = null;

  private readonly sim: Simulator;
  private readonly rng: Rng;
  private readonly service: readonly Distribution[];
  private readonly queues: JobQueue[];
  private readonly departHandler: number;
  // Per-server slot: the job in service, its class and its arrival time.
  private readonly slotJob: Int32Array;
  private readonly slotClass: Int32Array;
  private readonly slotArrival: Float64Array;
  private readonly freeSlots: Int32Array;
  private freeCount: number;
  private inSystem = 0;
  private busy = 0;

  // Statistics since the last reset; areas are integrated inline on every state change.
  private statStart = 0;
  private lastChange = 0;
  private areaInSystem = 0;
  private areaBusy = 0;
  private arrivals = 0;
  private dropped = 0;
  private completed = 0;
  private waited = 0;
  // Plain sums, not Welford tallies: only means are reported, and this is the hot path.
  private started = 0;
  private sumWait = 0;
  private sumSojourn = 0;
  private readonly sojournHist: LogHistogram;
  private readonly sojournByClass: Tally[];

  constructor(sim: Simulator, options: StationOptions) {
    const { name, servers } = options;
    if (!Number.isInteger(servers) || servers < 1) throw new RangeError(`station ${name}: servers (c) must be an integer >= 1, got ${servers}`);
    const capacity = options.capacity ?? Infinity;
    if (capacity !== Infinity && (!Number.isInteger(capacity) || capacity < servers)) {
      throw new RangeError(`station ${name}: capacity (K) must be an integer >= servers (${servers}), got ${capacity}`);
    }
    const service = Array.isArray(options.service) ? (options.service as readonly Distribution[]) : [options.service as Distribution];
    const classes = options.classes ?? service.length;
    if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`station ${name}: classes must be an integer >= 1, got ${classes}`);
    if (service.length !== 1 && service.length !== classes) {
      throw new RangeError(`station ${name}: service must give one distribution or one per class (${classes}), got ${service.length}`);
    }
    this.name = name;
    this.sim = sim;
    this.servers = servers;
    this.capacity = capacity;
    this.classes = classes;
    this.rng = options.rng;
    this.service = Array.from({ length: classes }, (_, k) => service[service.length === 1 ? 0 : k]!);
    this.queues = Array.from({ length: classes }, () => new JobQueue());
    this.slotJob = new Int32Array(servers);
    this.slotClass = new Int32Array(servers);
    this.slotArrival = new Float64Array(servers);
    this.freeSlots = new Int32Array(servers);
    for (let s = 0; s < servers; s++) this.freeSlots[s] = servers - 1 - s;
    this.freeCount = servers;
    this.sojournHist = new LogHistogram(options.histogramAlpha ?? 0.01);
    this.sojournByClass = Array.from({ length: classes }, () => new Tally());
    this.departHandler = sim.on((slot) => this.depart(slot));
    this.statStart = sim.now;
    this.lastChange = sim.now;
  }

  /** Number in the station now (queue + service). */
  get population(): number {
    return this.inSystem;
  }

  get busyServers(): number {
    return this.busy;
  }

  /** A job arrives; returns false if it was dropped (station full). */
  arrive(job: number, cls = 0): boolean {
    const now = this.sim.now;
    this.arrivals++;
    if (this.inSystem >= this.capacity) {
      this.dropped++;
      if (this.onDrop) this.onDrop(job, cls);
      return false;
    }
    this.integrate(now);
    this.inSystem++;
    if (this.freeCount > 0) this.startService(job, cls, now, now);
    else this.queues[cls]!.push(job, now);
    return true;
  }

  private startService(job: number, cls: number, arrival: number, now: number): void {
    const slot = this.freeSlots[--this.freeCount]!;
    this.slotJob[slot] = job;
    this.slotClass[slot] = cls;
    this.slotArrival[slot] = arrival;
    this.busy++;
    this.started++;
    if (now > arrival) {
      this.waited++;
      this.sumWait += now - arrival;
    }
    this.sim.schedule(this.service[cls]!.sample(this.rng), this.departHandler, slot);
  }

  private depart(slot: number): void {
    const now = this.sim.now;
    this.integrate(now);
    const job = this.slotJob[slot]!;
    const cls = this.slotClass[slot]!;
    const sojourn = now - this.slotArrival[slot]!;
    this.inSystem--;
    this.busy--;
    this.completed++;
    this.sumSojourn += sojourn;
    this.sojournHist.add(sojourn);
    if (this.classes > 1) this.sojournByClass[cls]!.add(sojourn);
    this.freeSlots[this.freeCount++] = slot;
    // Serve the next job: highest-priority non-empty queue, FIFO within it.
    for (let k = 0; k < this.classes; k++) {
      const q = this.queues[k]!;
      if (q.length > 0) {
        const arrival = q.headTime();
        this.startService(q.shift(), k, arrival, now);
        break;
      }
    }
    if (this.onDeparture) this.onDeparture(job, cls);
  }

  private integrate(now: number): void {
    const dt = now - this.lastChange;
    this.areaInSystem += this.inSystem * dt;
    this.areaBusy += this.busy * dt;
    this.lastChange = now;
  }

  /** Starts a new observation period (warm-up deletion); the state is kept. */
  resetStatistics(): void {
    const now = this.sim.now;
    this.statStart = now;
    this.lastChange = now;
    this.areaInSystem = 0;
    this.areaBusy = 0;
    this.arrivals = 0;
    this.dropped = 0;
    this.completed = 0;
    this.waited = 0;
    this.started = 0;
    this.sumWait = 0;
    this.sumSojourn = 0;
    this.sojournHist.reset();
    for (const t of this.sojournByClass) t.reset();
  }

  results(): StationResults {
    const now = this.sim.now;
    this.integrate(now);
    const span = now - this.statStart;
    const per = (x: number) => (span > 0 ? x / span : NaN);
    return {
      name: this.name,
      servers: this.servers,
      arrivals: this.arrivals,
      dropped: this.dropped,
      completed: this.completed,
      span,
      throughput: per(this.completed),
      blocking: this.arrivals > 0 ? this.dropped / this.arrivals : 0,
      utilization: per(this.areaBusy) / this.servers,
      meanInSystem: per(this.areaInSystem),
      meanInQueue: per(this.areaInSystem - this.areaBusy),
      meanSojourn: this.completed > 0 ? this.sumSojourn / this.completed : NaN,
      meanWait: this.started > 0 ? this.sumWait / this.started : NaN,
      probWait: this.started > 0 ? this.waited / this.started : NaN,
      sojourn: this.sojournHist,
      sojournByClass: this.sojournByClass,
    };
  }
}
