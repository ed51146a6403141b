/**
 * Forwarding tables of a routed network: for every destination router a
 * shortest-path tree (Dijkstra from the destination over the links reversed,
 * a binary heap on typed arrays: graphology would allocate per node and per
 * edge, R times over), turned into next-hop choice sets.
 *
 * A choice set is what a packet at router u bound for d may take: the link
 * directions towards the next router (or, with ECMP, every equal-cost next
 * router, equal shares each), spread over parallel links by capacity
 * (`split`) or the fastest only (`best`). Sets are shared: without ECMP there
 * is at most one per (router, neighbour) pair, whatever the destination.
 */
import type { NetworkRouting } from '../definition/types.js';

/** Link directions in router numbers, the input of the tables. */
export interface LinkArrays {
  /** Routers, 0..R-1. */
  readonly routers: number;
  readonly from: Int32Array;
  readonly to: Int32Array;
  /** Node index of the station (what the tables hand out). */
  readonly station: Int32Array;
  /** Routing metric of the direction (> 0). */
  readonly weight: Float64Array;
  /** Capacity (service rate) of the direction, for the split over parallel links. */
  readonly capacity: Float64Array;
  /** 1: the direction is out (no route uses it). Absent: every direction is up. */
  readonly down?: Uint8Array;
  /** 1: the weight is the direction's own IGP metric (then parallel links carry traffic only at the lightest weight). */
  readonly metricSet?: Uint8Array;
}

export interface RoutingOptions {
  readonly ecmp: boolean;
  readonly parallel: 'split' | 'best';
}

/** The forwarding part of a twin's NetworkRouting. */
export type ForwardingTables = Pick<NetworkRouting, 'nextHop' | 'choiceStart' | 'choiceStation' | 'choiceCum'>;

/** Relative tolerance under which two path costs are equal (float sums of delays). */
const TIE = 1e-9;

/** Binary min-heap of router numbers keyed by distance, with decrease-key through positions. */
class Heap {
  private readonly items: Int32Array;
  private readonly pos: Int32Array;
  private size = 0;
  constructor(n: number, private readonly key: Float64Array) {
    this.items = new Int32Array(n);
    this.pos = new Int32Array(n).fill(-1);
  }
  get empty(): boolean {
    return this.size === 0;
  }
  reset(): void {
    for (let i = 0; i < this.size; i++) this.pos[this.items[i]!] = -1;
    this.size = 0;
  }
  /** Inserts v or moves it up after its key decreased. */
  push(v: number): void {
    let i = this.pos[v]!;
    if (i < 0) { i = this.size++; this.items[i] = v; this.pos[v] = i; }
    this.up(i);
  }
  pop(): number {
    const top = this.items[0]!;
    this.pos[top] = -1;
    const last = this.items[--this.size]!;
    if (this.size > 0) { this.items[0] = last; this.pos[last] = 0; this.down(0); }
    return top;
  }
  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }
  private up(i: number): void {
    const v = this.items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const u = this.items[p]!;
      if (!this.less(v, u)) break;
      this.items[i] = u; this.pos[u] = i; i = p;
    }
    this.items[i] = v; this.pos[v] = i;
  }
  private down(i: number): void {
    const v = this.items[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && this.less(this.items[c + 1]!, this.items[c]!)) c++;
      const u = this.items[c]!;
      if (!this.less(u, v)) break;
      this.items[i] = u; this.pos[u] = i; i = c;
    }
    this.items[i] = v; this.pos[v] = i;
  }
}

/** Per router pair u -> v (u's neighbours in router order): the lightest direction's weight and the directions joining them. */
interface Adjacency {
  /** CSR over routers: neighbours of u at nbrStart[u] .. nbrStart[u + 1]. */
  readonly nbrStart: Int32Array;
  readonly nbr: Int32Array;
  readonly nbrWeight: Float64Array;
  /** Directions of each (u, neighbour) slot, CSR again. */
  readonly dirStart: Int32Array;
  readonly dirs: Int32Array;
  /** Reverse CSR: routers w with a direction w -> v, at revStart[v]; revSlot is the slot of (w, v) in nbr. */
  readonly revStart: Int32Array;
  readonly rev: Int32Array;
  readonly revSlot: Int32Array;
}

function adjacency(l: LinkArrays): Adjacency {
  const R = l.routers;
  const byPair = new Map<number, number[]>();
  for (let i = 0; i < l.from.length; i++) {
    // A direction that is out is no edge at all: a pair whose only directions are out has no adjacency.
    if (l.down?.[i] === 1) continue;
    const k = l.from[i]! * R + l.to[i]!;
    const list = byPair.get(k);
    if (list) list.push(i); else byPair.set(k, [i]);
  }
  const keys = [...byPair.keys()].sort((a, b) => a - b);
  const nbrStart = new Int32Array(R + 1);
  for (const k of keys) nbrStart[Math.floor(k / R) + 1]!++;
  for (let u = 0; u < R; u++) nbrStart[u + 1]! += nbrStart[u]!;
  const nbr = new Int32Array(keys.length);
  const nbrWeight = new Float64Array(keys.length);
  const dirStart = new Int32Array(keys.length + 1);
  const dirs = new Int32Array(l.from.length);
  let d = 0;
  keys.forEach((k, s) => {
    nbr[s] = k % R;
    const list = byPair.get(k)!;
    let w = Infinity;
    for (const i of list) { dirs[d++] = i; w = Math.min(w, l.weight[i]!); }
    nbrWeight[s] = w;
    dirStart[s + 1] = d;
  });
  const revStart = new Int32Array(R + 1);
  for (let s = 0; s < nbr.length; s++) revStart[nbr[s]! + 1]!++;
  for (let v = 0; v < R; v++) revStart[v + 1]! += revStart[v]!;
  const fill = revStart.slice(0, R);
  const rev = new Int32Array(nbr.length);
  const revSlot = new Int32Array(nbr.length);
  for (let u = 0; u < R; u++) {
    for (let s = nbrStart[u]!; s < nbrStart[u + 1]!; s++) {
      const at = fill[nbr[s]!]!++;
      rev[at] = u;
      revSlot[at] = s;
    }
  }
  return { nbrStart, nbr, nbrWeight, dirStart, dirs, revStart, rev, revSlot };
}

/** Growable choice-set storage. */
class Choices {
  start: number[] = [0];
  station: number[] = [];
  share: number[] = [];
  add(items: readonly { station: number; share: number }[]): number {
    for (const it of items) { this.station.push(it.station); this.share.push(it.share); }
    this.start.push(this.station.length);
    return this.start.length - 2;
  }
}

/**
 * The directions of slot s (u -> neighbour) that carry traffic. Without IGP
 * metrics every parallel direction does, whatever its delay (the `parallel`
 * rule splits them). Once any of them has its own metric, only those at the
 * slot's lightest weight do, as an IGP forwards over its cheapest adjacency:
 * raising one parallel link's metric moves its traffic onto the others.
 */
function slotDirections(l: LinkArrays, a: Adjacency, s: number): number[] {
  const all = Array.from(a.dirs.subarray(a.dirStart[s]!, a.dirStart[s + 1]!));
  if (all.length === 1 || !all.some((i) => l.metricSet?.[i] === 1)) return all;
  const w = a.nbrWeight[s]!;
  return all.filter((i) => l.weight[i]! - w <= TIE * w);
}

/** The directions of slot s (u -> neighbour) with their shares of `total`. */
function slotItems(l: LinkArrays, a: Adjacency, s: number, total: number, parallel: 'split' | 'best'): { station: number; share: number }[] {
  const dirs = slotDirections(l, a, s);
  if (parallel === 'best' || dirs.length === 1) {
    let best = dirs[0]!;
    for (const i of dirs) if (l.capacity[i]! > l.capacity[best]!) best = i;
    return [{ station: l.station[best]!, share: total }];
  }
  let cap = 0;
  for (const i of dirs) cap += l.capacity[i]!;
  return dirs.map((i) => ({ station: l.station[i]!, share: (total * l.capacity[i]!) / cap }));
}

/** Dijkstra towards `d` over the reversed adjacency: dist[u] = path cost from u to d (Infinity: no path); `heap` keys on `dist`. */
function distancesTo(d: number, a: Adjacency, dist: Float64Array, heap: Heap): void {
  const { revStart, rev, revSlot, nbrWeight } = a;
  dist.fill(Infinity);
  dist[d] = 0;
  heap.reset();
  heap.push(d);
  while (!heap.empty) {
    const v = heap.pop();
    const dv = dist[v]!;
    for (let j = revStart[v]!, end = revStart[v + 1]!; j < end; j++) {
      const u = rev[j]!;
      const alt = dv + nbrWeight[revSlot[j]!]!;
      if (alt < dist[u]!) { dist[u] = alt; heap.push(u); }
    }
  }
}

/** Builds the forwarding tables: R Dijkstra runs, O(R (R + E) log R). */
export function forwardingTables(l: LinkArrays, opts: RoutingOptions): ForwardingTables {
  const R = l.routers;
  const a = adjacency(l);
  const nextHop = new Int32Array(R * R).fill(-1);
  const dist = new Float64Array(R);
  const heap = new Heap(R, dist);
  const choices = new Choices();
  const slotSet = new Int32Array(a.nbr.length).fill(-1);
  const multiSet = new Map<string, number>();
  const slots = new Int32Array(R);
  // Locals: the loops below run R^2 times.
  const { nbrStart, nbr, nbrWeight } = a;
  for (let d = 0; d < R; d++) {
    distancesTo(d, a, dist, heap);
    const row = d * R;
    for (let u = 0; u < R; u++) {
      const du = dist[u]!;
      if (u === d || du === Infinity) continue;
      const tol = TIE * du;
      let count = 0;
      for (let s = nbrStart[u]!, end = nbrStart[u + 1]!; s < end; s++) {
        const gap = nbrWeight[s]! + dist[nbr[s]!]! - du;
        if (gap <= tol && gap >= -tol) {
          slots[count++] = s;
          if (!opts.ecmp) break;
        }
      }
      if (count === 1) {
        const s = slots[0]!;
        if (slotSet[s]! < 0) slotSet[s] = choices.add(slotItems(l, a, s, 1, opts.parallel));
        nextHop[row + u] = slotSet[s]!;
      } else {
        const list = Array.from(slots.subarray(0, count));
        const key = list.join(',');
        let set = multiSet.get(key);
        if (set === undefined) {
          set = choices.add(list.flatMap((s) => slotItems(l, a, s, 1 / count, opts.parallel)));
          multiSet.set(key, set);
        }
        nextHop[row + u] = set;
      }
    }
  }
  const choiceCum = new Float64Array(choices.share.length);
  for (let k = 0; k + 1 < choices.start.length; k++) {
    let cum = 0;
    const lo = choices.start[k]!;
    const hi = choices.start[k + 1]!;
    for (let j = lo; j < hi; j++) { cum += choices.share[j]!; choiceCum[j] = j === hi - 1 ? 1 : cum; }
  }
  return {
    nextHop,
    choiceStart: Int32Array.from(choices.start),
    choiceStation: Int32Array.from(choices.station),
    choiceCum,
  };
}

/**
 * Path cost from every router to each destination in `dests` (Infinity: no
 * path), over the directions that are up, with the same weights as the
 * tables. For what-if reasoning on metrics (twins/mitigation/generate-network.ts).
 */
export function shortestDistances(l: LinkArrays, dests: readonly number[]): Float64Array[] {
  const a = adjacency(l);
  return dests.map((d) => {
    const dist = new Float64Array(l.routers);
    distancesTo(d, a, dist, new Heap(l.routers, dist));
    return dist;
  });
}
