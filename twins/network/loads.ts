/**
 * Offered load per link direction of a routed network, in closed form: each
 * origin's rate split over its destinations, pushed down every destination's
 * shortest-path tree from the farthest router inwards (each router passes on
 * what it originates plus what it receives, by the shares of its choice set),
 * from the twin's tables alone. O(R^2 + R E) for all pairs. Used by importers to scale gravity traffic and by
 * tests as the routed-by-hand reference.
 */
import type { NetworkRouting } from '../definition/types.js';

export interface RoutedLoads {
  /** Packets/s offered per link direction, by station node index (0 for other nodes). */
  readonly station: Float64Array;
  /** Packets/s that reach their destination, per origin router number. */
  readonly delivered: Float64Array;
}

/** `originRate[r]`: packets/s leaving router r (its entry's rate). */
export function routedLoads(net: NetworkRouting, originRate: Float64Array, nodeCount: number): RoutedLoads {
  const R = net.routers.length;
  // demand[d * R + o]: packets/s from o to d.
  const demand = new Float64Array(R * R);
  const delivered = new Float64Array(R);
  for (let o = 0; o < R; o++) {
    const rate = originRate[o]!;
    if (!(rate > 0)) continue;
    let prev = 0;
    for (let j = net.destStart[o]!; j < net.destStart[o + 1]!; j++) {
      const d = net.routerOf[net.destNode[j]!]!;
      demand[d * R + o] = rate * (net.destCum[j]! - prev);
      prev = net.destCum[j]!;
    }
    delivered[o] = net.destStart[o + 1]! > net.destStart[o]! ? rate : 0;
  }
  // Router each choice leads to, and its share.
  const cs = net.choiceStation;
  const toRouter = new Int32Array(cs.length);
  const share = new Float64Array(cs.length);
  for (let k = 0; k + 1 < net.choiceStart.length; k++) {
    let prev = 0;
    for (let j = net.choiceStart[k]!; j < net.choiceStart[k + 1]!; j++) {
      toRouter[j] = net.routerOf[net.linkTo[cs[j]!]!]!;
      share[j] = net.choiceCum[j]! - prev;
      prev = net.choiceCum[j]!;
    }
  }
  const station = new Float64Array(nodeCount);
  const inflow = new Float64Array(R);
  const indeg = new Int32Array(R);
  const queue = new Int32Array(R);
  for (let d = 0; d < R; d++) {
    const row = d * R;
    inflow.set(demand.subarray(row, row + R));
    // Kahn's order over the destination's next-hop DAG: a router passes its flow on once all its upstream routers have.
    indeg.fill(0);
    for (let u = 0; u < R; u++) {
      const set = net.nextHop[row + u]!;
      if (set >= 0) for (let j = net.choiceStart[set]!; j < net.choiceStart[set + 1]!; j++) indeg[toRouter[j]!]!++;
    }
    let head = 0;
    let tail = 0;
    for (let u = 0; u < R; u++) if (indeg[u] === 0 && net.nextHop[row + u]! >= 0) queue[tail++] = u;
    while (head < tail) {
      const u = queue[head++]!;
      const f = inflow[u]!;
      const set = net.nextHop[row + u]!;
      for (let j = net.choiceStart[set]!; j < net.choiceStart[set + 1]!; j++) {
        const v = toRouter[j]!;
        if (f !== 0) {
          const x = f * share[j]!;
          station[cs[j]!]! += x;
          inflow[v]! += x;
        }
        if (--indeg[v]! === 0 && v !== d) queue[tail++] = v;
      }
    }
  }
  return { station, delivered };
}
