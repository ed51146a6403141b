/**
 * The request-flow model of a twin on the engine: one replication.
 *
 * Requests arrive at entries, queue at a replica of a node (least in flight
 * first), hold a worker for their own service time and then for their call
 * groups (groups one after another, calls within a group in parallel), and
 * leave by route edges, a fixed path or (a routed network, twin.network) the
 * forwarding table of their destination, answering their caller at the end.
 * Callers keep deadlines and retry; a callee that timed out keeps working
 * (wasted work), so retry storms emerge rather than being scripted. Replicas
 * crash (mtbf/mttr, or OOM when memory in flight passes the limit), and an
 * HPA-like controller adds and drains replicas. docs/simulation.md has the
 * full semantics.
 *
 * Invariant that keeps the cascades safe: `arrive` never finishes a request
 * synchronously (drops, OOM and pass-through nodes go through zero-delay
 * events), so a caller's call-group loop is never re-entered.
 */
import { FixedDelayTimers, KeyedDraws, PoissonArrivals, distributionFromSpec, keyedUniform, mix32, type Distribution, type ReplicationContext, type Rng } from '../../engine/index.js';
import type { ForecastBundle } from '../../models/forecast.js';
import type { StateSnapshot } from '../state.js';
import type { CallEdge, CallGroup, FlowPath, NetworkRouting, OptionalShedding, Resources, RetryPolicy, RouteEdge, Twin, TwinNode } from '../definition/types.js';
import { BreakerState, Permit } from './breaker.js';
import { TokenBucket } from './token-bucket.js';
import { entryRate } from './arrivals.js';
import { NodeObserver, OBSERVER_LEVELS } from './observer.js';
import { Call, Pool, ReplicaState, ReqState, Replica, Request } from './records.js';
import { EntryObserver } from './entry-observer.js';
import { reportWindowCount } from './summary.js';
import { callCount, desiredReplicas, drainCandidate, leastInFlight, retryDelay } from './policies.js';

export interface FlowOptions {
  /** Simulated seconds. */
  readonly horizon: number;
  /** Whole-run figures and failures count from here on (warm-up deletion); default 0. */
  readonly warmup?: number;
  /** Length of a report window (windows.csv), seconds. */
  readonly reportWindow: number;
  readonly state?: StateSnapshot | null;
  readonly forecast?: ForecastBundle | null;
}

/** The call groups of every node without calls: one shared empty list (see NodeRuntime.callGroups). */
const NO_CALLS: readonly CallGroup[] = [];
/** SLO window used for nodes that declare resources but no SLO. */
const DEFAULT_SLO_WINDOW = 60;
/** Restart time after an OOM crash when the node declares no failure model, seconds (docs/simulation.md). */
const OOM_RESTART = 30;
/** Salt of the keyed draw that decides whether a request sheds an optional call edge (apart from its other draws). */
const SHED_SALT = 0x5bed;
/** Salt of the keyed draw of a routed packet's destination (apart from its other draws). */
const DEST_SALT = 0xde57;

interface NodeRuntime {
  readonly node: TwinNode;
  readonly service: Distribution | null;
  // The node's fields a visit reads, copied here. Every TwinNode of a loaded twin has a V8 hidden class (map) of
  // its own, so reading rt.node.<field> at a visit is a megamorphic load, slower the more nodes a twin has (1.9x
  // on a 1000-router network); the NodeRuntimes share one map. It also spares a visit one object of its node.
  readonly servers: number;
  readonly delay: number;
  readonly resources: Resources | null;
  readonly callGroups: readonly CallGroup[];
  readonly routes: readonly RouteEdge[];
  readonly shedOptional: OptionalShedding | undefined;
  /** The node's clients' retries (an entry's calls into it). */
  readonly retries: RetryPolicy | null;
  readonly queueCap: number;
  readonly replicas: Replica[];
  readonly obs: NodeObserver;
  readonly rngFailure: Rng;
  /** Keys of work that starts at this node without a caller (snapshot work). */
  readonly rngKeys: Rng;
  busy: number;
  queued: number;
  /** Replicas taking new work. */
  up: number;
  /** Replicas holding work (up + draining): the capacity measured. */
  serving: number;
  starting: number;
  lastBusyArea: number;
  lastCapArea: number;
  /** Optional call edges not made (shedOptional), whole run. */
  shedCalls: number;
  /** Per call group, per call edge: the ring of its timeout in `deadlines` (-1: no timeout). */
  readonly timeoutRings: readonly (readonly number[])[];
}

export class FlowModel {
  readonly nodes: NodeRuntime[];
  readonly entries: EntryObserver[];
  private readonly sim: ReplicationContext['sim'];
  private readonly reqs = new Pool(() => new Request());
  private readonly calls = new Pool(() => new Call());
  private readonly replicas: Replica[] = [];
  private readonly paths: FlowPath[] = [];
  private readonly entryPaths: number[][] = [];
  private readonly entryRng: Rng[] = [];
  private readonly entryKeys: Rng[] = [];
  /** Per entry: the time of its next arrival after a given time. */
  private readonly entryNext: Array<(now: number) => number> = [];
  /** Per entry: its token bucket, or null when it has no rate limit. */
  readonly buckets: Array<TokenBucket | null>;
  /** Circuit breakers, one per call edge that has one, and each edge's index among them. */
  readonly breakers: BreakerState[] = [];
  private readonly breakerOf = new Map<CallEdge, number>();
  /** Scheduled replica-count changes (scaleChanges of every node), by event payload. */
  private readonly scaleTargets: Array<{ readonly node: number; readonly replicas: number }> = [];
  /** Draws from a request's own keyed generator (service time, call counts, routing). */
  private readonly keyed = new KeyedDraws();
  /** Call timeouts: one FIFO per timeout length instead of a calendar event per attempt. */
  private readonly deadlines: FixedDelayTimers;
  /** Per entry: the ring of its client's timeout (-1: none). */
  private readonly entryTimeoutRing: number[];
  /** The routed network's tables in force (twin.network, then each of twin.networkChanges from its time), or null. */
  private net: NetworkRouting | null;
  private readonly windows: number;
  // Handler ids.
  private readonly hArrive: number;
  private readonly hService: number;
  private readonly hDelay: number;
  private readonly hRetry: number;
  private readonly hReject: number;
  private readonly hOom: number;
  private readonly hFail: number;
  private readonly hRestart: number;
  private readonly hReady: number;
  private readonly hScale: number;
  private readonly hSlo: number;
  private readonly hWindow: number;
  private readonly hRefused: number;
  private readonly hScaleTo: number;

  constructor(readonly twin: Twin, ctx: ReplicationContext, readonly options: FlowOptions) {
    const sim = ctx.sim;
    this.sim = sim;
    this.net = twin.network ?? null;
    const { horizon, reportWindow } = options;
    this.windows = reportWindowCount(horizon, reportWindow);
    // Stream names: a kind prefix, then the id. Ids are unique within nodes and within entries, but an entry
    // may share its node's id (importers name it so), so node and entry streams need different prefixes, and
    // no prefix may start another (`failure:`, `node-keys:` for nodes; `paths:`, `keys:`, `arrivals:` for entries).
    // Entry keys keep their first name `keys:` so runs without a snapshot draw as before. The factory refuses repeats.
    const s = ctx.streams;
    // The timeout lengths in use: each call edge's, and each entry's client's (its node's timeout).
    const timeouts: number[] = [];
    for (const e of twin.entries) { const t = twin.nodes[e.node]!.timeout; if (t !== null) timeouts.push(t); }
    for (const node of twin.nodes) for (const g of node.callGroups) for (const edge of g.calls) if (edge.timeout !== null) timeouts.push(edge.timeout);
    this.deadlines = new FixedDelayTimers(sim, timeouts, (c) => this.onTimeout(c));
    const ringOf = (timeout: number | null) => (timeout === null ? -1 : this.deadlines.ringOf(timeout));
    this.entryTimeoutRing = twin.entries.map((e) => ringOf(twin.nodes[e.node]!.timeout));
    const levels = new Float64Array(twin.nodes.length * OBSERVER_LEVELS);
    // Nodes with the same service-time law share one (stateless) distribution: a network's links of one capacity
    // then sample from one object a visit finds in cache, not one of their own each.
    const laws = new Map<string, Distribution>();
    const serviceOf = (node: TwinNode): Distribution | null => {
      if (!node.service) return null;
      const key = JSON.stringify(node.service);
      let d = laws.get(key);
      if (d === undefined) laws.set(key, d = distributionFromSpec(node.service, `nodes[${node.index}].service`));
      return d;
    };
    this.nodes = twin.nodes.map((node, i) => ({
      node,
      service: serviceOf(node),
      servers: node.servers, delay: node.delay, resources: node.resources,
      // Nodes without calls share one empty list (a network's thousands of links and routers, a call graph's leaves).
      callGroups: node.callGroups.length > 0 ? node.callGroups : NO_CALLS, routes: node.routes, shedOptional: node.shedOptional, retries: node.retries,
      queueCap: node.queue ?? Infinity,
      replicas: [],
      obs: new NodeObserver(0, this.windows, node.slo, node.resources, node.queue !== null, levels, i * OBSERVER_LEVELS),
      rngFailure: s.stream(`failure:${node.id}`),
      rngKeys: s.stream(`node-keys:${node.id}`),
      busy: 0, queued: 0, up: 0, serving: 0, starting: 0, lastBusyArea: 0, lastCapArea: 0, shedCalls: 0,
      timeoutRings: node.callGroups.map((g) => g.calls.map((edge) => ringOf(edge.timeout))),
    }));
    this.entries = twin.entries.map((e) => new EntryObserver(e.id));
    this.buckets = twin.entries.map((e) => (e.rateLimit ? new TokenBucket(e.rateLimit) : null));
    for (const node of twin.nodes) {
      for (const g of node.callGroups) for (const edge of g.calls) {
        if (edge.circuitBreaker) { this.breakerOf.set(edge, this.breakers.length); this.breakers.push(new BreakerState(edge.circuitBreaker)); }
      }
    }

    this.hArrive = sim.on((e) => this.onArrival(e));
    this.hService = sim.on((r) => this.serviceDone(r));
    this.hDelay = sim.on((r) => this.afterVisit(r));
    this.hRetry = sim.on((c) => { this.calls.items[c]!.timer = -1; this.issue(c); });
    this.hReject = sim.on((r) => this.afterVisit(r));
    this.hOom = sim.on((rep) => this.onOom(rep));
    this.hFail = sim.on((rep) => { this.replicas[rep]!.timer = -1; this.crash(this.replicas[rep]!, false); });
    this.hRestart = sim.on((rep) => this.onRestart(rep));
    this.hReady = sim.on((rep) => this.onReady(rep));
    this.hScale = sim.on((n) => this.onAutoscale(n));
    this.hSlo = sim.on((n) => this.onSloWindow(n));
    this.hWindow = sim.on(() => this.onWindow());
    this.hRefused = sim.on((c) => { this.calls.items[c]!.timer = -1; this.callFailed(c); });
    this.hScaleTo = sim.on((k) => this.onScaleTo(k));
    // A timed link change (a scenario's linkDown / linkUp / linkMetric with `at`): the next hop and every destination drawn from then on follow the new tables.
    const changes = twin.networkChanges ?? [];
    const hRoute = sim.on((k) => { this.net = changes[k]!.routing; });
    changes.forEach((c, k) => { if (c.at <= options.horizon) sim.scheduleAt(c.at, hRoute, k, -1); });

    this.startReplicas(options.state ?? null);
    this.startEntries(ctx.replication, options.forecast ?? null, ctx);
    for (let k = 1; k < this.windows; k++) sim.scheduleAt(k * reportWindow, this.hWindow, 0, -1);
    const warmup = options.warmup ?? 0;
    if (warmup > 0) {
      const reset = sim.on(() => {
        for (const rt of this.nodes) { rt.obs.resetRun(sim.now); for (const rep of rt.replicas) rep.peakMemory = 0; }
        for (const e of this.entries) e.resetRun();
      });
      sim.scheduleAt(warmup, reset, 0, -1);
    }
    this.nodes.forEach((rt, i) => {
      const window = rt.node.slo?.window ?? (rt.node.resources ? DEFAULT_SLO_WINDOW : 0);
      if (window > 0 && window <= horizon) sim.schedule(window, this.hSlo, i);
      if (rt.node.autoscale) sim.schedule(rt.node.autoscale.period, this.hScale, i);
      for (const change of rt.node.scaleChanges ?? []) {
        if (change.at > horizon) continue;
        sim.scheduleAt(change.at, this.hScaleTo, this.scaleTargets.length);
        this.scaleTargets.push({ node: i, replicas: change.replicas });
      }
    });
  }

  /** Events executed so far (arrivals, completions, timers, ...). */
  get events(): number {
    return this.sim.executed;
  }

  /** The event calendar's insertions and cancellations so far (make bench reports them per event). */
  get calendarWork(): { readonly inserted: number; readonly cancelled: number } {
    return this.sim.calendarWork;
  }

  // ---------------------------------------------------------------- set-up

  private startReplicas(state: StateSnapshot | null): void {
    const now = this.sim.now;
    this.nodes.forEach((rt, i) => {
      const ns = state?.nodes[i] ?? null;
      const up = ns ? ns.replicasUp : rt.node.replicas;
      for (let k = 0; k < up; k++) this.addReplica(i, ReplicaState.Up);
      for (let k = 0; k < (ns?.starting ?? 0); k++) {
        const rep = this.addReplica(i, ReplicaState.Starting);
        rep.timer = this.sim.schedule(rt.node.autoscale?.startup ?? 0, this.hReady, rep.id);
      }
      rt.obs.setCapacity(now, rt.serving, rt.node.servers);
      if (!ns) return;
      // Predictive state transfer: the work production had in hand at the snapshot.
      for (let k = 0; k < up; k++) {
        const rep = rt.replicas[k]!;
        for (let b = 0; b < ns.busy[k]! + ns.queue[k]!; b++) this.arrive(this.newRequest(-1, -1, toKey(rt.rngKeys())), i, rep);
        const mem = ns.memory?.[k];
        if (mem !== undefined && rt.node.resources) {
          const explained = rt.node.resources.memBase + rt.node.resources.memPerInFlight * rep.inFlight;
          rep.memOffset = Math.max(0, mem - explained);
          rep.peakMemory = Math.max(rep.peakMemory, mem);
        }
      }
    });
  }

  private addReplica(node: number, state: ReplicaState): Replica {
    const rt = this.nodes[node]!;
    const rep = new Replica(this.replicas.length, node);
    rep.state = state;
    this.replicas.push(rep);
    rt.replicas.push(rep);
    if (state === ReplicaState.Up) this.replicaUp(rep);
    else if (state === ReplicaState.Starting) rt.starting++;
    return rep;
  }

  private replicaUp(rep: Replica): void {
    const rt = this.nodes[rep.node]!;
    rep.state = ReplicaState.Up;
    rt.up++;
    rt.serving++;
    rt.obs.setCapacity(this.sim.now, rt.serving, rt.node.servers);
    const f = rt.node.failure;
    if (f) rep.timer = this.sim.schedule(-Math.log(1 - rt.rngFailure()) * f.mtbf, this.hFail, rep.id);
  }

  private startEntries(replication: number, forecast: ForecastBundle | null, ctx: ReplicationContext): void {
    this.twin.entries.forEach((entry, e) => {
      const ids: number[] = [];
      for (const p of entry.paths ?? []) { ids.push(this.paths.length); this.paths.push(p); }
      this.entryPaths.push(ids);
      this.entryRng.push(ctx.streams.stream(`paths:${entry.id}`));
      this.entryKeys.push(ctx.streams.stream(`keys:${entry.id}`));
      const rate = entryRate(entry, replication, forecast);
      const rng = ctx.streams.stream(`arrivals:${entry.id}`);
      const poisson = new PoissonArrivals(rate);
      // Deterministic arrivals sit at Λ = 1, 2, 3, ...: evenly spaced in "expected arrivals", so they follow the rate too.
      const next = entry.process === 'poisson'
        ? (now: number) => poisson.next(now, rng)
        : (now: number) => rate.inverseCumulative(rate.cumulativeAt(now) + 1);
      this.entryNext[e] = next;
      // A routed entry whose router is cut off from all its traffic (a link down) offers nothing; the twin warns of it.
      if (this.cutOff(entry.node, ids.length)) return;
      const first = next(this.sim.now);
      if (first <= this.options.horizon) this.sim.scheduleAt(first, this.hArrive, e);
    });
  }

  /** Whether an entry at `node` without fixed paths is routed by destination and its router has none: its packets could go nowhere. */
  private cutOff(node: number, paths: number): boolean {
    const net = this.net;
    if (net === null || paths > 0) return false;
    const o = net.routerOf[node]!;
    return o >= 0 && net.destStart[o] === net.destStart[o + 1];
  }

  // ---------------------------------------------------------------- requests

  private newRequest(call: number, path: number, key: number): number {
    const id = this.reqs.alloc();
    const r = this.reqs.items[id]!;
    r.state = ReqState.Queued;
    r.call = call;
    r.orphaned = false;
    r.event = -1;
    r.group = 0;
    r.pending = 0;
    r.error = false;
    r.firstCall = -1;
    r.path = path;
    r.pathPos = 0;
    r.dest = -1;
    r.replica = -1;
    r.key = key;
    r.visit = 0;
    return id;
  }

  private freeRequest(id: number): void {
    this.reqs.items[id]!.state = ReqState.Free;
    this.reqs.release(id);
  }

  private onArrival(e: number): void {
    const now = this.sim.now;
    const next = this.entryNext[e]!(now);
    if (next <= this.options.horizon) this.sim.scheduleAt(next, this.hArrive, e);
    const entry = this.twin.entries[e]!;
    let path = -1;
    const ids = this.entryPaths[e]!;
    if (ids.length > 0) {
      const u = this.entryRng[e]!();
      path = ids[ids.length - 1]!;
      for (const id of ids) if (u < this.paths[id]!.cumulative) { path = id; break; }
    }
    const node = this.nodes[entry.node]!;
    this.entries[e]!.arrival();
    // The key is drawn even for a shed arrival, so the entry's later requests keep their keys (common random numbers).
    const key = toKey(this.entryKeys[e]!());
    const bucket = this.buckets[e]!;
    if (bucket !== null && !bucket.admit(now)) {
      // Rate limited: answered at once with an error, never sent into the system.
      this.entries[e]!.shed++;
      this.entries[e]!.response(false, 0);
      return;
    }
    const dest = path < 0 && this.net !== null ? this.destination(entry.node, key) : -1;
    const cid = this.newCall(-1, e, null, path >= 0 ? this.paths[path]!.nodes[0]! : entry.node, 0, this.entryTimeoutRing[e]!);
    const c = this.calls.items[cid]!;
    c.path = path;
    c.key = key;
    c.dest = dest;
    c.start = now;
    c.maxRetries = node.retries?.max ?? 0;
    c.backoff = node.retries?.backoff ?? 0;
    c.jitter = node.retries?.jitter ?? 0;
    this.issue(cid);
  }

  /** A request arrives at a node (a new visit). Never completes synchronously. */
  private arrive(id: number, node: number, forced: Replica | null = null): void {
    const rt = this.nodes[node]!;
    const r = this.reqs.items[id]!;
    const now = this.sim.now;
    r.node = node;
    r.visitStart = now;
    r.group = 0;
    r.pending = 0;
    r.error = false;
    r.keyedState = mix32(r.key, ++r.visit);
    rt.obs.arrivals++;
    if (rt.service === null) {
      // Pass-through (a router): no station; continue at once, but as an event.
      r.state = ReqState.Calling;
      r.replica = -1;
      r.event = this.sim.schedule(0, this.hService, id);
      return;
    }
    const rep = forced ?? leastInFlight(rt.replicas);
    if (rep === null || rep.inFlight >= rt.servers + rt.queueCap) {
      // No replica up (refused) or a full queue (dropped): an immediate error response.
      rt.obs.drops++;
      if (rep !== null) rt.obs.immediate(now, 'overflow');
      r.error = true;
      r.replica = -1;
      r.state = ReqState.Delay;
      r.event = this.sim.schedule(0, this.hReject, id);
      return;
    }
    r.replica = rep.id;
    rep.inFlight++;
    const res = rt.resources;
    if (res) {
      const mem = res.memBase + rep.memOffset + res.memPerInFlight * rep.inFlight;
      if (mem > rep.peakMemory) rep.peakMemory = mem;
      if (mem > res.memLimit && rep.state === ReplicaState.Up) {
        // Memory over the limit: the kernel kills the replica. Processed as an event so this caller's loop ends first.
        rep.state = ReplicaState.Down;
        this.sim.schedule(0, this.hOom, rep.id);
      }
    }
    if (rep.busy < rt.servers) this.startService(id, rt, rep);
    else {
      r.state = ReqState.Queued;
      rep.enqueue(id);
      rt.queued++;
      rt.obs.setQueued(now, rt.queued);
    }
  }

  private startService(id: number, rt: NodeRuntime, rep: Replica): void {
    const r = this.reqs.items[id]!;
    r.state = ReqState.InService;
    rep.busy++;
    rt.busy++;
    rt.obs.setBusy(this.sim.now, rt.busy);
    const service = rt.service!.sample(this.keyed.from(r));
    r.event = this.sim.schedule(service, this.hService, id);
  }

  private serviceDone(id: number): void {
    const r = this.reqs.items[id]!;
    r.event = -1;
    const rt = this.nodes[r.node]!;
    if (rt.resources) rt.obs.cpu(rt.resources.cpuPerRequest);
    r.group = 0;
    this.runGroups(id);
  }

  /** Runs call groups from r.group on; finishes the visit when none is left waiting. */
  private runGroups(id: number): void {
    const r = this.reqs.items[id]!;
    const rt = this.nodes[r.node]!;
    const groups = rt.callGroups;
    while (r.group < groups.length) {
      r.pending = 0;
      const calls = groups[r.group]!.calls;
      const rings = rt.timeoutRings[r.group]!;
      for (let j = 0; j < calls.length; j++) {
        const edge = calls[j]!;
        const n = callCount(edge, this.keyed.from(r));
        if (n === 0) continue;
        // A call's key depends only on where it sits in the caller's work, never on timing.
        const base = mix32(mix32(r.keyedState, r.group), j);
        if (edge.optional && rt.shedOptional !== undefined && this.sheds(rt.shedOptional, base)) { rt.shedCalls++; continue; }
        if (edge.mode === 'async') {
          for (let k = 0; k < n; k++) this.arrive(this.newRequest(-1, -1, mix32(base, k)), edge.to);
        } else if (edge.fanout === 'parallel') {
          for (let k = 0; k < n; k++) { r.pending++; this.startCall(id, edge, 0, mix32(base, k), rings[j]!); }
        } else {
          r.pending++;
          this.startCall(id, edge, n - 1, base, rings[j]!);
        }
      }
      if (r.pending > 0) {
        r.state = ReqState.Calling;
        return;
      }
      r.group++;
    }
    this.finishVisit(id);
  }

  /** Whether a request sheds an optional call edge now; the draw is keyed by the call, apart from the request's own draws. */
  private sheds(shed: OptionalShedding, base: number): boolean {
    if (this.sim.now < shed.at) return false;
    return shed.probability >= 1 || keyedUniform(mix32(base, SHED_SALT)) < shed.probability;
  }

  /** The request's work at its node is done (ok unless r.error): free the worker, then cross the link delay. */
  private finishVisit(id: number): void {
    const r = this.reqs.items[id]!;
    const rt = this.nodes[r.node]!;
    if (r.replica >= 0) {
      const rep = this.replicas[r.replica]!;
      r.replica = -1;
      rep.busy--;
      rep.inFlight--;
      rt.busy--;
      rt.obs.setBusy(this.sim.now, rt.busy);
      this.serveNext(rt, rep);
    }
    if (rt.delay > 0) {
      r.state = ReqState.Delay;
      r.event = this.sim.schedule(rt.delay, this.hDelay, id);
    } else {
      this.afterVisit(id);
    }
  }

  private serveNext(rt: NodeRuntime, rep: Replica): void {
    if (rep.queued > 0 && rep.busy < rt.servers) {
      const next = rep.dequeue();
      rt.queued--;
      rt.obs.setQueued(this.sim.now, rt.queued);
      this.startService(next, rt, rep);
    }
    if (rep.state === ReplicaState.Draining && rep.inFlight === 0) this.retire(rep);
  }

  /** Records the visit's response and moves on (route or path) or answers the caller. */
  private afterVisit(id: number): void {
    const r = this.reqs.items[id]!;
    r.event = -1;
    const rt = this.nodes[r.node]!;
    rt.obs.response(!r.error, this.sim.now - r.visitStart, !r.orphaned);
    if (r.orphaned) rt.obs.wasted++;
    if (!r.error) {
      const next = this.nextNode(r, rt);
      if (next >= 0) {
        this.arrive(id, next);
        return;
      }
    }
    const call = r.call;
    const ok = !r.error;
    this.freeRequest(id);
    if (call >= 0) this.attemptDone(call, ok);
  }

  /**
   * Destination router of a packet entering at `node` (a router of the
   * network), drawn by the call's key from the origin's destination shares;
   * -1 when `node` is not a router. Every table set of a twin shares its
   * destination tables (demand does not follow a link change), and an entry
   * whose router has none never starts (startEntries), so the range is never empty.
   */
  private destination(node: number, key: number): number {
    const net = this.net!;
    const o = net.routerOf[node]!;
    if (o < 0) return -1;
    let lo = net.destStart[o]!;
    let hi = net.destStart[o + 1]! - 1;
    const u = keyedUniform(mix32(key, DEST_SALT));
    // First destination with u < cumulative (binary search: an origin of a 1000-router network has 999).
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < net.destCum[mid]!) hi = mid; else lo = mid + 1;
    }
    return net.destNode[lo]!;
  }

  /** Next node of a routed packet: a link station leads to its router; a router forwards by the destination's table. */
  private nextHop(r: Request): number {
    const net = this.net!;
    const to = net.linkTo[r.node]!;
    if (to >= 0) return to;
    if (r.node === r.dest) return -1;
    const R = net.routers.length;
    const set = net.nextHop[net.routerOf[r.dest]! * R + net.routerOf[r.node]!]!;
    if (set < 0) {
      // No route any more (a timed link change cut the destination off while the packet was on its way): lost, an error.
      r.error = true;
      return -1;
    }
    const lo = net.choiceStart[set]!;
    const hi = net.choiceStart[set + 1]!;
    if (hi - lo === 1) return net.choiceStation[lo]!;
    const u = this.keyed.from(r)();
    for (let j = lo; j < hi - 1; j++) if (u < net.choiceCum[j]!) return net.choiceStation[j]!;
    return net.choiceStation[hi - 1]!;
  }

  private nextNode(r: Request, rt: NodeRuntime): number {
    if (r.dest >= 0) return this.nextHop(r);
    if (r.path >= 0) {
      const nodes = this.paths[r.path]!.nodes;
      r.pathPos++;
      return r.pathPos < nodes.length ? nodes[r.pathPos]! : -1;
    }
    const routes = rt.routes;
    if (routes.length === 0) return -1;
    const u = this.keyed.from(r)();
    for (const e of routes) if (u < e.cumulative) return e.to;
    return -1;
  }

  // ---------------------------------------------------------------- calls

  private newCall(caller: number, entry: number, edge: CallEdge | null, to: number, remaining: number, timeoutRing: number): number {
    const cid = this.calls.alloc();
    const c = this.calls.items[cid]!;
    c.caller = caller;
    c.entry = entry;
    c.to = to;
    c.attempt = 0;
    c.remaining = remaining;
    c.child = -1;
    c.timer = -1;
    c.deadline = -1;
    c.timeoutRing = timeoutRing;
    c.path = -1;
    c.dest = -1;
    c.maxRetries = edge?.retries?.max ?? 0;
    c.backoff = edge?.retries?.backoff ?? 0;
    c.jitter = edge?.retries?.jitter ?? 0;
    c.optional = edge?.optional ?? false;
    c.prevSibling = -1;
    c.nextSibling = -1;
    c.key = 0;
    c.ordinal = 0;
    c.breaker = edge !== null && this.breakers.length > 0 ? this.breakerOf.get(edge) ?? -1 : -1;
    c.permit = Permit.Normal;
    return cid;
  }

  private startCall(caller: number, edge: CallEdge, remaining: number, key: number, timeoutRing: number): void {
    const cid = this.newCall(caller, -1, edge, edge.to, remaining, timeoutRing);
    this.calls.items[cid]!.key = key;
    const r = this.reqs.items[caller]!;
    const c = this.calls.items[cid]!;
    // Link into the caller's active calls, so a fail-fast can orphan the rest.
    c.nextSibling = r.firstCall;
    if (r.firstCall >= 0) this.calls.items[r.firstCall]!.prevSibling = cid;
    r.firstCall = cid;
    this.issue(cid);
  }

  /** Sends one attempt of a call. */
  private issue(cid: number): void {
    const c = this.calls.items[cid]!;
    if (c.breaker >= 0) {
      c.permit = this.breakers[c.breaker]!.permit(this.sim.now);
      if (c.permit === Permit.Refuse) {
        // Fail fast, nothing sent, no retry; as an event, so a caller's call-group loop is never re-entered.
        c.timer = this.sim.schedule(0, this.hRefused, cid);
        return;
      }
    }
    const child = this.newRequest(cid, c.path, mix32(mix32(c.key, c.ordinal), c.attempt));
    this.reqs.items[child]!.dest = c.dest;
    c.child = child;
    if (c.timeoutRing >= 0) c.deadline = this.deadlines.start(c.timeoutRing, cid);
    this.arrive(child, c.to);
  }

  private attemptDone(cid: number, ok: boolean): void {
    const c = this.calls.items[cid]!;
    c.child = -1;
    // An attempt's answer arrives only while its timeout is pending (a retry or fail-fast timer has no attempt in flight).
    if (c.deadline >= 0) { this.deadlines.cancel(c.deadline); c.deadline = -1; }
    if (c.breaker >= 0) this.breakers[c.breaker]!.record(this.sim.now, !ok, c.permit);
    if (ok) this.callSucceeded(cid);
    else this.attemptFailed(cid);
  }

  private onTimeout(cid: number): void {
    const c = this.calls.items[cid]!;
    c.deadline = -1;
    const child = this.reqs.items[c.child]!;
    // The callee keeps working; its answer will find nobody waiting.
    child.orphaned = true;
    child.call = -1;
    c.child = -1;
    this.nodes[c.to]!.obs.timeout();
    if (c.breaker >= 0) this.breakers[c.breaker]!.record(this.sim.now, true, c.permit);
    this.attemptFailed(cid);
  }

  private attemptFailed(cid: number): void {
    const c = this.calls.items[cid]!;
    if (c.attempt < c.maxRetries) {
      c.attempt++;
      this.nodes[c.to]!.obs.retries++;
      // The jitter draw is keyed by the call and the attempt, so a retry waits alike in every variant.
      const u = keyedUniform(mix32(mix32(c.key, c.ordinal), 0x7e7 + c.attempt));
      c.timer = this.sim.schedule(retryDelay(c.backoff, c.jitter, c.attempt, u), this.hRetry, cid);
      return;
    }
    this.callFailed(cid);
  }

  private callSucceeded(cid: number): void {
    const c = this.calls.items[cid]!;
    if (c.caller < 0) {
      this.entries[c.entry]!.response(true, this.sim.now - c.start);
      this.freeCall(cid);
      return;
    }
    this.laneAdvance(cid);
  }

  /** One call of a lane is over (succeeded, or failed but optional): next call on a sequential lane, or the lane is done. */
  private laneAdvance(cid: number): void {
    const c = this.calls.items[cid]!;
    if (c.remaining > 0) {
      c.remaining--;
      c.attempt = 0;
      c.ordinal++;
      this.issue(cid);
      return;
    }
    const caller = c.caller;
    this.unlink(cid);
    this.freeCall(cid);
    const r = this.reqs.items[caller]!;
    if (--r.pending === 0) {
      r.group++;
      this.runGroups(caller);
    }
  }

  private callFailed(cid: number): void {
    const c = this.calls.items[cid]!;
    if (c.caller < 0) {
      this.entries[c.entry]!.response(false, this.sim.now - c.start);
      this.freeCall(cid);
      return;
    }
    if (c.optional) {
      this.laneAdvance(cid);
      return;
    }
    // A mandatory call failed: the caller answers with an error now (fail fast) and abandons its other calls.
    const caller = c.caller;
    this.unlink(cid);
    this.freeCall(cid);
    const r = this.reqs.items[caller]!;
    r.error = true;
    this.abandonCalls(r);
    r.pending = 0;
    this.finishVisit(caller);
  }

  /** Orphans every active call of a request (its attempts keep running downstream) and cancels their timers. */
  private abandonCalls(r: Request): void {
    let cid = r.firstCall;
    while (cid >= 0) {
      const c = this.calls.items[cid]!;
      const next = c.nextSibling;
      if (c.timer >= 0) this.sim.cancel(c.timer);
      if (c.deadline >= 0) this.deadlines.cancel(c.deadline);
      if (c.breaker >= 0 && c.permit === Permit.Trial && c.child >= 0) this.breakers[c.breaker]!.trialAbandoned();
      if (c.child >= 0) {
        const child = this.reqs.items[c.child]!;
        child.orphaned = true;
        child.call = -1;
      }
      this.freeCall(cid);
      cid = next;
    }
    r.firstCall = -1;
  }

  private unlink(cid: number): void {
    const c = this.calls.items[cid]!;
    if (c.caller < 0) return;
    const r = this.reqs.items[c.caller]!;
    if (c.prevSibling >= 0) this.calls.items[c.prevSibling]!.nextSibling = c.nextSibling;
    else r.firstCall = c.nextSibling;
    if (c.nextSibling >= 0) this.calls.items[c.nextSibling]!.prevSibling = c.prevSibling;
    c.prevSibling = -1;
    c.nextSibling = -1;
  }

  private freeCall(cid: number): void {
    const c = this.calls.items[cid]!;
    c.timer = -1;
    c.deadline = -1;
    c.child = -1;
    this.calls.release(cid);
  }

  // ---------------------------------------------------------------- replicas

  private onOom(repId: number): void {
    const rep = this.replicas[repId]!;
    const rt = this.nodes[rep.node]!;
    rt.obs.ooms++;
    rt.obs.immediate(this.sim.now, 'oom');
    this.crash(rep, true);
  }

  /** The replica dies: everything on it fails at once; it restarts after mttr (or the OOM restart time). */
  private crash(rep: Replica, oom: boolean): void {
    const rt = this.nodes[rep.node]!;
    const now = this.sim.now;
    const wasServing = rep.state === ReplicaState.Up || rep.state === ReplicaState.Draining || oom;
    const wasUp = rep.state === ReplicaState.Up || oom;
    const draining = rep.state === ReplicaState.Draining;
    rep.state = ReplicaState.Down;
    if (rep.timer >= 0) { this.sim.cancel(rep.timer); rep.timer = -1; }
    rt.obs.crashes++;
    if (wasUp) rt.up--;
    if (wasServing) rt.serving--;
    rt.obs.setCapacity(now, rt.serving, rt.node.servers);
    // Victims are collected first: the cascade of error answers may start new work elsewhere.
    const victims: number[] = [];
    const items = this.reqs.items;
    for (let id = 0; id < items.length; id++) if (items[id]!.state !== ReqState.Free && items[id]!.replica === rep.id) victims.push(id);
    rt.queued -= rep.clearQueue();
    rt.busy -= rep.busy;
    rep.busy = 0;
    rep.inFlight = 0;
    rt.obs.setBusy(now, rt.busy);
    rt.obs.setQueued(now, rt.queued);
    for (const id of victims) {
      const r = items[id]!;
      if (r.event >= 0) { this.sim.cancel(r.event); r.event = -1; }
      this.abandonCalls(r);
      r.error = true;
      r.replica = -1;
      this.afterVisit(id);
    }
    if (draining) {
      rep.state = ReplicaState.Gone;
      return;
    }
    const f = rt.node.failure;
    const restart = f ? -Math.log(1 - rt.rngFailure()) * f.mttr : OOM_RESTART;
    rep.timer = this.sim.schedule(restart, this.hRestart, rep.id);
  }

  private onRestart(repId: number): void {
    const rep = this.replicas[repId]!;
    rep.timer = -1;
    rep.memOffset = 0;
    this.replicaUp(rep);
  }

  private onReady(repId: number): void {
    const rep = this.replicas[repId]!;
    rep.timer = -1;
    this.nodes[rep.node]!.starting--;
    this.replicaUp(rep);
  }

  private retire(rep: Replica): void {
    const rt = this.nodes[rep.node]!;
    if (rep.timer >= 0) { this.sim.cancel(rep.timer); rep.timer = -1; }
    rep.state = ReplicaState.Gone;
    rt.serving--;
    rt.obs.setCapacity(this.sim.now, rt.serving, rt.node.servers);
  }

  /** HPA over the last period (policies.desiredReplicas): starts replicas up to the desired count, or drains one per period at most. */
  private onAutoscale(n: number): void {
    const rt = this.nodes[n]!;
    const a = rt.node.autoscale!;
    const now = this.sim.now;
    if (now + a.period <= this.options.horizon) this.sim.schedule(a.period, this.hScale, n);
    rt.obs.settle(now);
    const dBusy = rt.obs.controlBusy - rt.lastBusyArea;
    const dCap = rt.obs.controlCap - rt.lastCapArea;
    rt.lastBusyArea = rt.obs.controlBusy;
    rt.lastCapArea = rt.obs.controlCap;
    const ready = rt.up;
    const desired = desiredReplicas(ready, dBusy, dCap, a);
    if (desired > ready + rt.starting) {
      for (let k = ready + rt.starting; k < desired; k++) {
        const rep = this.addReplica(n, ReplicaState.Starting);
        rep.timer = this.sim.schedule(a.startup, this.hReady, rep.id);
      }
    } else if (desired < ready) {
      const victim = drainCandidate(rt.replicas);
      if (victim) {
        victim.state = ReplicaState.Draining;
        rt.up--;
        if (victim.inFlight === 0) this.retire(victim);
      }
    }
  }

  /**
   * A scheduled scale change (scenario `replicas` with `at`): replicas not gone
   * (up, starting, down and restarting) are brought to the target. New ones
   * serve at once (pre-warmed); excess ones are taken from those still
   * starting, then drained like the autoscaler's (no new work, retired when
   * empty). Replicas down after a crash count and come back when they restart.
   */
  private onScaleTo(k: number): void {
    const { node: n, replicas: target } = this.scaleTargets[k]!;
    const rt = this.nodes[n]!;
    let count = 0;
    for (const rep of rt.replicas) if (rep.state === ReplicaState.Up || rep.state === ReplicaState.Starting || rep.state === ReplicaState.Down) count++;
    for (; count < target; count++) this.addReplica(n, ReplicaState.Up);
    for (let i = rt.replicas.length - 1; i >= 0 && count > target; i--) {
      const rep = rt.replicas[i]!;
      if (rep.state !== ReplicaState.Starting) continue;
      if (rep.timer >= 0) { this.sim.cancel(rep.timer); rep.timer = -1; }
      rep.state = ReplicaState.Gone;
      rt.starting--;
      count--;
    }
    while (count > target) {
      const victim = drainCandidate(rt.replicas);
      if (!victim) break;
      victim.state = ReplicaState.Draining;
      rt.up--;
      count--;
      if (victim.inFlight === 0) this.retire(victim);
    }
  }

  private onSloWindow(n: number): void {
    const rt = this.nodes[n]!;
    const window = rt.node.slo?.window ?? DEFAULT_SLO_WINDOW;
    rt.obs.closeSloWindow(this.sim.now);
    if (this.sim.now + window <= this.options.horizon + 1e-9) this.sim.schedule(window, this.hSlo, n);
  }

  private onWindow(): void {
    const now = this.sim.now;
    for (const rt of this.nodes) rt.obs.nextWindow(now);
  }

  /** Closes the run at the horizon: integrates every level up to it. */
  finish(): void {
    const now = this.sim.now;
    for (const rt of this.nodes) {
      rt.obs.settle(now);
      let peak = 0;
      for (const rep of rt.replicas) if (rep.peakMemory > peak) peak = rep.peakMemory;
      rt.obs.peakMemory = peak;
    }
  }
}

/** A uniform draw as a 32-bit key. */
function toKey(u: number): number {
  return Math.floor(u * 4294967296) >>> 0;
}
