/**
 * The mutable records of a running twin: requests, calls and replicas.
 * Requests and calls are pooled (ids recycled through free lists) so a long
 * run allocates nothing per request once warm, and memory follows the work
 * in flight rather than simulated time. Events refer to records by id.
 */
import type { KeyedRecord } from '../../engine/index.js';

export const enum ReqState {
  Free = 0,
  Queued = 1,
  InService = 2,
  Calling = 3,
  /** Finished at the node, crossing a link's propagation delay. */
  Delay = 4,
}

/** One visit chain of a request: it moves between nodes by routes or a fixed path, answering its call at the end. */
export class Request implements KeyedRecord {
  state: ReqState = ReqState.Free;
  node = -1;
  replica = -1;
  /** The call this request answers; -1 = none (async call, snapshot work, or orphaned after the caller gave up). */
  call = -1;
  /** The caller stopped waiting (timeout, crash, fail-fast): the work goes on but nobody reads the answer. */
  orphaned = false;
  /** Start of the visit to the current node (for the node's response time). */
  visitStart = 0;
  /** Handle of the pending service or delay event (cancelled if the replica crashes). */
  event = -1;
  /** Index of the call group being run. */
  group = 0;
  /** Call lanes of the current group still outstanding. */
  pending = 0;
  /** A mandatory call failed: the response is an error. */
  error = false;
  /** Head of this request's list of active calls (linked through Call.nextSibling). */
  firstCall = -1;
  /** Fixed path of a flow class (-1: follow route edges) and the position on it. */
  path = -1;
  pathPos = 0;
  /** Destination router (node index) of a packet in a routed network; -1 = not routed by destination. */
  dest = -1;
  /** The request's random key: its draws are the same in every variant of the twin (common random numbers). */
  key = 0;
  /** Visits so far (each visit draws from its own keyed state). */
  visit = 0;
  /** State of the visit's keyed generator (service time, call counts, routing). */
  keyedState = 0;
}

/** A logical call from a caller (a request, or the external client of an entry) to a node, with its retries. */
export class Call {
  /** Caller request id, or -1 for an entry's client. */
  caller = -1;
  /** Entry index for a client call. */
  entry = -1;
  to = -1;
  attempt = 0;
  /** Calls still to make on a sequential lane after this one. */
  remaining = 0;
  /** The request of the current attempt (-1 between attempts). */
  child = -1;
  /** Pending retry (or fail-fast) event. */
  timer = -1;
  /** Pending timeout of the attempt in flight (a FixedDelayTimers handle), -1 when none. */
  deadline = -1;
  /** The timeout's ring in FixedDelayTimers, -1 when the call has no timeout. */
  timeoutRing = -1;
  /** Client calls: when the client first sent it (end-to-end latency). */
  start = 0;
  path = -1;
  /** Destination router of a routed network's packet (-1: none), handed to every attempt. */
  dest = -1;
  maxRetries = 0;
  backoff = 0;
  jitter = 0;
  optional = false;
  nextSibling = -1;
  prevSibling = -1;
  /** Key of the call (from its caller's key and its place in the caller's work); attempts and lane steps mix into it. */
  key = 0;
  /** Calls made so far on a sequential lane. */
  ordinal = 0;
  /** Index of the edge's circuit breaker in the model (-1: none), and the permit the current attempt was sent with. */
  breaker = -1;
  permit = 1;
}

export const enum ReplicaState {
  Up = 0,
  Down = 1,
  Starting = 2,
  Draining = 3,
  Gone = 4,
}

export class Replica {
  state: ReplicaState = ReplicaState.Up;
  busy = 0;
  /** Requests on the replica: queued + in service + waiting on calls. */
  inFlight = 0;
  /** Extra resident memory the snapshot reported beyond what in-flight work explains (a leak carried over). */
  memOffset = 0;
  peakMemory = 0;
  /** Pending crash (mtbf) or restart/ready event. */
  timer = -1;
  readonly queue: number[] = [];
  queueHead = 0;
  constructor(readonly id: number, readonly node: number) {}

  get queued(): number {
    return this.queue.length - this.queueHead;
  }
  enqueue(req: number): void {
    this.queue.push(req);
  }
  dequeue(): number {
    const r = this.queue[this.queueHead++]!;
    // Compact now and then so the array does not grow with simulated time.
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
    return r;
  }
  /** Empties the queue (a crash); returns how many requests were waiting. */
  clearQueue(): number {
    const waiting = this.queued;
    this.queue.length = 0;
    this.queueHead = 0;
    return waiting;
  }
}

/** A growable pool of records with recycled ids. */
export class Pool<T> {
  readonly items: T[] = [];
  private readonly free: number[] = [];
  constructor(private readonly make: () => T) {}
  alloc(): number {
    if (this.free.length > 0) return this.free.pop()!;
    this.items.push(this.make());
    return this.items.length - 1;
  }
  release(id: number): void {
    this.free.push(id);
  }
}
