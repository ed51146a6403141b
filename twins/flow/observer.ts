/**
 * What one replication measures at one node: outcomes, response times and
 * time integrals (busy workers, workers up, queue), kept three ways at once:
 * over the whole run, per report window (windows.csv), and per SLO window,
 * where the node's failure conditions are checked. A node *fails* the first
 * time a condition holds; the time and the condition are kept.
 */
import { LogHistogram } from '../../engine/index.js';
import type { Resources, Slo } from '../definition/types.js';

/** Fewest outcomes in an SLO window for its error rate or p99 to count (a window with 2 requests and 1 error is not a 50 % error rate). */
export const MIN_SLO_SAMPLES = 20;

export type FailureCondition = 'latency' | 'errors' | 'saturation' | 'cpu' | 'overflow' | 'oom';
export const FAILURE_CONDITIONS: readonly FailureCondition[] = ['latency', 'errors', 'saturation', 'cpu', 'overflow', 'oom'];

/**
 * The doubles an observer updates on nearly every event, by index in its block
 * of a Float64Array: a model hands its observers consecutive blocks of one array,
 * so a visit finds them in one place (as fields each would be a heap number of
 * its own, elsewhere in memory).
 */
const LAST = 0, BUSY_AREA = 1, CONTROL_BUSY = 2, QUEUE_AREA = 3, SLO_BUSY = 4, WIN_BUSY = 5, WIN_QUEUE = 6;
const RUN_SUM = 7, WIN_SUM = 8, SLO_SUM = 9;
/** The tally of recent response times (see `recent`): its first bucket (NaN: not set), least and greatest value, and counts. */
const TALLY_FIRST = 10, TALLY_MIN = 11, TALLY_MAX = 12, TALLY = 13;
/** Buckets the tally counts: 2 % wide each, 16 span 37 % (a link's latency, its propagation delay and a little more, stays within them). */
const TALLY_BUCKETS = 16;
/** Doubles in an observer's block. */
export const OBSERVER_LEVELS = 32;

/** Gives bucket indices: every histogram of the observers has its α. */
const BUCKETS = new LogHistogram(0.01);

export class NodeObserver {
  // Whole run.
  arrivals = 0;
  ok = 0;
  errors = 0;
  timeouts = 0;
  drops = 0;
  ooms = 0;
  crashes = 0;
  retries = 0;
  /** Responses nobody waited for any more (the caller had timed out or failed): wasted work. */
  wasted = 0;
  cpuSeconds = 0;
  private readonly runHist = new LogHistogram(0.01);
  capArea = 0;
  replicasArea = 0;
  peakQueue = 0;
  peakMemory = 0;
  /** Busy and capacity integrals since time 0, never reset: the autoscaler's own measure (warm-up deletion must not disturb the controller). */
  controlCap = 0;

  // Current levels, integrated on every change.
  private capLast: number;
  private busy = 0;
  private cap = 0;
  private queued = 0;
  private replicasUp = 0;
  private coresUp = 0;

  // Report windows. The current window's busy and queue integrals (in the block) and its ok and error counts build
  // up apart from the arrays and are stored into them when the window closes and whenever an array is read: the
  // arrays would be three more objects per visit. Each element gets exactly the value adding into it from 0 gives.
  private w = 0;
  private readonly windows: number;
  private curOk = 0;
  private curErr = 0;
  private readonly busyByWindow: Float64Array;
  readonly winCap: Float64Array;
  private readonly queueByWindow: Float64Array;
  private readonly okByWindow: Float64Array;
  private readonly errByWindow: Float64Array;
  private readonly winHists: LogHistogram[];

  // SLO window.
  private sloOk = 0;
  private sloErr = 0;
  private readonly sloHist: LogHistogram | null;
  private sloCap = 0;
  private sloCpu = 0;
  private sloCoreArea = 0;
  private coreArea = 0;

  // Response times not yet added to the run's, the report window's and the SLO window's histogram. Each response
  // goes into one histogram, `recent`, instead of three; `recent` is merged into the three (and emptied) before any
  // of them is read or reset, which gives every bucket count, count, zeros, min and max exactly (sums of whole
  // numbers, minima, maxima). A merge would round the sum differently, so each histogram's sum is kept here as the
  // running sum it would have had, and set after the merge. Responses of exactly 0 s (a router's pass-through, a
  // drop) are only counted (`recentZeros`, LogHistogram.addZeros at the merge): a busy network's routers then
  // never touch a histogram. Most other responses do not touch `recent` either: the block holds a tally of 16
  // buckets from the first bucket seen since the last merge, with the least and greatest value counted there;
  // only a response outside them goes into `recent`. The tally is added to `recent` (as a histogram of its own)
  // at the merge.
  private readonly recent = new LogHistogram(0.01);
  private recentZeros = 0;

  failed = false;
  failTime = NaN;
  failCondition: FailureCondition | '' = '';

  constructor(
    now: number,
    windows: number,
    readonly slo: Slo | null,
    readonly resources: Resources | null,
    readonly boundedQueue: boolean,
    private readonly f: Float64Array = new Float64Array(OBSERVER_LEVELS),
    private readonly o = 0,
  ) {
    f[o + LAST] = now;
    this.capLast = now;
    this.windows = windows;
    this.busyByWindow = new Float64Array(windows);
    this.winCap = new Float64Array(windows);
    this.queueByWindow = new Float64Array(windows);
    this.okByWindow = new Float64Array(windows);
    this.errByWindow = new Float64Array(windows);
    this.winHists = Array.from({ length: windows }, () => new LogHistogram(0.01));
    this.sloHist = slo && slo.p99 !== null ? new LogHistogram(0.01) : null;
    this.clearTally();
  }

  /** Response times over the whole run. */
  get hist(): LogHistogram {
    this.addRecent();
    return this.runHist;
  }

  /** Response times per report window. */
  get winHist(): readonly LogHistogram[] {
    this.addRecent();
    return this.winHists;
  }

  /** Busy-worker seconds per report window. */
  get winBusy(): Float64Array {
    this.storeWindow();
    return this.busyByWindow;
  }

  /** Queue-length seconds per report window. */
  get winQueue(): Float64Array {
    this.storeWindow();
    return this.queueByWindow;
  }

  /** Ok responses per report window. */
  get winOk(): Float64Array {
    this.storeWindow();
    return this.okByWindow;
  }

  /** Error responses and timeouts per report window. */
  get winErr(): Float64Array {
    this.storeWindow();
    return this.errByWindow;
  }

  /** Stores the current report window's figures so far into their arrays. */
  private storeWindow(): void {
    if (this.w >= this.windows) return;
    this.busyByWindow[this.w] = this.f[this.o + WIN_BUSY]!;
    this.queueByWindow[this.w] = this.f[this.o + WIN_QUEUE]!;
    this.okByWindow[this.w] = this.curOk;
    this.errByWindow[this.w] = this.curErr;
  }

  private clearTally(): void {
    const f = this.f, o = this.o;
    f[o + TALLY_FIRST] = NaN;
    f[o + TALLY_MIN] = Infinity;
    f[o + TALLY_MAX] = -Infinity;
    f.fill(0, o + TALLY, o + TALLY + TALLY_BUCKETS);
  }

  /** Adds the recent responses to the run's, the report window's and the SLO window's histogram. */
  private addRecent(): void {
    const recent = this.recent;
    const f = this.f, o = this.o;
    const first = f[o + TALLY_FIRST]!;
    if (first === first) {
      const counts = Array.from(f.subarray(o + TALLY, o + TALLY + TALLY_BUCKETS));
      const count = counts.reduce((a, b) => a + b, 0);
      // The sum is not kept: `recent`'s is never used (each histogram's sum is set from its running sum).
      recent.merge(LogHistogram.fromJSON({ alpha: recent.alpha, offset: first, counts, zeros: 0, count, sum: 0, min: f[o + TALLY_MIN]!, max: f[o + TALLY_MAX]! }));
      this.clearTally();
    }
    recent.addZeros(this.recentZeros);
    this.recentZeros = 0;
    this.runHist.merge(recent);
    this.runHist.sum = this.f[this.o + RUN_SUM]!;
    if (this.w < this.winHists.length) {
      const h = this.winHists[this.w]!;
      h.merge(recent);
      h.sum = this.f[this.o + WIN_SUM]!;
    }
    if (this.sloHist) {
      this.sloHist.merge(recent);
      this.sloHist.sum = this.f[this.o + SLO_SUM]!;
    }
    recent.reset();
  }

  /**
   * Integrates the current levels up to `now`. Busy workers and the queue
   * change on nearly every event; capacity (replicas, workers, cores) rarely,
   * so it is integrated separately, only when it changes or a period closes.
   */
  integrate(now: number): void {
    const f = this.f, o = this.o;
    const dt = now - f[o + LAST]!;
    if (dt <= 0) return;
    const b = this.busy * dt, q = this.queued * dt;
    f[o + BUSY_AREA]! += b;
    f[o + CONTROL_BUSY]! += b;
    f[o + QUEUE_AREA]! += q;
    if (this.w < this.windows) {
      f[o + WIN_BUSY]! += b;
      f[o + WIN_QUEUE]! += q;
    }
    f[o + SLO_BUSY]! += b;
    f[o + LAST] = now;
  }

  /** Integrates capacity up to `now` (before it changes, and when a period closes). */
  private integrateCapacity(now: number): void {
    const dt = now - this.capLast;
    if (dt <= 0) return;
    const c = this.cap * dt;
    this.capArea += c;
    this.controlCap += c;
    this.replicasArea += this.replicasUp * dt;
    this.coreArea += this.coresUp * dt;
    if (this.w < this.winCap.length) this.winCap[this.w]! += c;
    this.sloCap += c;
    this.sloCoreArea += this.coresUp * dt;
    this.capLast = now;
  }

  /** Brings every integral up to `now`. */
  settle(now: number): void {
    this.integrate(now);
    this.integrateCapacity(now);
  }

  setBusy(now: number, busy: number): void {
    this.integrate(now);
    this.busy = busy;
  }

  setQueued(now: number, queued: number): void {
    this.integrate(now);
    this.queued = queued;
    if (queued > this.peakQueue) this.peakQueue = queued;
  }

  setCapacity(now: number, replicasUp: number, workersPerReplica: number): void {
    this.integrateCapacity(now);
    this.replicasUp = replicasUp;
    this.cap = replicasUp * workersPerReplica;
    this.coresUp = this.resources ? replicasUp * this.resources.cores : 0;
  }

  /**
   * A response left the node (ok or error) after `latency` seconds. `counted`
   * is false for answers nobody waited for any more: their caller already
   * counted a timeout, but their latency still belongs to the node.
   */
  response(ok: boolean, latency: number, counted: boolean): void {
    const inWindow = this.w < this.windows;
    if (latency === 0) {
      // Adds nothing to a sum (+0).
      this.recentZeros++;
    } else {
      const f = this.f, o = this.o;
      const bucket = BUCKETS.bucketOf(latency);
      let first = f[o + TALLY_FIRST]!;
      // Set a little below the first bucket: queueing only lengthens a response.
      if (first !== first) f[o + TALLY_FIRST] = first = bucket - 2;
      const k = bucket - first;
      if (k >= 0 && k < TALLY_BUCKETS) {
        f[o + TALLY + k]!++;
        if (latency < f[o + TALLY_MIN]!) f[o + TALLY_MIN] = latency;
        if (latency > f[o + TALLY_MAX]!) f[o + TALLY_MAX] = latency;
      } else {
        this.recent.addAt(bucket, latency);
      }
      f[o + RUN_SUM]! += latency;
      if (inWindow) f[o + WIN_SUM]! += latency;
      f[o + SLO_SUM]! += latency;
    }
    if (!counted) return;
    if (ok) {
      this.ok++;
      this.sloOk++;
      if (inWindow) this.curOk++;
    } else {
      this.errors++;
      this.sloErr++;
      if (inWindow) this.curErr++;
    }
  }

  /** A caller gave up waiting on this node: an error from the caller's side. */
  timeout(): void {
    this.timeouts++;
    if (this.w < this.windows) this.curErr++;
    this.sloErr++;
  }

  cpu(seconds: number): void {
    this.cpuSeconds += seconds;
    this.sloCpu += seconds;
  }

  /** Conditions that fail a node the moment they happen. */
  immediate(now: number, condition: 'overflow' | 'oom'): void {
    if (condition === 'overflow' && !this.boundedQueue) return;
    this.fail(now, condition);
  }

  private fail(now: number, condition: FailureCondition): void {
    if (this.failed) return;
    this.failed = true;
    this.failTime = now;
    this.failCondition = condition;
  }

  /** Closes the report window ending at `now`. */
  nextWindow(now: number): void {
    this.settle(now);
    this.addRecent();
    this.f[this.o + WIN_SUM] = 0;
    this.storeWindow();
    this.f[this.o + WIN_BUSY] = 0;
    this.f[this.o + WIN_QUEUE] = 0;
    this.curOk = 0;
    this.curErr = 0;
    this.w++;
  }

  /** Closes the SLO window ending at `now`: checks the declared conditions over it. */
  closeSloWindow(now: number): void {
    this.settle(now);
    this.addRecent();
    const slo = this.slo;
    const outcomes = this.sloOk + this.sloErr;
    if (slo) {
      if (slo.errorRate !== null && outcomes >= MIN_SLO_SAMPLES && this.sloErr / outcomes > slo.errorRate) this.fail(now, 'errors');
      if (this.sloHist && slo.p99 !== null && this.sloHist.count >= MIN_SLO_SAMPLES && this.sloHist.quantile(0.99) > slo.p99) this.fail(now, 'latency');
      if (slo.utilization !== null && this.sloCap > 0 && this.f[this.o + SLO_BUSY]! / this.sloCap > slo.utilization) this.fail(now, 'saturation');
    }
    // CPU demand above the cores the replicas have: the node cannot keep up whatever its workers do.
    if (this.resources && this.sloCoreArea > 0 && this.sloCpu / this.sloCoreArea > 1) this.fail(now, 'cpu');
    this.sloOk = 0;
    this.sloErr = 0;
    this.sloHist?.reset();
    this.f[this.o + SLO_SUM] = 0;
    this.f[this.o + SLO_BUSY] = 0;
    this.sloCap = 0;
    this.sloCpu = 0;
    this.sloCoreArea = 0;
  }

  /**
   * Warm-up deletion: forgets the whole-run figures and any failure so far
   * (the state and the report windows are kept).
   */
  resetRun(now: number): void {
    this.settle(now);
    this.arrivals = 0; this.ok = 0; this.errors = 0; this.timeouts = 0; this.drops = 0; this.ooms = 0; this.crashes = 0;
    this.retries = 0; this.wasted = 0; this.cpuSeconds = 0;
    this.addRecent();
    this.runHist.reset();
    this.f[this.o + RUN_SUM] = 0;
    this.f[this.o + BUSY_AREA] = 0; this.capArea = 0; this.f[this.o + QUEUE_AREA] = 0; this.replicasArea = 0; this.coreArea = 0;
    this.peakQueue = this.queued;
    this.failed = false; this.failTime = NaN; this.failCondition = '';
  }

  /** Busy-worker seconds over the run (since the warm-up). */
  get busyArea(): number {
    return this.f[this.o + BUSY_AREA]!;
  }

  /** Queue-length seconds over the run (since the warm-up). */
  get queueArea(): number {
    return this.f[this.o + QUEUE_AREA]!;
  }

  /** Busy-worker seconds since time 0, never reset (the autoscaler's). */
  get controlBusy(): number {
    return this.f[this.o + CONTROL_BUSY]!;
  }

  /** Share of worker capacity that was busy over the run. */
  utilization(): number {
    return this.capArea > 0 ? this.busyArea / this.capArea : 0;
  }

  cpuUtilization(): number {
    return this.coreArea > 0 ? this.cpuSeconds / this.coreArea : NaN;
  }
}
